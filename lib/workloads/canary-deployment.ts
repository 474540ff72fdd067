import { Construct } from 'constructs';
import { checkInt, checkPositiveInt, DNS1123_SUBDOMAIN, invalidProp, problem } from '../core/errors';
import { PropShape } from '../core/props';
import { percentOf, ReplicaSplitError, splitPods } from './replica-split';
import { oncePerSynthesis, serviceCatching } from '../safety/app-checks';
import { checksItself } from '../safety/rules';
import { StableDeployment } from './stable-deployment';
import {
  DEPLOYMENT_UPDATE_SHAPE,
  DeploymentUpdateOptions,
  TrackDeployment,
  TrackDeploymentSettings,
} from './track-deployment';
import { addWarning } from '../core/warnings';
import { CONTAINER_OPTIONS_SHAPE, ContainerOptions, WORKLOAD_OPTIONS_SHAPE, WorkloadOptions } from './workload';

/**
 * Props of a {@link CanaryDeployment}. Container and pod options not given (env, mounts, sidecars, scheduling,
 * labels and annotations ...) are taken from the stable release; the disruption budget is not.
 */
export interface CanaryDeploymentProps extends Partial<ContainerOptions>, DeploymentUpdateOptions, WorkloadOptions {
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

/** @internal The runtime shape of {@link CanaryDeploymentProps}, for `checkProps`. */
export const CANARY_DEPLOYMENT_SHAPE: PropShape = {
  ...CONTAINER_OPTIONS_SHAPE,
  ...DEPLOYMENT_UPDATE_SHAPE,
  ...WORKLOAD_OPTIONS_SHAPE,
  stable: 'construct!',
  image: 'string!',
  app: 'string',
  name: 'string',
  replicas: 'number',
  weight: 'number',
  totalReplicas: 'number',
  roundToWholePods: 'boolean',
};

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
  private readonly weightSplit?: WeightSplit;

  constructor(scope: Construct, id: string, props: CanaryDeploymentProps) {
    super(scope, id, props, CANARY_DEPLOYMENT_SHAPE, 'canary', canarySettings);
    this.stable = props.stable;
    const stable = props.stable;
    const stablePort = stable.containerPort?.number;
    if (props.port !== undefined && props.port !== stablePort) {
      invalidProp(
        this,
        'port',
        props.port,
        `must be the stable's container port (${stablePort ?? 'none'} in ${stable.node.path}): one Service must reach both tracks on the same port`,
      );
    }
    const weight: unknown = props.weight;
    if (
      weight !== undefined &&
      (typeof weight !== 'number' || !Number.isFinite(weight) || Object.is(weight, -0) || weight < 0 || weight > 100)
    ) {
      invalidProp(this, 'weight', weight, 'must be a percentage from 0 to 100');
    }
    if (props.totalReplicas !== undefined) checkInt(this, 'totalReplicas', props.totalReplicas, 1);

    if (props.weight !== undefined) {
      this.weightSplit = this.splitByWeight(props, props.weight);
    } else {
      if (props.totalReplicas !== undefined)
        invalidProp(this, 'totalReplicas', props.totalReplicas, 'only applies with weight');
      if (props.replicas !== undefined) checkPositiveInt(this, 'replicas', props.replicas, { allowZero: true });
      this.replicasProp = props.replicas;
    }
    checksItself(this, 'hpa-canary-share');
    this.node.addValidation({ validate: () => this.validateShare() });
  }

