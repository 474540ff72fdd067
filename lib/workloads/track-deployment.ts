import { ApiObject, Duration, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { checkDnsSubdomain, checkLabelValue, checkPositiveInt, DNS1123_SUBDOMAIN, invalidProp, wholeSeconds } from '../core/errors';
import { checkProps, PropShape } from '../core/props';
import { LabelKeys, ResolvedLabelKeys, resolveLabelKeys, Track } from '../core/labels';
import { UpdateStrategy } from '../core/update-strategy';
import { ContainerOptions, ContainerPort, containerPortOf, IWorkload, renderPodTemplate, resolveVersion } from './workload';
import { AutoscalingRange, IAutoscalable, ReplicaOwner, ScaleTarget } from './autoscaler';
import type { ContainerResources } from '../core/quantity';

/** How a Deployment rolls out changes, shared by the stable and canary tracks. */
export interface DeploymentUpdateOptions {
  /**
   * How pods are replaced on a change.
   * @default UpdateStrategy.rollingUpdate() (25% surge, 25% unavailable)
   */
  readonly strategy?: UpdateStrategy;
  /**
   * How long a new pod must be ready before it counts as available.
   * @default - Kubernetes' default (0 s)
   */
  readonly minReady?: Duration;
  /**
   * How long a rollout may make no progress before it is reported as failed.
   * @default - Kubernetes' default (600 s)
   */
  readonly progressDeadline?: Duration;
  /**
   * Old ReplicaSets kept for `kubectl rollout undo`.
   * @default - Kubernetes' default (10)
   */
  readonly revisionHistoryLimit?: number;
}

/** @internal The runtime shape of {@link DeploymentUpdateOptions}, for `checkProps`. */
export const DEPLOYMENT_UPDATE_SHAPE: PropShape = {
  strategy: UpdateStrategy,
  minReady: Duration,
  progressDeadline: Duration,
  revisionHistoryLimit: 'number',
};

/** @internal Everything a track deployment needs once its app and labels are settled. */
export interface TrackDeploymentSettings extends ContainerOptions, DeploymentUpdateOptions {
  readonly app: string;
  readonly labelKeys?: LabelKeys;
  readonly name?: string;
}

/** A Deployment of one app on one track. Base of StableDeployment and CanaryDeployment. */
export abstract class TrackDeployment extends Construct implements IWorkload, IAutoscalable {
  public readonly app: string;
  public readonly track: Track;
  public readonly labelKeys: ResolvedLabelKeys;
  /** metadata.name of the Deployment. */
  public readonly name: string;
  /** The version label's value. */
  public readonly version: string;
  public readonly containerPort?: ContainerPort;
  /** The container's CPU and memory. */
  public readonly resources?: ContainerResources;
  /** The Deployment manifest; use `ApiObject.of(...).addJsonPatch()` for fields the props do not cover. */
  public readonly deployment: ApiObject;
  public readonly scaleTarget: ScaleTarget;
  public readonly fixedReplicaCount = false;
  /** The container options this Deployment was built from; a canary starts from its stable's. */
  public readonly containerOptions: ContainerOptions;
  /** Replicas in the manifest, or undefined while an autoscaler owns the count. */
  protected abstract get manifestReplicas(): number | undefined;
  private readonly replicaOwner = new ReplicaOwner(this, () => this.explicitReplicas);

  /**
   * @internal StableDeployment and CanaryDeployment are the subclasses.
   * @param props the props as given, checked against `shape` before anything reads them
   * @param settingsOf turns the checked props into the deployment's settings
   */
  protected constructor(
    scope: Construct, id: string, props: unknown, shape: PropShape, track: Track,
    settingsOf: (self: TrackDeployment, props: any) => TrackDeploymentSettings,
  ) {
    super(scope, id);
    checkProps(this, props, shape);
    const settings = settingsOf(this, props);
    this.app = settings.app;
    this.track = track;
    // What a canary inherits: the container and update options, not the identity (app, name, replicas, labels).
    const { app: _app, name: _name, labelKeys: _keys, replicas: _replicas, ...containerOptions } = settings as TrackDeploymentSettings & { replicas?: number };
    this.containerOptions = containerOptions as ContainerOptions;
    this.labelKeys = resolveLabelKeys(this, settings.labelKeys);
    checkLabelValue(this, 'app', this.app);
    if (this.app === '') invalidProp(this, 'app', this.app, 'must not be empty');
    if (settings.name !== undefined) {
      checkDnsSubdomain(this, 'name', settings.name);
      this.name = settings.name;
    } else {
      this.name = `${this.app}-${track}`;
      // The default name is made from app: report it as app, the prop the user set.
      if (this.name.length > 253 || !DNS1123_SUBDOMAIN.test(this.name)) {
        invalidProp(this, 'app', this.app, `makes the default Deployment name "${this.name}", which is not a DNS-1123 subdomain (lower-case letters, digits, "-" and ".", at most 253 characters): use such an app or set name`);
      }
    }
    this.version = resolveVersion(this, settings);
    const timing = renderUpdateTiming(this, settings);

    const selector = { [this.labelKeys.app]: this.app, [this.labelKeys.track]: track };
    const podLabels = { ...selector, [this.labelKeys.version]: this.version };
    const template = renderPodTemplate(this, settings, this.app, podLabels);
    this.containerPort = containerPortOf(settings);
    this.resources = settings.resources;
    const strategy = (settings.strategy ?? UpdateStrategy.rollingUpdate())._render(this, 'strategy');
    this.scaleTarget = { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name };

    this.deployment = new ApiObject(this, 'Resource', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: this.name, labels: podLabels },
      spec: Lazy.any({
        produce: () => ({
          replicas: this.manifestReplicas,
          ...timing,
          selector: { matchLabels: selector },
          strategy,
          template,
        }),
      }),
    });
  }

  public get selectorLabels(): Record<string, string> {
    return { [this.labelKeys.app]: this.app, [this.labelKeys.track]: this.track };
  }

  public get podLabels(): Record<string, string> {
    return { ...this.selectorLabels, [this.labelKeys.version]: this.version };
  }

  /** True once an Autoscaler manages this Deployment's replica count. */
  public get isAutoscaled(): boolean {
    return this.replicaOwner.isAutoscaled;
  }

  /** Replica bounds of the Autoscaler that manages this Deployment, if any. */
  public get autoscalingRange(): AutoscalingRange | undefined {
    return this.replicaOwner.range;
  }

  /** Called by the Autoscaler that targets this workload: it owns the replica count from then on. */
  public attachAutoscaler(autoscaler: IConstruct, range: AutoscalingRange): void {
    this.replicaOwner.attach(autoscaler, range);
  }

  /** The replica count the user set, if any. */
  protected abstract get explicitReplicas(): number | undefined;
}

