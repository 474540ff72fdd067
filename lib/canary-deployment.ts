import { Construct } from 'constructs';
import { checkPositiveInt, DeliveryError, invalidProp, problem } from './errors';
import { percentOf, splitReplicas } from './replica-split';
import { checksItself } from './rules';
import { StableDeployment } from './stable-deployment';
import { DeploymentUpdateOptions, TrackDeployment } from './track-deployment';
import { addWarning } from './warnings';
import { ContainerOptions } from './workload';

/** Props of a {@link CanaryDeployment}. Container options not given are taken from the stable release. */
export interface CanaryDeploymentProps extends Partial<ContainerOptions>, DeploymentUpdateOptions {
  /** The stable release this canary runs beside. */
  readonly stable: StableDeployment;
  /** The new release's image, e.g. `dummy-api:2.0`. */
  readonly image: string;
  /**
   * App identity label; must be the stable's.
   * @default - the stable's app
   */
  readonly app?: string;
  /**
   * metadata.name of the Deployment.
   * @default `${app}-canary`
   */
  readonly name?: string;
  /**
   * Canary pods, when the count is given directly. Exclusive with `weight`.
   * @default 1 (when `weight` is not set)
   */
  readonly replicas?: number;
  /**
   * Percentage of all pods (and so of the traffic of a Service selecting both tracks)
   * that runs the canary. Needs `totalReplicas`; sets the stable's replicas to the rest.
   * @default - use `replicas`
   */
  readonly weight?: number;
  /**
   * Stable plus canary pods, split by `weight`.
   * @default - required with `weight`
   */
  readonly totalReplicas?: number;
  /**
   * Round a `weight` that whole pods cannot meet to the nearest whole pod instead of failing.
   * `effectivePercent` tells what was reached.
   * @default false
   */
  readonly roundToWholePods?: boolean;
}

/**
 * A new release beside a {@link StableDeployment}: same app, same container port, another
 * image and version, on the `canary` track. Traffic through a Service that selects both
 * tracks splits by pod count.
 *
 * Promotion is a one-line change: set the stable's `image` to the canary's, then remove the
 * canary (or point it at the next release).
 */
export class CanaryDeployment extends TrackDeployment {
  /** The stable release this canary runs beside. */
  public readonly stable: StableDeployment;
  private readonly replicasProp?: number;
  private readonly weightSplit?: { canary: number; stable: number; effectivePercent: number };

  constructor(scope: Construct, id: string, props: CanaryDeploymentProps) {
    const stable = props.stable;
    if (props.app !== undefined && props.app !== stable.app) {
      throw new DeliveryError(`${scope.node.path}/${id}`, 'app', props.app, `must be the stable's app ("${stable.app}" of ${stable.node.path}): a canary is a new version of the same app`);
    }
    const { stable: _stable, weight: _w, totalReplicas: _t, roundToWholePods: _r, replicas: _n, ...own } = props;
    super(scope, id, { ...stable.containerOptions, version: undefined, ...own, app: stable.app, labelKeys: stable.labelKeys }, 'canary');
    this.stable = stable;
    const stablePort = stable.containerPort?.number;
    if (props.port !== undefined && props.port !== stablePort) {
      invalidProp(this, 'port', props.port, `must be the stable's container port (${stablePort ?? 'none'} in ${stable.node.path}): one Service must reach both tracks on the same port`);
    }

    if (props.weight !== undefined) {
      if (props.replicas !== undefined) {
        invalidProp(this, 'replicas', props.replicas, 'must not be set together with weight; give either a pod count or a percentage');
      }
      if (props.totalReplicas === undefined) {
        invalidProp(this, 'totalReplicas', undefined, `must be set with weight (${props.weight}%), so the percentage can become whole pods`);
      }
      try {
        this.weightSplit = splitReplicas(props.weight, props.totalReplicas, props.roundToWholePods ?? false);
      } catch (e) {
        const message = (e as Error).message.replace('allow rounding', 'set roundToWholePods: true');
        const aboutWeight = /percentage|whole pods out of/.test(message);
        invalidProp(this, aboutWeight ? 'weight' : 'totalReplicas', aboutWeight ? props.weight : props.totalReplicas, message);
      }
      const requested = stable.requestedReplicas;
      if (requested !== undefined && requested !== this.weightSplit.stable) {
        invalidProp(this, 'weight', props.weight, `leaves ${this.weightSplit.stable} of ${props.totalReplicas} pods for stable, but ${stable.node.path} sets replicas to ${requested}; remove one of the two`);
      }
      stable._setReplicasFromCanary(this.weightSplit.stable);
    } else {
      if (props.totalReplicas !== undefined) invalidProp(this, 'totalReplicas', props.totalReplicas, 'only applies with weight');
      if (props.replicas !== undefined) checkPositiveInt(this, 'replicas', props.replicas, { allowZero: true });
      this.replicasProp = props.replicas;
    }
    checksItself(this, 'hpa-canary-share');
    this.node.addValidation({ validate: () => this.validateShare() });
  }

  /** Canary pods in the manifest, or undefined while an Autoscaler owns the count. */
  public get replicas(): number | undefined {
    if (this.isAutoscaled) return undefined;
    return this.weightSplit?.canary ?? this.replicasProp ?? 1;
  }

  /**
   * The canary's share of all pods in percent, after rounding to whole pods;
   * undefined while an autoscaler moves either side (see the synth warning for the range).
   */
  public get effectivePercent(): number | undefined {
    const canary = this.replicas;
    const stable = this.stable.replicas;
    if (canary === undefined || stable === undefined) return undefined;
    return percentOf(canary, canary + stable);
  }

  protected get manifestReplicas(): number | undefined {
    return this.replicas;
  }

  protected get explicitReplicas(): number | undefined {
    return this.replicasProp ?? this.weightSplit?.canary;
  }

  private validateShare(): string[] {
    if (this.weightSplit && this.stable.isAutoscaled) {
      return [problem('weight', this.weightSplit.effectivePercent, `cannot hold while ${this.stable.node.path} is autoscaled; give the canary a fixed replicas count instead`)];
    }
    if (this.stable.isAutoscaled && !this.isAutoscaled) {
      addWarning(this, this.shareWarning());
    }
    return [];
  }

  private shareWarning(): string {
    const canary = this.replicas ?? 0;
    const { min, max } = this.stable.autoscalingRange!;
    return `the canary's traffic share moves while ${this.stable.node.path} autoscales: `
      + `${canary} canary pod(s) beside ${min}..${max} stable pods is ${percentOf(canary, canary + min)}% down to ${percentOf(canary, canary + max)}%. `
      + 'Use ingress weights (HostIngress canary) for a fixed share.';
  }
}
