import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { RolloutSpec, RolloutSpecStrategy, RolloutSpecStrategyCanarySteps } from '../../imports/argoproj.io';
import { AnalysisUse, renderAnalysisUses } from './analysis-template';
import { argoDuration, Wire } from './argo-wire';
import { CanaryAction, CanaryStep } from './canary-step';
import { checkHttpToken, checkHttpValue } from '../gateway/route-common';
import {
  checkDnsSubdomain,
  checkEnum,
  checkInt,
  checkLabelKey,
  checkLabelValue,
  checkPercent,
  INT32_MAX,
  invalidProp,
  problem,
  wholeSeconds,
} from '../core/errors';
import { HostIngress } from '../workloads/host-ingress';
import { GrpcRoute } from '../gateway/grpc-route';
import { HttpRoute } from '../gateway/http-route';
import { LabelKeys, resolveLabelKeys } from '../core/labels';
import { checkProps, PropShape } from '../core/props';
import { percentOf } from '../workloads/replica-split';
import { renderUpdateTiming, TrackDeployment } from '../workloads/track-deployment';
import { IntOrPercent } from '../core/update-strategy';
import { VersionedService } from '../workloads/versioned-service';
import { addWarning } from '../core/warnings';
import { PodWorkload, PodWorkloadIdentity } from '../workloads/pod-workload';
import {
  CONTAINER_OPTIONS_SHAPE,
  ContainerOptions,
  LABEL_KEYS_SHAPE,
  resolveVersion,
  WORKLOAD_OPTIONS_SHAPE,
  WorkloadOptions,
} from '../workloads/workload';
import { planRolloutObject } from '../plan/plan-from-construct';
import type { RolloutPlan } from '../plan/rollout-plan';

/** Options of nginx traffic routing. */
export interface NginxRoutingOptions {
  /**
   * Prefix of the ingress-nginx annotations, when the controller was installed with another.
   * @default 'nginx.ingress.kubernetes.io'
   */
  readonly annotationPrefix?: string;
  /**
   * Extra annotations for the canary Ingress Argo creates (e.g. `canary-by-header`).
   * @default - none
   */
  readonly additionalIngressAnnotations?: Readonly<Record<string, string>>;
}

/** Options of Gateway API traffic routing. */
export interface GatewayApiRoutingOptions {
  /**
   * Name of the plugin as registered in the controller's `argo-rollouts-config` ConfigMap.
   * @default 'argoproj-labs/gatewayAPI'
   */
  readonly pluginName?: string;
}

/** How traffic is split between stable and canary pods, independent of pod counts. */
export class TrafficRouting {
  /**
   * ingress-nginx (legacy: ingress-nginx is retired; prefer `TrafficRouting.gatewayApi`):
   * Argo copies `stableIngress` into a canary Ingress and moves its `canary-weight` annotation at
   * each setWeight step. The Ingress must route to the Rollout's stableService.
   */
  public static nginx(stableIngress: HostIngress, options: NginxRoutingOptions = {}): TrafficRouting {
    return new TrafficRouting('nginx', stableIngress, [], options);
  }
  /**
   * The Gateway API, through Argo Rollouts' Gateway API plugin (`argoproj-labs/gatewayAPI`): at each
   * setWeight step the plugin rewrites the weights of the canary and stable Services in the
   * routes' rules. Each route needs a rule whose backends are both Services (`HttpRoute`'s `canary`
   * prop writes one); header and mirror steps work with HTTP routes. The controller needs the
   * plugin installed and `RolloutsGatewayAccess`.
   */
  public static gatewayApi(
    routes: HttpRoute | GrpcRoute | readonly (HttpRoute | GrpcRoute)[],
    options: GatewayApiRoutingOptions = {},
  ): TrafficRouting {
    const list = Array.isArray(routes) ? [...(routes as readonly (HttpRoute | GrpcRoute)[])] : [routes as HttpRoute];
    return new TrafficRouting('gatewayAPI', undefined, list, options);
  }
  private constructor(
    public readonly router: 'nginx' | 'gatewayAPI',
    /** The stable Ingress of nginx routing. */
    public readonly stableIngress: HostIngress | undefined,
    /** The routes of Gateway API routing. */
    public readonly routes: readonly (HttpRoute | GrpcRoute)[],
    private readonly options: NginxRoutingOptions | GatewayApiRoutingOptions,
  ) {}

  /** @internal Checks the factory's arguments (with the Rollout's path) and renders the router. */
  public _render(scope: Construct, prop: string, managedRoutes: readonly string[] = []): Record<string, unknown> {
    if (this.router === 'gatewayAPI') return this.renderGatewayApi(scope, prop, managedRoutes);
    if (!(this.stableIngress instanceof HostIngress))
      invalidProp(scope, `${prop}.stableIngress`, this.stableIngress, 'must be a HostIngress construct');
    const options = this.options as NginxRoutingOptions;
    checkProps(scope, options, { annotationPrefix: 'string', additionalIngressAnnotations: 'map' }, `${prop}.`);
    const prefix = options.annotationPrefix;
    if (prefix !== undefined) checkDnsSubdomain(scope, `${prop}.annotationPrefix`, prefix);
    const additional = options.additionalIngressAnnotations ?? {};
    for (const [key, value] of Object.entries(additional)) {
      // Argo writes each as `<prefix>/<key>` on the canary Ingress.
      checkLabelKey(
        scope,
        `${prop}.additionalIngressAnnotations.${key}`,
        `${prefix ?? 'nginx.ingress.kubernetes.io'}/${key}`,
      );
      if (typeof value !== 'string')
        invalidProp(scope, `${prop}.additionalIngressAnnotations.${key}`, value, 'must be a string');
    }
    return {
      nginx: {
        stableIngress: this.stableIngress.name,
        annotationPrefix: prefix,
        additionalIngressAnnotations: Object.keys(additional).length ? { ...additional } : undefined,
      },
    };
  }

