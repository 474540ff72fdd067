import { Construct } from 'constructs';
import { checkPositiveInt } from '../core/errors';
import { LabelKeys } from '../core/labels';
import { PropShape } from '../core/props';
import { DEPLOYMENT_UPDATE_SHAPE, DeploymentUpdateOptions, TrackDeployment } from './track-deployment';
import {
  CONTAINER_OPTIONS_SHAPE,
  ContainerOptions,
  LABEL_KEYS_SHAPE,
  WORKLOAD_OPTIONS_SHAPE,
  WorkloadOptions,
} from './workload';

/** Props of a {@link StableDeployment}. */
export interface StableDeploymentProps extends ContainerOptions, DeploymentUpdateOptions, WorkloadOptions {
  /** Value of the app identity label, shared by every track and version of the app. */
  readonly app: string;
  /**
   * Label keys for app, track and version. E.g. `{ app: 'app', version: 'dummy-version' }` to keep an existing app's
   * keys.
   * @default - see LabelKeys
   */
  readonly labelKeys?: LabelKeys;
  /**
   * metadata.name of the Deployment.
   * @default `${app}-stable`
   */
  readonly name?: string;
  /**
   * Pods to run. Leave unset when an Autoscaler manages the Deployment or a
   * CanaryDeployment splits a total by percentage.
   * @default 1, or what the CanaryDeployment's split leaves for stable
   */
  readonly replicas?: number;
}

/** @internal The runtime shape of {@link StableDeploymentProps}, for `checkProps`. */
export const STABLE_DEPLOYMENT_SHAPE: PropShape = {
  ...CONTAINER_OPTIONS_SHAPE,
  ...DEPLOYMENT_UPDATE_SHAPE,
  ...WORKLOAD_OPTIONS_SHAPE,
  image: 'string!',
  app: 'string!',
  labelKeys: LABEL_KEYS_SHAPE,
  name: 'string',
  replicas: 'number',
};

/** The release that serves most traffic: a Deployment on the `stable` track. */
export class StableDeployment extends TrackDeployment {
  /** The `replicas` prop as given. */
  public readonly requestedReplicas?: number;
  private replicasFromCanary?: number;

  constructor(scope: Construct, id: string, props: StableDeploymentProps) {
    super(scope, id, props, STABLE_DEPLOYMENT_SHAPE, 'stable', (_self, p: StableDeploymentProps) => p);
    if (props.replicas !== undefined) checkPositiveInt(this, 'replicas', props.replicas);
    this.requestedReplicas = props.replicas;
  }

  /** Pods this Deployment asks for, or undefined when an Autoscaler owns the count. */
  public get replicas(): number | undefined {
    if (this.isAutoscaled) return undefined;
    return this.replicasFromCanary ?? this.requestedReplicas ?? 1;
  }

  protected get explicitReplicas(): number | undefined {
    return this.requestedReplicas;
  }

  /** @internal Called by a CanaryDeployment that splits a total by percentage; it checks for conflicts first. */
  public _setReplicasFromCanary(replicas: number): void {
    this.replicasFromCanary = replicas;
  }
}