/** `progressDeadlineSeconds` of a Deployment or Rollout that sets none. */
const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

/**
 * `revisionHistoryLimit`, `minReadySeconds` and `progressDeadlineSeconds` of a Deployment or
 * Rollout spec, checked: a progress deadline not longer than minReady fails every rollout.
 */
export function renderUpdateTiming(scope: IConstruct, options: Pick<DeploymentUpdateOptions, 'minReady' | 'progressDeadline' | 'revisionHistoryLimit'>) {
  if (options.revisionHistoryLimit !== undefined) checkPositiveInt(scope, 'revisionHistoryLimit', options.revisionHistoryLimit, { allowZero: true });
  const minReadySeconds = wholeSeconds(scope, 'minReady', options.minReady);
  const progressDeadlineSeconds = wholeSeconds(scope, 'progressDeadline', options.progressDeadline);
  if (progressDeadlineSeconds !== undefined && progressDeadlineSeconds <= (minReadySeconds ?? 0)) {
    invalidProp(scope, 'progressDeadline', `${progressDeadlineSeconds}s`, `must be longer than minReady (${minReadySeconds ?? 0}s), or every rollout is reported as failed`);
  }
  // The API server (and Argo) default progressDeadlineSeconds to 600 and then make the same comparison.
  if (progressDeadlineSeconds === undefined && (minReadySeconds ?? 0) >= DEFAULT_PROGRESS_DEADLINE_SECONDS) {
    invalidProp(scope, 'minReady', `${minReadySeconds}s`, `must be shorter than the progress deadline, ${DEFAULT_PROGRESS_DEADLINE_SECONDS}s by default (the API server refuses the object otherwise); set progressDeadline longer, or minReady shorter`);
  }
  return { revisionHistoryLimit: options.revisionHistoryLimit, minReadySeconds, progressDeadlineSeconds };
}