  private renderGatewayApi(scope: Construct, prop: string, managedRoutes: readonly string[]): Record<string, unknown> {
    const options = this.options as GatewayApiRoutingOptions;
    checkProps(scope, options, { pluginName: 'string' }, `${prop}.`);
    const plugin = options.pluginName ?? 'argoproj-labs/gatewayAPI';
    if (!/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/.test(plugin))
      invalidProp(
        scope,
        `${prop}.pluginName`,
        plugin,
        'must be "<owner>/<name>" as registered in argo-rollouts-config',
      );
    if (this.routes.length === 0)
      invalidProp(scope, `${prop}.routes`, [], 'must name at least one HttpRoute or GrpcRoute');
    this.routes.forEach((r, i) => {
      if (!(r instanceof HttpRoute) && !(r instanceof GrpcRoute))
        invalidProp(scope, `${prop}.routes[${i}]`, r, 'must be an HttpRoute or GrpcRoute construct');
      if (this.routes.indexOf(r) < i)
        invalidProp(scope, `${prop}.routes[${i}]`, r, 'is already a route of this Rollout');
    });
    const namespaces = [...new Set(this.routes.map(r => r.namespace))];
    if (namespaces.length > 1)
      invalidProp(
        scope,
        `${prop}.routes`,
        namespaces.map(n => n ?? '(unset)'),
        'must all be in one namespace: the plugin looks routes up in one namespace',
      );
    const rolloutNs = Chart.of(scope).namespace;
    const headerRoutes = managedRoutes.length > 0;
    const entries = (kind: typeof HttpRoute | typeof GrpcRoute) =>
      this.routes
        .filter(r => r instanceof kind)
        .map(r => ({ name: r.name, useHeaderRoutes: headerRoutes || undefined }));
    const httpRoutes = entries(HttpRoute);
    const grpcRoutes = entries(GrpcRoute);
    return {
      managedRoutes: headerRoutes ? managedRoutes.map(name => ({ name })) : undefined,
      plugins: {
        [plugin]: {
          httpRoutes: httpRoutes.length ? httpRoutes : undefined,
          grpcRoutes: grpcRoutes.length ? grpcRoutes : undefined,
          namespace: namespaces[0] !== rolloutNs ? namespaces[0] : undefined,
        },
      },
    };
  }
}

/** Analysis that runs in the background while the canary steps proceed. */
export interface BackgroundAnalysis {
  /** The templates to run, each with its argument values (`AnalysisUse.of(template, args)`). */
  readonly uses: readonly AnalysisUse[];
  /**
   * Index of the step at which the analysis starts.
   * @default 0
   */
  readonly startingStep?: number;
}

/** Options of a canary rollout. */
export interface CanaryStrategyOptions {
  /**
   * The steps; after the last one the canary is promoted to 100%.
   * @default - none: Argo replaces pods like a rolling update
   */
  readonly steps?: readonly CanaryStep[];
  /**
   * Service Argo points at canary pods only. Must serve this Rollout and differ from `stableService`.
   * @default - none
   */
  readonly canaryService?: VersionedService;
  /**
   * Service Argo points at stable pods only. Must serve this Rollout.
   * @default - none
   */
  readonly stableService?: VersionedService;
  /**
   * Split traffic by weight through a router. Without it a weight is approximated with
   * whole pods (see `Rollout.effectiveWeights`).
   * @default - none
   */
  readonly trafficRouting?: TrafficRouting;
  /**
   * Analysis running in the background for the whole rollout.
   * @default - none
   */
  readonly analysis?: BackgroundAnalysis;
  /**
   * Pods above the desired count during the update.
   * @default IntOrPercent.percent(25)
   */
  readonly maxSurge?: IntOrPercent;
  /**
   * Pods that may be unavailable during the update.
   * @default IntOrPercent.percent(25)
   */
  readonly maxUnavailable?: IntOrPercent;
  /**
   * Scale the stable pods down as traffic leaves them. Needs traffic routing.
   * @default false
   */
  readonly dynamicStableScale?: boolean;
  /**
   * Keep the old stable pods this long after promotion. Needs traffic routing.
   * @default - Argo's default (30 s, with traffic routing)
   */
  readonly scaleDownDelay?: Duration;
  /**
   * Keep the canary pods this long after an abort. Needs traffic routing.
   * @default - Argo's default (30 s, with traffic routing)
   */
  readonly abortScaleDownDelay?: Duration;
}

/** Options of a blue/green rollout. */
export interface BlueGreenStrategyOptions {
  /** Service that sends users to the active (blue) pods. Must serve this Rollout. */
  readonly activeService: VersionedService;
  /**
   * Service that reaches the preview (green) pods before promotion. Must differ from `activeService`.
   * @default - none
   */
  readonly previewService?: VersionedService;
  /**
   * Promote as soon as the preview pods are ready (and pre-promotion analysis passed).
   * `false` waits for `kubectl argo rollouts promote`.
   * @default true
   */
  readonly autoPromotionEnabled?: boolean;
  /**
   * With auto-promotion, wait this long after the preview is ready.
   * @default - promote at once
   */
  readonly autoPromotionDelay?: Duration;
  /**
   * Analysis that must pass before traffic switches.
   * @default - none
   */
  readonly prePromotionAnalysis?: readonly AnalysisUse[];
  /**
   * Analysis after the switch; a failure switches back.
   * @default - none
   */
  readonly postPromotionAnalysis?: readonly AnalysisUse[];
  /**
   * Pods of the preview before promotion.
   * @default - the full replica count
   */
  readonly previewReplicaCount?: number;
  /**
   * Keep the old pods this long after the switch.
   * @default - Argo's default (30 s)
   */
  readonly scaleDownDelay?: Duration;
}