  /** The canary and stable pods a weight of the total makes; the stable's replicas follow. */
  private splitByWeight(props: CanaryDeploymentProps, weight: number): WeightSplit {
    const stable = props.stable;
    let split!: WeightSplit;
    if (props.replicas !== undefined) {
      invalidProp(
        this,
        'replicas',
        props.replicas,
        'must not be set together with weight; give either a pod count or a percentage',
      );
    }
    if (props.totalReplicas === undefined) {
      invalidProp(
        this,
        'totalReplicas',
        undefined,
        `must be set with weight (${weight}%), so the percentage can become whole pods`,
      );
    }
    try {
      const round = props.roundToWholePods ?? false;
      split = splitPods(weight, props.totalReplicas, round, 'set roundToWholePods: true');
    } catch (e) {
      if (!(e instanceof ReplicaSplitError)) throw e;
      const aboutWeight = e.argument === 'percent';
      invalidProp(
        this,
        aboutWeight ? 'weight' : 'totalReplicas',
        aboutWeight ? weight : props.totalReplicas,
        e.message,
      );
    }
    const requested = stable.requestedReplicas;
    if (requested !== undefined && requested !== split.stable) {
      invalidProp(
        this,
        'weight',
        weight,
        `leaves ${split.stable} of ${props.totalReplicas} pods for stable, but ${stable.node.path} sets replicas to ${requested}; remove one of the two`,
      );
    }
    stable._setReplicasFromCanary(split.stable);
    return split;
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

  protected get explicitReplicas(): number | undefined {
    return this.replicasProp ?? this.weightSplit?.canary;
  }

  private validateShare(): string[] {
    // cdk8s validates once more per chart: decide (and warn) once per synthesis.
    return oncePerSynthesis(this, this, () => this.checkShare());
  }

  private checkShare(): string[] {
    if (this.weightSplit && this.stable.isAutoscaled) {
      return [
        problem(
          'weight',
          this.weightSplit.effectivePercent,
          `cannot hold while ${this.stable.node.path} is autoscaled; give the canary a fixed replicas count instead`,
        ),
      ];
    }
    if (this.stable.isAutoscaled && !this.isAutoscaled) {
      // The share only drifts for traffic through a Service that selects both tracks; with one
      // Service per track (ingress weights) the autoscaler moves no share.
      const shared = serviceCatching(this, this.deployment.metadata.namespace, [this.stable.podLabels, this.podLabels]);
      if (shared) addWarning(this, this.shareWarning(shared));
    }
    return [];
  }

  private shareWarning(service: string): string {
    const canary = this.replicas ?? 0;
    const { min, max } = this.stable.autoscalingRange!;
    return (
      `the canary's traffic share moves while ${this.stable.node.path} autoscales: ` +
      `${canary} canary pod(s) beside ${min}..${max} stable pods is ${percentOf(canary, canary + min)}% down to ${percentOf(canary, canary + max)}% ` +
      `of the traffic of the Service at ${service}, which selects both tracks. ` +
      'Use ingress weights (a HostIngress canary over one Service per track) for a fixed share.'
    );
  }
}

type WeightSplit = ReturnType<typeof splitPods>;

/** A canary's settings: its stable's container and pod options, then its own, under the stable's identity. */
function canarySettings(self: Construct, p: CanaryDeploymentProps): TrackDeploymentSettings {
  const stable: unknown = p.stable;
  if (!(stable instanceof StableDeployment))
    invalidProp(self, 'stable', stable, 'must be the StableDeployment construct this canary runs beside');
  if (p.app !== undefined && p.app !== stable.app) {
    invalidProp(
      self,
      'app',
      p.app,
      `must be the stable's app ("${stable.app}" of ${stable.node.path}): a canary is a new version of the same app`,
    );
  }
  const { stable: _stable, weight: _w, totalReplicas: _t, roundToWholePods: _r, replicas: _n, ...own } = p;
  // The default name is made from the stable's app: report it as app, with where the app comes from.
  if (p.name === undefined && !DNS1123_SUBDOMAIN.test(`${stable.app}-canary`)) {
    invalidProp(
      self,
      'app',
      stable.app,
      `(the app of ${stable.node.path}) makes the default Deployment name "${stable.app}-canary", which is not a DNS-1123 subdomain: set name`,
    );
  }
  return { ...stable.containerOptions, version: undefined, ...own, app: stable.app, labelKeys: stable.labelKeys };
}