/** How a Rollout moves to a new version: canary steps or a blue/green switch. */
export class RolloutStrategy {
  /** Shift traffic (or pods) step by step, with pauses and analysis between. */
  public static canary(options: CanaryStrategyOptions = {}): RolloutStrategy {
    return new RolloutStrategy({ kind: 'canary', options });
  }
  /** Run the new version beside the old one and switch the active Service at once. */
  public static blueGreen(options: BlueGreenStrategyOptions): RolloutStrategy {
    return new RolloutStrategy({ kind: 'blueGreen', options });
  }
  private constructor(
    public readonly spec:
      | { readonly kind: 'canary'; readonly options: CanaryStrategyOptions }
      | { readonly kind: 'blueGreen'; readonly options: BlueGreenStrategyOptions },
  ) {}
}

/** What became of one `setWeight` step without traffic routing. */
export interface EffectiveWeight {
  /** Index of the step. */
  readonly step: number;
  /** The weight asked for. */
  readonly requested: number;
  /** Canary pods Argo runs at this step. */
  readonly canaryPods: number;
  /** Stable pods Argo runs at this step. */
  readonly stablePods: number;
  /** The canary's share of the pods, in percent. */
  readonly effective: number;
}

/**
 * Argo's replica approximation of a weight without traffic routing, computed exactly as Argo
 * Rollouts' `approximateWeightedCanaryStableReplicaCounts` (utils/replicaset/canary.go) does it,
 * float arithmetic included: of the canary counts around `replicas * weight / 100`, over
 * `replicas` pods or (when surge is allowed) one more, the one whose share is closest to the
 * weight (the first listed wins a draw); both sides keep at least one pod for weights between 1
 * and 99 (unless there is one replica and no surge), and a tie goes to the larger canary.
 *
 * At a tie whose larger canary would leave no stable pod and with no surge (95% of 10, 90% of 5,
 * 75% of 2, ...) Argo finds no candidate and falls back to 0 canary pods: see {@link argoCanarySplit}.
 */
export function approximateCanaryPods(
  replicas: number,
  weight: number,
  maxSurgePods: number,
): { canary: number; stable: number } {
  const { canary, stable } = argoCanarySplit(replicas, weight, maxSurgePods);
  return { canary, stable };
}

/**
 * {@link approximateCanaryPods}, and whether the result is Argo's fallback ("should not get here"
 * in its code): no candidate was left, so the canary runs no pod whatever the weight.
 */
export function argoCanarySplit(
  replicas: number,
  weight: number,
  maxSurgePods: number,
): { canary: number; stable: number; fallback: boolean } {
  if (replicas === 0) return { canary: 0, stable: 0, fallback: false };
  // Go: int32(math.Ceil(float64(specReplicas*desiredWeight) / float64(maxWeight))).
  const ceil = Math.ceil((replicas * weight) / 100);
  const floor = Math.floor((replicas * weight) / 100);
  // Go: math.Modf(float64(totalReplicas) * (float64(desiredWeight) / float64(maxWeight))) == 0.5, in float64 as Argo
  // does it.
  const tied = (total: number) => (total * (weight / 100)) % 1 === 0.5;
  const zeroAllowed = weight === 100 || weight === 0 || (replicas === 1 && maxSurgePods === 0);
  const options: Array<{ canary: number; total: number }> = [];
  if (ceil < replicas || zeroAllowed) options.push({ canary: ceil, total: replicas });
  if (!tied(replicas) && (floor !== 0 || zeroAllowed)) options.push({ canary: floor, total: replicas });
  if (maxSurgePods > 0) {
    options.push({ canary: ceil, total: replicas + 1 });
    if (!tied(replicas + 1) && (floor !== 0 || zeroAllowed)) options.push({ canary: floor, total: replicas + 1 });
  }
  if (options.length === 0) return { canary: 0, stable: replicas, fallback: true };
  const delta = (o: { canary: number; total: number }) => Math.abs((o.canary * 100) / o.total - weight);
  // Strictly smaller replaces, so the first option listed wins a draw.
  const best = options.reduce((a, b) => (delta(b) < delta(a) ? b : a));
  return { canary: best.canary, stable: best.total - best.canary, fallback: false };
}

/** The header and mirror route names of the steps, in order of first use: Argo needs them in managedRoutes. */
function managedRouteNames(steps: readonly CanaryStep[] | undefined): string[] {
  const names: string[] = [];
  for (const step of steps ?? []) {
    const a = step instanceof CanaryStep ? step.action : undefined;
    if ((a?.kind === 'setHeaderRoute' || a?.kind === 'setMirrorRoute') && !names.includes(a.route)) names.push(a.route);
  }
  return names;
}

/** The Gateway API plugin rewrites the weights of the stable and canary Services in a rule that has both. */
function routeProblems(
  routes: readonly (HttpRoute | GrpcRoute)[],
  stable: VersionedService,
  canary: VersionedService,
): string[] {
  return routes.flatMap((route, i) => {
    if (route._ruleServices.some(r => r.includes(stable) && r.includes(canary))) return [];
    return [
      problem(
        `strategy.trafficRouting.routes[${i}]`,
        route.name,
        `must have a rule whose backends are both the stableService "${stable.name}" and the canaryService "${canary.name}": the plugin moves traffic between them there (HttpRoute's canary prop writes such a rule)`,
      ),
    ];
  });
}

/** Props of a {@link Rollout}. */
export interface RolloutProps extends Partial<ContainerOptions>, WorkloadOptions {
  /**
   * Value of the app identity label.
   * @default - the workloadRef's app; required without workloadRef
   */
  readonly app?: string;
  /**
   * Label keys for app, track and version.
   * @default - see LabelKeys (the workloadRef's with workloadRef)
   */
  readonly labelKeys?: LabelKeys;
  /**
   * metadata.name of the Rollout.
   * @default - the app name
   */
  readonly name?: string;
  /**
   * Pods to run. Leave unset when an Autoscaler manages the Rollout.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Take the pod template from an existing Deployment instead of owning one. Give no
   * container options then.
   * @default - the Rollout owns its pod template
   */
  readonly workloadRef?: TrackDeployment;
  /**
   * What Argo does with the referenced Deployment once the Rollout runs.
   * @default - Argo's default ('never': both keep their pods)
   */
  readonly workloadScaleDown?: 'never' | 'onsuccess' | 'progressively';
  /**
   * How a new version rolls out. When the strategy names Services or an Ingress built on this
   * Rollout, create those first and call `setStrategy` instead.
   * @default - none; set one with setStrategy
   */
  readonly strategy?: RolloutStrategy;
  /**
   * How long a new pod must be ready before it counts as available.
   * @default - Argo's default (0 s)
   */
  readonly minReady?: Duration;
  /**
   * How long the rollout may make no progress before it is reported as failed.
   * @default - Argo's default (600 s)
   */
  readonly progressDeadline?: Duration;
  /**
   * Abort (roll back) instead of only reporting when the progress deadline passes.
   * @default false
   */
  readonly progressDeadlineAbort?: boolean;
  /**
   * Old ReplicaSets kept.
   * @default - Argo's default (10)
   */
  readonly revisionHistoryLimit?: number;
}

const ROLLOUT_SHAPE: PropShape = {
  ...CONTAINER_OPTIONS_SHAPE,
  ...WORKLOAD_OPTIONS_SHAPE,
  app: 'string',
  labelKeys: LABEL_KEYS_SHAPE,
  name: 'string',
  replicas: 'number',
  workloadRef: 'construct',
  workloadScaleDown: 'string',
  strategy: RolloutStrategy,
  minReady: Duration,
  progressDeadline: Duration,
  progressDeadlineAbort: 'boolean',
  revisionHistoryLimit: 'number',
};
const ANALYSIS_SHAPE: PropShape = { uses: 'array!', startingStep: 'number' };
const CANARY_SHAPE: PropShape = {
  steps: 'array',
  canaryService: VersionedService,
  stableService: VersionedService,
  trafficRouting: TrafficRouting,
  analysis: ANALYSIS_SHAPE,
  maxSurge: IntOrPercent,
  maxUnavailable: IntOrPercent,
  dynamicStableScale: 'boolean',
  scaleDownDelay: Duration,
  abortScaleDownDelay: Duration,
};
const BLUE_GREEN_SHAPE: PropShape = {
  activeService: 'construct!',
  previewService: VersionedService,
  autoPromotionEnabled: 'boolean',
  autoPromotionDelay: Duration,
  prePromotionAnalysis: 'array',
  postPromotionAnalysis: 'array',
  previewReplicaCount: 'number',
  scaleDownDelay: Duration,
};

/** A Rollout's identity taken from the Deployment whose pods it takes over. */
function identifyFromRef(scope: Construct, props: RolloutProps, ref: TrackDeployment): PodWorkloadIdentity {
  if (!(ref instanceof TrackDeployment))
    invalidProp(scope, 'workloadRef', ref, 'must be a StableDeployment or CanaryDeployment construct');
  if (props.image !== undefined)
    invalidProp(
      scope,
      'image',
      props.image,
      `must be unset with workloadRef: the pod template comes from ${ref.node.path}`,
    );
  const own = Object.keys(CONTAINER_OPTIONS_SHAPE).find(
    k => k !== 'image' && (props as Record<string, unknown>)[k] !== undefined,
  );
  if (own)
    invalidProp(
      scope,
      own,
      (props as Record<string, unknown>)[own],
      `must be unset with workloadRef: the pod template comes from ${ref.node.path}`,
    );
  if (props.labelKeys !== undefined)
    invalidProp(
      scope,
      'labelKeys',
      props.labelKeys,
      `must be unset with workloadRef: the label keys are ${ref.node.path}'s`,
    );
  if (props.app !== undefined && props.app !== ref.app)
    invalidProp(scope, 'app', props.app, `must be the workloadRef's app ("${ref.app}")`);
  if (props.workloadScaleDown !== undefined)
    checkEnum(scope, 'workloadScaleDown', props.workloadScaleDown, ['never', 'onsuccess', 'progressively']);
  if ((props.workloadScaleDown ?? 'never') === 'never') {
    addWarning(
      scope,
      `${ref.node.path} keeps its pods next to the Rollout's (workloadScaleDown 'never'): scale it to 0 or set workloadScaleDown`,
    );
  }
  const { app, labelKeys, version, selectorLabels } = ref;
  const name = props.name ?? app;
  return { app, labelKeys, name, version, container: ref.containerOptions, selectorLabels, options: props };
}

/** The identity of a Rollout that owns its pod template. The name is checked after the template. */
function identifyOwn(scope: Construct, props: RolloutProps): PodWorkloadIdentity {
  if (props.image === undefined)
    invalidProp(
      scope,
      'image',
      undefined,
      'must be given, or set workloadRef to take the pod template from a Deployment',
    );
  if (props.workloadScaleDown !== undefined)
    invalidProp(scope, 'workloadScaleDown', props.workloadScaleDown, 'only applies with workloadRef');
  if (props.app === undefined) invalidProp(scope, 'app', undefined, 'must be given (the app identity label)');
  const app = props.app;
  checkLabelValue(scope, 'app', app);
  const labelKeys = resolveLabelKeys(scope, props.labelKeys);
  return {
    app,
    labelKeys,
    name: props.name ?? app,
    version: resolveVersion(scope, props as ContainerOptions),
    container: props,
    options: props,
  };
}

/** apiVersion and kind of an Argo Rollout, which an autoscaler targets. */
const ROLLOUT_KIND = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' };

/**
 * An Argo Rollouts `Rollout`: a Deployment replacement that rolls out by canary steps or
 * blue/green, with analysis that aborts a bad version. Services can serve it and an Autoscaler
 * can scale it (`replicas` then leaves the manifest). Its pods are on the stable track; Argo
 * tells canary pods apart by its own pod-template-hash label.
 */
export class Rollout extends PodWorkload {
  public readonly fixedReplicaCount = false;
  /** The `replicas` prop as given. */
  public readonly requestedReplicas?: number;
  /** The Deployment the pod template comes from, if any. */
  public readonly workloadRef?: TrackDeployment;
  /** The Rollout manifest. */
  public readonly rollout: ApiObject;
  private strategyValue?: RolloutStrategy;
  private renderedStrategy?: Wire<RolloutSpecStrategy>;

  constructor(scope: Construct, id: string, props: RolloutProps) {
    super(scope, id, {
      props,
      shape: ROLLOUT_SHAPE,
      kind: ROLLOUT_KIND,
      track: 'stable',
      identify: self =>
        props.workloadRef !== undefined ? identifyFromRef(self, props, props.workloadRef) : identifyOwn(self, props),
    });
    const ref = props.workloadRef;
    const template = ref ? undefined : this.podTemplate(props as ContainerOptions);
    this.workloadRef = ref;
    // Checked after the pod template: an app that makes neither a container name nor a Rollout name
    // is reported for the container name.
    checkDnsSubdomain(this, 'name', this.name);
    if (props.replicas !== undefined) checkInt(this, 'replicas', props.replicas, 0);
    this.requestedReplicas = props.replicas;
    const timing = renderUpdateTiming(this, props);
    if (props.strategy) this.setStrategy(props.strategy);
    this.node.addValidation({ validate: () => this.validate() });

    this.rollout = this.createManifest((): Omit<Wire<RolloutSpec>, 'replicas' | 'selector'> => ({
      ...timing,
      progressDeadlineAbort: props.progressDeadlineAbort,
      template,
      workloadRef: ref
        ? { apiVersion: 'apps/v1', kind: 'Deployment', name: ref.name, scaleDown: props.workloadScaleDown }
        : undefined,
      strategy: this.renderedStrategy,
    }));
  }

  /** The strategy, once set. */
  public get strategy(): RolloutStrategy | undefined {
    return this.strategyValue;
  }

  /**
   * What each `setWeight` step becomes without traffic routing: whole pods, so 30% of 4
   * replicas is 1 pod (25%). Undefined with traffic routing (weights are exact there), for a
   * blue/green strategy, and while an autoscaler moves the replica count.
   */
  public get effectiveWeights(): readonly EffectiveWeight[] | undefined {
    return this.weightsAt(this.replicas);
  }

  /**
   * What the Rollout does at each canary step: the traffic weight, the canary and stable pods the Argo
   * controller keeps once the step has settled, and the least time the step holds, planned from the
   * rendered manifest with the app's AnalysisTemplates and the Autoscaler scaling it (see `RolloutPlan`).
   * Throws a `PlanError` for a step running an ExternalAnalysisTemplate, whose metrics are not known here.
   */
  public plan(): RolloutPlan {
    return planRolloutObject(this.rollout);
  }

  private weightsAt(replicas: number | undefined): EffectiveWeight[] | undefined {
    const s = this.strategyValue?.spec;
    if (!s || s.kind !== 'canary' || s.options.trafficRouting || replicas === undefined) return undefined;
    const surgePods = this.surgePods(replicas);
    return (s.options.steps ?? []).flatMap((step, i) => {
      if (step.action.kind !== 'setWeight') return [];
      const { canary, stable } = approximateCanaryPods(replicas, step.action.weight, surgePods);
      return [
        {
          step: i,
          requested: step.action.weight,
          canaryPods: canary,
          stablePods: stable,
          effective: percentOf(canary, canary + stable),
        },
      ];
    });
  }

  /** Argo's maxSurge in pods for `replicas` (a percentage rounds up, as Kubernetes does). */
  private surgePods(replicas: number): number {
    const s = this.strategyValue?.spec;
    const surge = (s?.kind === 'canary' ? s.options.maxSurge : undefined) ?? IntOrPercent.percent(25);
    return surge.isPercent ? Math.ceil((replicas * surge.amount) / 100) : surge.amount;
  }

  /**
   * Sets the strategy. Use it when the strategy names Services (or an Ingress) that serve this
   * Rollout and so can only be made after it. Checks the strategy at once.
   */
  public setStrategy(strategy: RolloutStrategy): void {
    if (!(strategy instanceof RolloutStrategy))
      invalidProp(
        this,
        'strategy',
        strategy,
        'must be made with RolloutStrategy.canary() or RolloutStrategy.blueGreen()',
      );
    if (this.strategyValue !== undefined)
      invalidProp(this, 'strategy', strategy.spec.kind, 'is already set; a Rollout has one strategy');
    this.renderedStrategy =
      strategy.spec.kind === 'canary'
        ? { canary: this.renderCanary(strategy.spec.options) }
        : { blueGreen: this.renderBlueGreen(strategy.spec.options) };
    this.strategyValue = strategy;
  }

  protected get explicitReplicas(): number | undefined {
    return this.requestedReplicas;
  }

  private validate(): string[] {
    const problems: string[] = [];
    if (!this.strategyValue)
      problems.push(
        problem(
          'strategy',
          undefined,
          'must be set (props.strategy or setStrategy): RolloutStrategy.canary() or RolloutStrategy.blueGreen()',
        ),
      );
    const range = this.autoscalingRange;
    if (range) {
      // Without a router the weights are pod shares of whatever count the autoscaler picks.
      const { min, max } = range;
      const atMin = this.weightsAt(min) ?? [];
      const atMax = this.weightsAt(max) ?? [];
      const moving = atMin.filter((w, i) => w.effective !== w.requested || atMax[i].effective !== w.requested);
      if (moving.length) {
        addWarning(
          this,
          `without traffic routing the canary weights are pod shares of the autoscaled count (${min}..${max} pods): ` +
            moving
              .map(
                w =>
                  `setWeight ${w.requested} is ${w.effective}% at ${min} and ${atMax[atMin.indexOf(w)].effective}% at ${max}`,
              )
              .join('; '),
        );
      }
    }
    for (const w of this.effectiveWeights ?? []) {
      const surgePods = this.surgePods(this.replicas!);
      if (argoCanarySplit(this.replicas!, w.requested, surgePods).fallback) {
        // Argo finds no split at this tie and runs no canary pod at all: the step would silently test nothing.
        problems.push(
          problem(
            `strategy.steps[${w.step}].setWeight`,
            w.requested,
            `runs 0 canary pods of ${this.replicas} without traffic routing and without surge: ` +
              `Argo's approximation finds no split at this tie (${this.replicas} x ${w.requested}% = ${(this.replicas! * w.requested) / 100} pods) and falls back to none; ` +
              'pick another weight, allow maxSurge, change replicas, or use traffic routing',
          ),
        );
        continue;
      }
      if (w.effective !== w.requested) {
        addWarning(
          this,
          `step ${w.step} setWeight ${w.requested} runs ${w.canaryPods} canary and ${w.stablePods} stable pods without traffic routing: ${w.effective}% of the pods, not ${w.requested}%`,
        );
      }
    }
    return problems;
  }

  private checkServes(prop: string, service: VersionedService): void {
    if (!(service instanceof VersionedService))
      invalidProp(this, prop, service, 'must be a VersionedService construct');
    if (!service.workloads.includes(this)) {
      invalidProp(this, prop, service, 'must be a VersionedService that serves this Rollout (serves: rollout)');
    }
  }

  private renderCanary(o: CanaryStrategyOptions): NonNullable<Wire<RolloutSpecStrategy>['canary']> {
    checkProps(this, o, CANARY_SHAPE, 'strategy.');
    const routing = o.trafficRouting;
    const renderedRouting = routing?._render(this, 'strategy.trafficRouting', managedRouteNames(o.steps));
    if (o.canaryService) this.checkServes('strategy.canaryService', o.canaryService);
    if (o.stableService) this.checkServes('strategy.stableService', o.stableService);
    if (
      o.canaryService &&
      o.stableService &&
      (o.canaryService === o.stableService || o.canaryService.name === o.stableService.name)
    ) {
      invalidProp(
        this,
        'strategy.canaryService',
        o.canaryService.name,
        `must differ from stableService (${o.stableService.node.path}): Argo points each at one set of pods`,
      );
    }
    if (routing) {
      if (!o.canaryService || !o.stableService) {
        invalidProp(
          this,
          o.canaryService ? 'strategy.stableService' : 'strategy.canaryService',
          undefined,
          'must be set with traffic routing: the router splits traffic between the two Services',
        );
      }
      if (routing.stableIngress && !routing.stableIngress.routes.some(r => r.service === o.stableService)) {
        invalidProp(
          this,
          'strategy.trafficRouting',
          routing.stableIngress,
          `must route to the stableService ${o.stableService.name}: Argo copies the stable Ingress and swaps that backend for the canaryService`,
        );
      }
      if (routing.router === 'gatewayAPI') {
        const { stableService, canaryService } = o;
        // Rules can be added to a route after the Rollout is made: checked when the app is synthesized.
        this.node.addValidation({ validate: () => routeProblems(routing.routes, stableService, canaryService) });
      }
    }
    const withoutRouting = (prop: string, value: unknown) =>
      invalidProp(
        this,
        prop,
        value,
        'needs traffic routing: without a router Argo splits by pod counts and refuses the Rollout',
      );
    const scaleDownDelaySeconds = wholeSeconds(this, 'strategy.scaleDownDelay', o.scaleDownDelay);
    const abortScaleDownDelaySeconds = wholeSeconds(this, 'strategy.abortScaleDownDelay', o.abortScaleDownDelay);
    if (!routing) {
      if (o.dynamicStableScale) withoutRouting('strategy.dynamicStableScale', true);
      if (o.scaleDownDelay) withoutRouting('strategy.scaleDownDelay', `${scaleDownDelaySeconds}s`);
      if (o.abortScaleDownDelay) withoutRouting('strategy.abortScaleDownDelay', `${abortScaleDownDelaySeconds}s`);
    } else if (o.dynamicStableScale && o.scaleDownDelay) {
      // Argo: "Canary dynamicStableScale cannot be used with scaleDownDelaySeconds", whatever the router.
      invalidProp(
        this,
        'strategy.dynamicStableScale',
        true,
        `cannot be combined with scaleDownDelay (${scaleDownDelaySeconds}s): Argo refuses the pair; with dynamicStableScale the stable pods scale down as traffic leaves them`,
      );
    }
    const maxSurge = o.maxSurge?._render(this, 'strategy.maxSurge');
    const maxUnavailable = o.maxUnavailable?._render(this, 'strategy.maxUnavailable');
    if ((o.maxSurge ?? IntOrPercent.percent(25)).isZero && (o.maxUnavailable ?? IntOrPercent.percent(25)).isZero) {
      invalidProp(
        this,
        'strategy.maxUnavailable',
        maxUnavailable,
        'must be above 0 when maxSurge is 0, or the update can never make progress',
      );
    }

    const steps = o.steps ?? [];
    const rendered = steps.map((step, i) => this.renderStep(`strategy.steps[${i}]`, step, routing));
    this.warnAboutSteps(steps);

    let analysis: Record<string, unknown> | undefined;
    if (o.analysis) {
      const startingStep = o.analysis.startingStep;
      if (startingStep !== undefined)
        checkInt(this, 'strategy.analysis.startingStep', startingStep, 0, Math.max(steps.length - 1, 0));
      analysis = { ...renderAnalysisUses(this, 'strategy.analysis.uses', o.analysis.uses), startingStep };
    }
    return {
      canaryService: o.canaryService?.name,
      stableService: o.stableService?.name,
      maxSurge,
      maxUnavailable,
      dynamicStableScale: o.dynamicStableScale,
      scaleDownDelaySeconds,
      abortScaleDownDelaySeconds,
      trafficRouting: renderedRouting,
      analysis,
      steps: rendered.length ? rendered : undefined,
    };
  }

  private renderStep(
    prop: string,
    step: CanaryStep,
    routing: TrafficRouting | undefined,
  ): Wire<RolloutSpecStrategyCanarySteps> {
    if (!(step instanceof CanaryStep)) {
      invalidProp(
        this,
        prop,
        step,
        'must be one CanaryStep (CanaryStep.setWeight, .pause, .analysis, .setCanaryScale): each step has exactly one action',
      );
    }
    const a = step.action;
    switch (a.kind) {
      case 'setWeight':
        checkPercent(this, `${prop}.setWeight`, a.weight);
        return { setWeight: a.weight };
      case 'pause':
        // Argo reads a pause as int32 seconds; zero is a valid pause that ends at once.
        return {
          pause:
            a.duration !== undefined
              ? { duration: argoDuration(this, `${prop}.pause.duration`, a.duration, 0, INT32_MAX) }
              : {},
        };
      case 'analysis': {
        const rendered = renderAnalysisUses(this, `${prop}.analysis`, a.uses);
        this.checkFinite(`${prop}.analysis`, a.uses);
        return { analysis: rendered };
      }
      case 'setCanaryScale': {
        if (!routing)
          invalidProp(
            this,
            `${prop}.setCanaryScale`,
            a.scale,
            'needs traffic routing: without a router the canary scale is the weight',
          );
        const s = a.scale;
        checkProps(
          this,
          s,
          { replicas: 'number', weight: 'number', matchTrafficWeight: 'boolean' },
          `${prop}.setCanaryScale.`,
        );
        const given = (['replicas', 'weight', 'matchTrafficWeight'] as const).filter(k => s[k] !== undefined);
        if (given.length !== 1)
          invalidProp(
            this,
            `${prop}.setCanaryScale`,
            s,
            'must set exactly one of replicas, weight, matchTrafficWeight',
          );
        if (s.replicas !== undefined) checkInt(this, `${prop}.setCanaryScale.replicas`, s.replicas, 0);
        if (s.weight !== undefined) checkPercent(this, `${prop}.setCanaryScale.weight`, s.weight);
        if (s.matchTrafficWeight !== undefined && (s.matchTrafficWeight as unknown) !== true)
          invalidProp(this, `${prop}.setCanaryScale.matchTrafficWeight`, s.matchTrafficWeight, 'must be true');
        return { setCanaryScale: { replicas: s.replicas, weight: s.weight, matchTrafficWeight: s.matchTrafficWeight } };
      }
      case 'setHeaderRoute':
      case 'setMirrorRoute':
        if (routing?.router === 'gatewayAPI') return this.renderManagedRoute(prop, a, routing);
        return invalidProp(
          this,
          `${prop}.${a.kind}`,
          a.route,
          routing
            ? `cannot be done by the ${routing.router} router: Argo manages header and mirror routes only with Istio, ALB, Apisix or the Gateway API plugin (TrafficRouting.gatewayApi; use HostIngress's NginxCanary.header for a fixed header split)`
            : 'needs traffic routing with managed routes (TrafficRouting.gatewayApi, or Istio, ALB, Apisix)',
        );
      default:
        return invalidProp(this, prop, step, 'has an unknown action');
    }
  }

  /** A header or mirror route step of the Gateway API plugin; the route is declared in managedRoutes. */
  private renderManagedRoute(
    prop: string,
    a: Extract<CanaryAction, { kind: 'setHeaderRoute' | 'setMirrorRoute' }>,
    routing: TrafficRouting,
  ): Wire<RolloutSpecStrategyCanarySteps> {
    // The plugin writes the managed route into the routes as a rule of that name.
    checkDnsSubdomain(this, `${prop}.${a.kind}.name`, a.route);
    if (a.kind === 'setMirrorRoute') {
      checkPercent(this, `${prop}.setMirrorRoute.percent`, a.percent);
      if (!routing.routes.some(r => r instanceof HttpRoute))
        invalidProp(
          this,
          `${prop}.setMirrorRoute`,
          a.route,
          'needs an HttpRoute: the plugin mirrors HTTP traffic only',
        );
      // Without a match Argo reads the step as "remove the mirror route": mirror every request.
      return { setMirrorRoute: { name: a.route, percentage: a.percent, match: [{ path: { prefix: '/' } }] } };
    }
    if (!Array.isArray(a.match) || a.match.length === 0)
      invalidProp(this, `${prop}.setHeaderRoute.match`, a.match, 'must hold at least one { header, value }');
    const match = a.match.map((m, i) => {
      const at = `${prop}.setHeaderRoute.match[${i}]`;
      checkProps(this, m, { header: 'string!', value: 'string!' }, `${at}.`);
      checkHttpToken(this, `${at}.header`, m.header);
      checkHttpValue(this, `${at}.value`, m.value);
      return { headerName: m.header, headerValue: { exact: m.value } };
    });
    return { setHeaderRoute: { name: a.route, match } };
  }

  /** An inline analysis blocks its step until it ends; a metric with interval and no count never ends. */
  private checkFinite(prop: string, uses: readonly AnalysisUse[]): void {
    for (const use of uses) {
      for (const m of use.template.metrics ?? []) {
        if (m.hasInterval && m.count === undefined) {
          invalidProp(
            this,
            prop,
            `${use.template.templateName}/${m.name}`,
            'has an interval but no count, so it measures forever and the step never completes; set count, or run it as background analysis',
          );
        }
      }
    }
  }

  private warnAboutSteps(steps: readonly CanaryStep[]): void {
    let lastWeight = 0;
    let pausedBefore = false;
    steps.forEach((step, i) => {
      if (!(step instanceof CanaryStep)) return;
      const a = step.action;
      if (a.kind === 'setWeight') {
        if (a.weight < lastWeight)
          addWarning(
            this,
            `step ${i} setWeight ${a.weight} lowers the canary weight from ${lastWeight}: traffic moves back to stable mid-rollout`,
          );
        lastWeight = a.weight;
      } else if (a.kind === 'pause') {
        pausedBefore = true;
      } else if (a.kind === 'analysis' && !pausedBefore) {
        const undelayed = a.uses.flatMap(u =>
          (u.template.metrics ?? [{ name: '(external)', initialDelaySeconds: undefined }])
            .filter(m => !m.initialDelaySeconds)
            .map(m => `${u.template.templateName}/${m.name}`),
        );
        if (undelayed.length) {
          addWarning(
            this,
            `step ${i} runs analysis before any pause, and ${undelayed.join(', ')} has no initialDelay: the first measurement sees almost no data from the new pods`,
          );
        }
      }
    });
    const last = steps[steps.length - 1];
    if (last instanceof CanaryStep && last.action.kind === 'setWeight' && last.action.weight !== 100) {
      addWarning(
        this,
        `the last step sets weight ${last.action.weight} and nothing checks it: Argo then goes straight to 100%; end with setWeight(100), a pause or an analysis`,
      );
    }
  }

  private renderBlueGreen(o: BlueGreenStrategyOptions): NonNullable<Wire<RolloutSpecStrategy>['blueGreen']> {
    checkProps(this, o, BLUE_GREEN_SHAPE, 'strategy.');
    this.checkServes('strategy.activeService', o.activeService);
    if (o.previewService) {
      this.checkServes('strategy.previewService', o.previewService);
      if (o.previewService === o.activeService || o.previewService.name === o.activeService.name) {
        invalidProp(
          this,
          'strategy.previewService',
          o.previewService.name,
          `must differ from activeService (${o.activeService.node.path}): Argo points each at one set of pods`,
        );
      }
    }
    if (o.autoPromotionEnabled === false && o.autoPromotionDelay !== undefined) {
      invalidProp(
        this,
        'strategy.autoPromotionDelay',
        `${o.autoPromotionDelay.toSeconds()}s`,
        'has no effect with autoPromotionEnabled false',
      );
    }
    if (o.previewReplicaCount !== undefined) checkInt(this, 'strategy.previewReplicaCount', o.previewReplicaCount, 1);
    const analysis = (prop: string, uses: readonly AnalysisUse[] | undefined) => {
      if (uses === undefined) return undefined;
      const rendered = renderAnalysisUses(this, prop, uses);
      this.checkFinite(prop, uses);
      return rendered;
    };
    return {
      activeService: o.activeService.name,
      previewService: o.previewService?.name,
      autoPromotionEnabled: o.autoPromotionEnabled,
      autoPromotionSeconds: wholeSeconds(this, 'strategy.autoPromotionDelay', o.autoPromotionDelay, 1),
      previewReplicaCount: o.previewReplicaCount,
      scaleDownDelaySeconds: wholeSeconds(this, 'strategy.scaleDownDelay', o.scaleDownDelay),
      prePromotionAnalysis: analysis('strategy.prePromotionAnalysis', o.prePromotionAnalysis),
      postPromotionAnalysis: analysis('strategy.postPromotionAnalysis', o.postPromotionAnalysis),
    };
  }
}
