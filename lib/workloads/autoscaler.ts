import { ApiObject, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import {
  checkDnsSubdomain,
  checkEnum,
  checkPositiveInt,
  INT32_MAX,
  DNS1123_SUBDOMAIN,
  invalidProp,
  isWholeNumber,
  problem,
  checkDuration,
} from '../core/errors';
import { checkProps, PropShape } from '../core/props';
import { checkQuantity, ContainerResources, Cpu, Memory, parseQuantity } from '../core/quantity';
import { checksItself } from '../safety/rules';

/** What an autoscaler points at (`spec.scaleTargetRef`). */
export interface ScaleTarget {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

/** The requests of one container, as an autoscaler reads them. */
export interface ContainerRequests {
  /** The container's name. */
  readonly container: string;
  /**
   * Its CPU and memory.
   * @default - none
   */
  readonly resources?: ContainerResources;
}

/** A workload an {@link Autoscaler} can scale: StableDeployment, CanaryDeployment, Rollout, pipeline stages. */
export interface IAutoscalable extends IConstruct {
  readonly scaleTarget: ScaleTarget;
  /** The container's requests; utilization metrics divide by them. */
  readonly resources?: ContainerResources;
  /**
   * The requests of every container of the pod a utilization metric adds up: the containers and the native
   * sidecars (init containers with `restartPolicy: Always`), as the HorizontalPodAutoscaler counts them.
   * @default - one container, with `resources`
   */
  readonly containerRequests?: readonly ContainerRequests[];
  /** True for workloads that must run a fixed number of pods (a single-instance stage). */
  readonly fixedReplicaCount: boolean;
  /**
   * Called by the Autoscaler that targets this workload, once. From then on the autoscaler owns
   * the replica count: leave `spec.replicas` unset, and refuse a second autoscaler and a fixed
   * count beside it.
   */
  attachAutoscaler(autoscaler: IConstruct, range: AutoscalingRange): void;
}

/** Replica bounds of the Autoscaler that owns a workload's replica count. */
export interface AutoscalingRange {
  readonly min: number;
  readonly max: number;
}

/**
 * Which autoscaler owns a workload's replica count: an {@link Autoscaler} or a cdk8s-plus
 * HorizontalPodAutoscaler. A workload implementing {@link IAutoscalable} keeps one and hands
 * `attachAutoscaler` to {@link ReplicaOwner.attach} (and cdk8s-plus's `markHasAutoscaler` to
 * {@link ReplicaOwner.attachCdk8sPlus}): a second autoscaler is refused, and an explicit replica count
 * beside the autoscaler fails the synth (apply and GitOps would fight the autoscaler over it).
 */
export class ReplicaOwner {
  private autoscalerPath?: string;
  private rangeOf?: () => AutoscalingRange | undefined;

  /**
   * @param workload the workload whose replicas are owned
   * @param explicitReplicas the replica count its props set, if any
   */
  constructor(
    private readonly workload: IConstruct,
    private readonly explicitReplicas: () => number | undefined,
  ) {}

  /** True once an autoscaler owns the count. */
  public get isAutoscaled(): boolean {
    return this.autoscalerPath !== undefined;
  }

  /** The owning autoscaler's bounds, if any. */
  public get range(): AutoscalingRange | undefined {
    return this.rangeOf?.();
  }

  /** Records `autoscaler` as the owner; throws when another one already is. */
  public attach(autoscaler: IConstruct, range: AutoscalingRange): void {
    this.record(autoscaler, () => range);
  }

  /**
   * Records the cdk8s-plus HorizontalPodAutoscaler that has just called `markHasAutoscaler`. cdk8s-plus
   * passes nothing: the caller is the one in the app whose target is the workload and that is not recorded
   * yet. Its bounds are read when asked, as it sets them after the call; its metrics are checked against
   * the workload's requests at synth, as an {@link Autoscaler}'s are when it is made.
   */
  public attachCdk8sPlus(): void {
    const hpa = kplusAutoscalersOf(this.workload).find(h => h.node.path !== this.autoscalerPath);
    this.record(hpa ?? this.workload, () => (hpa ? { min: hpa.minReplicas, max: hpa.maxReplicas } : undefined));
    const workload = this.workload;
    if (hpa && isAutoscalable(workload)) hpa.node.addValidation({ validate: () => kplusMetricProblems(hpa, workload) });
  }

  private record(autoscaler: IConstruct, range: () => AutoscalingRange | undefined): void {
    if (this.autoscalerPath !== undefined) {
      invalidProp(
        autoscaler,
        'target',
        this.workload,
        `is already scaled by ${this.autoscalerPath}; two autoscalers on one workload fight each other`,
      );
    }
    this.autoscalerPath = autoscaler.node.path;
    this.rangeOf = range;
    checksItself(this.workload, 'hpa-target-sets-replicas');
    this.workload.node.addValidation({
      validate: () => {
        const replicas = this.explicitReplicas();
        return replicas === undefined
          ? []
          : [
              problem(
                'replicas',
                replicas,
                `must be left unset: ${this.autoscalerPath} owns the replica count (its minReplicas is the starting count), and a fixed count makes kubectl apply and GitOps fight it`,
              ),
            ];
      },
    });
  }
}

/** A container as the request checks see it: its name and which requests it sets. */
interface CountedContainer {
  readonly name?: string;
  readonly cpu: boolean;
  readonly memory: boolean;
}

/**
 * Why a utilization metric on `resource` cannot be computed for the pods of the workload at `path`, if it
 * cannot: the HorizontalPodAutoscaler divides the pods' usage by the sum of the requests of every container
 * and native sidecar, and gives up when one of them has none.
 */
function missingRequest(path: string, containers: readonly CountedContainer[], resource: 'cpu' | 'memory') {
  const missing = containers.filter(c => !c[resource]);
  if (missing.length === 0) return undefined;
  if (containers.length === 1) {
    return `needs a ${resource} request on ${path}: utilization is usage divided by the request; set resources.${resource}.request there`;
  }
  const names = missing.map(c => `"${c.name}"`).join(', ');
  return `needs a ${resource} request on every container of ${path}, native sidecars included (utilization is the pod's usage divided by the sum of their requests): ${names} ${missing.length === 1 ? 'has' : 'have'} none; set resources.${resource}.request there`;
}

/** The containers an Autoscaler counts on one of the library's workloads (or a user's IAutoscalable). */
function countedContainers(target: IAutoscalable): CountedContainer[] {
  const of = (resources: ContainerResources | undefined) => ({
    cpu: Boolean(resources?.cpu?.request),
    memory: Boolean(resources?.memory?.request),
  });
  return target.containerRequests
    ? target.containerRequests.map(c => ({ name: c.container, ...of(c.resources) }))
    : [of(target.resources)];
}

/** The containers of a cdk8s-plus workload (cdk8s-plus 27 has no native sidecars). */
function countedKplusContainers(target: kplus.IScalable): CountedContainer[] {
  return target.toScalingTarget().containers.map(c => ({
    name: c.name,
    cpu: c.resources?.cpu?.request !== undefined,
    memory: c.resources?.memory?.request !== undefined,
  }));
}

/** A cdk8s-plus HorizontalPodAutoscaler, as far as the library reads one. */
type KplusAutoscaler = IConstruct & Pick<kplus.HorizontalPodAutoscaler, 'target' | 'minReplicas' | 'maxReplicas'>;

/** The cdk8s-plus HorizontalPodAutoscalers in the app whose target is `workload`, in construct order. */
function kplusAutoscalersOf(workload: IConstruct): KplusAutoscaler[] {
  return workload.node.root.node
    .findAll()
    .filter(
      c =>
        (c as Partial<kplus.HorizontalPodAutoscaler>).resourceType === 'horizontalpodautoscaler' &&
        (c as { target?: unknown }).target === workload,
    ) as unknown as KplusAutoscaler[];
}

/** The metrics as the HPA manifest holds them. */
interface RenderedMetric {
  readonly type?: string;
  readonly resource?: { readonly name?: string; readonly target?: { readonly type?: string } };
  readonly containerResource?: {
    readonly name?: string;
    readonly container?: string;
    readonly target?: { readonly type?: string };
  };
}

/**
 * The utilization metrics of a cdk8s-plus HorizontalPodAutoscaler that the library workload it scales
 * cannot serve, for lack of a request. No metrics means Kubernetes' default, 80% of the CPU request.
 */
function kplusMetricProblems(hpa: KplusAutoscaler, workload: IAutoscalable): string[] {
  const spec = ApiObject.of(hpa).toJson().spec as { metrics?: RenderedMetric[] };
  const containers = countedContainers(workload);
  const path = workload.node.path;
  if (!spec.metrics?.length) {
    const why = missingRequest(path, containers, 'cpu');
    return why ? [problem('metrics', undefined, `means Kubernetes' default, 80% CPU utilization, which ${why}`)] : [];
  }
  return spec.metrics.flatMap((m, i) => {
    const r = m.type === 'Resource' ? m.resource : m.type === 'ContainerResource' ? m.containerResource : undefined;
    if (r?.target?.type !== 'Utilization' || (r.name !== 'cpu' && r.name !== 'memory')) return [];
    const container = m.containerResource?.container;
    const counted = container === undefined ? containers : containers.filter(c => c.name === container);
    const why = missingRequest(path, counted, r.name);
    return why ? [problem(`metrics[${i}]`, `${r.name} utilization`, why)] : [];
  });
}

/**
 * The containers of a library workload's pods as its manifest renders them: the containers, then the native
 * sidecars. A Rollout on a Deployment's pods (`workloadRef`) has the Deployment's.
 */
function renderedContainers(
  workload: IConstruct,
): Array<{ name: string; image: string; resources?: IResourceRequirements }> {
  const manifest = workload.node.tryFindChild('Resource');
  const spec = manifest instanceof ApiObject ? manifest.toJson().spec : undefined;
  const pod = spec?.template?.spec;
  if (!pod) {
    const ref: unknown = (workload as { workloadRef?: unknown }).workloadRef;
    return ref instanceof Construct ? renderedContainers(ref) : [];
  }
  const sidecars = (pod.initContainers ?? []).filter((c: { restartPolicy?: string }) => c.restartPolicy === 'Always');
  return [...(pod.containers ?? []), ...sidecars];
}

/**
 * The requests of every container and native sidecar of a library workload's pods, as its manifest renders them
 * (the workloads' `containerRequests`).
 * @internal
 */
export function containerRequestsOf(workload: IConstruct): ContainerRequests[] {
  return renderedContainers(workload).map(c => {
    const range = <T>(kind: 'cpu' | 'memory', of: (text: string) => T) => {
      const [request, limit] = [c.resources?.requests?.[kind], c.resources?.limits?.[kind]].map(t =>
        typeof t === 'string' ? of(t) : undefined,
      );
      return request || limit ? { request, limit } : undefined;
    };
    return { container: c.name, resources: { cpu: range('cpu', Cpu.of), memory: range('memory', Memory.of) } };
  });
}

/**
 * What a cdk8s-plus HorizontalPodAutoscaler reads of a library workload (`kplus.IScalable.toScalingTarget`):
 * the kind and name it scales, the replica count the manifest sets, and the containers and native sidecars
 * as cdk8s-plus Containers with their names, images and requests and limits.
 * @internal
 */
export function kplusScalingTarget(target: IAutoscalable, replicas: number | undefined): kplus.ScalingTarget {
  const cpu = (text: unknown) => {
    if (typeof text !== 'string') return undefined;
    return text.endsWith('m')
      ? kplus.Cpu.millis(Number(text.slice(0, -1)))
      : kplus.Cpu.millis(parseQuantity(text) * 1000);
  };
  const memory = (text: unknown) => (typeof text === 'string' ? Size.kibibytes(parseQuantity(text) / 1024) : undefined);
  const containers = renderedContainers(target).map(
    c =>
      new kplus.Container({
        name: c.name,
        image: c.image,
        // Given even when empty: cdk8s-plus would otherwise fill in its own defaults.
        resources: {
          cpu: { request: cpu(c.resources?.requests?.cpu), limit: cpu(c.resources?.limits?.cpu) },
          memory: { request: memory(c.resources?.requests?.memory), limit: memory(c.resources?.limits?.memory) },
        },
      }),
  );
  return { ...target.scaleTarget, containers, replicas };
}

/** The resource and target a {@link ScalingMetric} holds: a utilization percentage or an average value. */
export type MetricSpec =
  | { readonly resource: 'cpu' | 'memory'; readonly utilization: number }
  | { readonly resource: 'cpu' | 'memory'; readonly averageValue: Cpu | Memory };

/** A resource metric the autoscaler holds at a target. */
export class ScalingMetric {
  /** Average CPU use as a percentage of the CPU request. Needs a CPU request. */
  public static cpuUtilization(percent: number): ScalingMetric {
    return new ScalingMetric({ resource: 'cpu', utilization: percent });
  }
  /** Average memory use as a percentage of the memory request. Needs a memory request. */
  public static memoryUtilization(percent: number): ScalingMetric {
    return new ScalingMetric({ resource: 'memory', utilization: percent });
  }
  /** Average CPU use per pod as an absolute amount. */
  public static cpuAverageValue(value: Cpu): ScalingMetric {
    return new ScalingMetric({ resource: 'cpu', averageValue: value });
  }
  /** Average memory use per pod as an absolute amount. */
  public static memoryAverageValue(value: Memory): ScalingMetric {
    return new ScalingMetric({ resource: 'memory', averageValue: value });
  }
  private constructor(public readonly spec: MetricSpec) {}

  /**
   * The metric spec; a utilization target needs the request on every counted container of `targetPath`.
   * @internal
   */
  public _render(
    scope: IConstruct,
    prop: string,
    targetPath: string,
    containers: readonly CountedContainer[],
  ): Record<string, unknown> {
    const s = this.spec;
    if ('utilization' in s) {
      // averageUtilization is an int32 above 0; above 100 is allowed (usage beyond the request).
      const u: unknown = s.utilization;
      if (!isWholeNumber(u, 1, INT32_MAX)) {
        invalidProp(
          scope,
          `${prop}.utilization`,
          u,
          `must be a whole percentage from 1 to ${INT32_MAX} (of the request; above 100 is allowed)`,
        );
      }
      const why = missingRequest(targetPath, containers, s.resource);
      if (why) invalidProp(scope, prop, `${s.resource} utilization ${s.utilization}%`, why);
      return {
        type: 'Resource',
        resource: { name: s.resource, target: { type: 'Utilization', averageUtilization: s.utilization } },
      };
    }
    const text = checkQuantity(scope, `${prop}.averageValue`, s.averageValue, s.resource);
    return { type: 'Resource', resource: { name: s.resource, target: { type: 'AverageValue', averageValue: text } } };
  }
}

/** One limit on how fast the autoscaler may change the replica count. */
export interface ScalingPolicy {
  /** Limit by a number of pods or a percentage of the current pods. */
  readonly type: 'Pods' | 'Percent';
  /** Pods or percent allowed per period. */
  readonly value: number;
  /** Length of the period. */
  readonly period: Duration;
}

/** How the autoscaler moves in one direction. */
export interface ScalingRules {
  /**
   * Recommendations over this window are considered; the safest wins.
   * @default - Kubernetes' default (0 s up, 300 s down)
   */
  readonly stabilizationWindow?: Duration;
  /**
   * Limits on the rate of change.
   * @default - Kubernetes' default policies
   */
  readonly policies?: readonly ScalingPolicy[];
  /**
   * Which policy wins when several allow a change; `Disabled` turns this direction off.
   * @default 'Max'
   */
  readonly selectPolicy?: 'Max' | 'Min' | 'Disabled';
  /**
   * The ratio of current to target metric within which this direction keeps the count, as a fraction (0.05 for
   * 5%): the per-HPA tolerance of Kubernetes 1.33+ (beta from 1.35, behind the `HPAConfigurableTolerance` feature
   * gate; older API servers drop the field). `desiredReplicas` takes the same value.
   * @default - the cluster-wide tolerance (`--horizontal-pod-autoscaler-tolerance`, 0.1 unless changed)
   */
  readonly tolerance?: number;
}

/** Props of an {@link Autoscaler}. */
export interface AutoscalerProps {
  /**
   * The workload to scale: one of the library's, or a cdk8s-plus `Deployment` or `StatefulSet`. Its manifest
   * then leaves `replicas` to the autoscaler.
   */
  readonly target: IAutoscalable | (kplus.IScalable & IConstruct);
  /**
   * metadata.name of the HorizontalPodAutoscaler.
   * @default `${target name}-autoscaler`
   */
  readonly name?: string;
  /**
   * Fewest pods.
   * @default 1
   */
  readonly minReplicas?: number;
  /** Most pods. */
  readonly maxReplicas: number;
  /**
   * Metrics held at their targets; the largest recommendation wins.
   * @default [ScalingMetric.cpuUtilization(80)] (Kubernetes' own default)
   */
  readonly metrics?: readonly ScalingMetric[];
  /**
   * How fast to scale up.
   * @default - Kubernetes' default
   */
  readonly scaleUp?: ScalingRules;
  /**
   * How fast to scale down.
   * @default - Kubernetes' default
   */
  readonly scaleDown?: ScalingRules;
}

/** An `autoscaling/v2` HorizontalPodAutoscaler for any {@link IAutoscalable} workload. */
export class Autoscaler extends Construct {
  public readonly name: string;
  public readonly minReplicas: number;
  public readonly maxReplicas: number;
  /** The workload it scales. */
  public readonly target: IAutoscalable | (kplus.IScalable & IConstruct);
  /** The HorizontalPodAutoscaler manifest. */
  public readonly hpa: ApiObject;

  constructor(scope: Construct, id: string, props: AutoscalerProps) {
    super(scope, id);
    checkProps(this, props, AUTOSCALER_SHAPE);
    const target = resolveTarget(this, props.target);
    this.target = props.target;
    this.name = this.nameFor(props, target.scaleTarget.name);
    this.minReplicas = props.minReplicas ?? 1;
    this.maxReplicas = props.maxReplicas;
    checkPositiveInt(this, 'minReplicas', this.minReplicas);
    checkPositiveInt(this, 'maxReplicas', this.maxReplicas);
    if (this.minReplicas > this.maxReplicas) {
      invalidProp(
        this,
        'minReplicas',
        this.minReplicas,
        `must be less than or equal to maxReplicas (${this.maxReplicas})`,
      );
    }
    if (target.fixedReplicaCount) {
      invalidProp(
        this,
        'target',
        props.target,
        'runs a fixed number of pods (declared single-instance) and cannot be autoscaled',
      );
    }
    const metrics = props.metrics ?? [ScalingMetric.cpuUtilization(80)];
    if (metrics.length === 0) invalidProp(this, 'metrics', [], 'must hold at least one metric');
    metrics.forEach((m: unknown, i) => {
      if (!(m instanceof ScalingMetric))
        invalidProp(this, `metrics[${i}]`, m, 'must be a ScalingMetric (ScalingMetric.cpuUtilization(80), ...)');
    });
    const renderedMetrics = metrics.map((m, i) => m._render(this, `metrics[${i}]`, target.path, target.containers));
    const behavior = {
      scaleUp: renderRules(this, 'scaleUp', props.scaleUp),
      scaleDown: renderRules(this, 'scaleDown', props.scaleDown),
    };
    target.attachAutoscaler(this, { min: this.minReplicas, max: this.maxReplicas });

    this.hpa = new ApiObject(this, 'Resource', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: this.name },
      spec: {
        scaleTargetRef: { ...target.scaleTarget },
        minReplicas: this.minReplicas,
        maxReplicas: this.maxReplicas,
        metrics: renderedMetrics,
        behavior: behavior.scaleUp || behavior.scaleDown ? behavior : undefined,
      },
    });
  }
  /** The given name, or one made from the target's: checked as a DNS-1123 subdomain either way. */
  private nameFor(props: AutoscalerProps, targetName: string): string {
    if (props.name !== undefined) {
      checkDnsSubdomain(this, 'name', props.name);
      return props.name;
    } else {
      const name = `${targetName}-autoscaler`;
      // The default name is made from the target's name: report it as target, the prop the user set.
      if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
        invalidProp(
          this,
          'target',
          props.target,
          `makes the default name (its name and "-autoscaler", ${name.length} characters) not a DNS-1123 subdomain of at most 253 characters: set name`,
        );
      }
      return name;
    }
  }
}

function renderRules(scope: IConstruct, prop: string, rules: ScalingRules | undefined) {
  if (!rules) return undefined;
  // Kubernetes' limits: stabilizationWindowSeconds 0..3600, periodSeconds 1..1800, value above 0.
  const window =
    rules.stabilizationWindow === undefined
      ? undefined
      : seconds(scope, `${prop}.stabilizationWindow`, rules.stabilizationWindow, 0, 3600);
  if (rules.selectPolicy !== undefined) checkEnum(scope, `${prop}.selectPolicy`, rules.selectPolicy, SELECT_POLICIES);
  if (rules.policies !== undefined && rules.policies.length === 0) {
    invalidProp(
      scope,
      `${prop}.policies`,
      [],
      "must hold at least one policy, or be left out for Kubernetes' default policies",
    );
  }
  const policies = rules.policies?.map((p, i) => {
    const at = `${prop}.policies[${i}]`;
    checkProps(scope, p, SCALING_POLICY_SHAPE, `${at}.`);
    checkEnum(scope, `${at}.type`, p.type, POLICY_TYPES);
    checkPositiveInt(scope, `${at}.value`, p.value);
    if (p.period === undefined)
      invalidProp(
        scope,
        `${at}.period`,
        undefined,
        'is required: give a Duration from 1 to 1800 seconds, e.g. Duration.minutes(1)',
      );
    const period = seconds(scope, `${at}.period`, p.period, 1, 1800);
    return { type: p.type, value: p.value, periodSeconds: period };
  });
  const tolerance = rules.tolerance;
  if (
    tolerance !== undefined &&
    (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0 || tolerance >= 1)
  ) {
    invalidProp(
      scope,
      `${prop}.tolerance`,
      tolerance,
      'must be a fraction from 0 up to (not including) 1, e.g. 0.05 for 5%',
    );
  }
  return {
    stabilizationWindowSeconds: window,
    selectPolicy: rules.selectPolicy,
    policies,
    // A Kubernetes quantity: written as a decimal string, as the API server writes it back.
    tolerance: tolerance === undefined ? undefined : String(tolerance),
  };
}

/** A Duration as whole seconds within `min..max`; the bad value is shown in seconds, as the field takes it. */
function seconds(scope: IConstruct, prop: string, value: Duration, min: number, max: number): number {
  const s = checkDuration(scope, prop, value) / 1000;
  if (!Number.isInteger(s) || s < min || s > max)
    invalidProp(scope, prop, `${s}s`, `must be whole seconds from ${min} to ${max}`);
  return s;
}

const SELECT_POLICIES: ReadonlyArray<'Max' | 'Min' | 'Disabled'> = ['Max', 'Min', 'Disabled'];
const POLICY_TYPES: ReadonlyArray<'Pods' | 'Percent'> = ['Pods', 'Percent'];
const SCALING_POLICY_SHAPE: PropShape = { type: 'string!', value: 'number!', period: Duration };
const SCALING_RULES_SHAPE: PropShape = {
  stabilizationWindow: Duration,
  policies: 'array',
  selectPolicy: 'string',
  tolerance: 'number',
};

/** @internal The runtime shape of {@link AutoscalerProps}, for `checkProps`. */
export const AUTOSCALER_SHAPE: PropShape = {
  target: 'construct!',
  name: 'string',
  minReplicas: 'number',
  maxReplicas: 'number!',
  metrics: 'array',
  scaleUp: SCALING_RULES_SHAPE,
  scaleDown: SCALING_RULES_SHAPE,
};

/** An Autoscaler's target, library workload or cdk8s-plus one, as the Autoscaler uses it. */
interface ResolvedTarget {
  readonly path: string;
  readonly scaleTarget: ScaleTarget;
  readonly fixedReplicaCount: boolean;
  readonly containers: readonly CountedContainer[];
  attachAutoscaler(autoscaler: IConstruct, range: AutoscalingRange): void;
}

/** Which Autoscaler scales a cdk8s-plus workload (cdk8s-plus records only that one does). */
const KPLUS_OWNERS = new WeakMap<object, string>();

/** Reads the `target` prop: a library workload, or a cdk8s-plus one with the same checks. */
function resolveTarget(scope: Autoscaler, target: unknown): ResolvedTarget {
  if (isAutoscalable(target)) {
    return {
      path: target.node.path,
      scaleTarget: target.scaleTarget,
      fixedReplicaCount: target.fixedReplicaCount,
      containers: countedContainers(target),
      attachAutoscaler: (autoscaler, range) => target.attachAutoscaler(autoscaler, range),
    };
  }
  if (!isKplusScalable(target)) {
    invalidProp(
      scope,
      'target',
      target,
      'must be a workload an autoscaler can scale (StableDeployment, CanaryDeployment, Rollout, PipelineStage, or a cdk8s-plus Deployment or StatefulSet)',
    );
  }
  const { apiVersion, kind, name, replicas } = target.toScalingTarget();
  if (target.hasAutoscaler) {
    const owner = KPLUS_OWNERS.get(target) ?? kplusAutoscalersOf(target)[0]?.node.path ?? 'another autoscaler';
    invalidProp(
      scope,
      'target',
      target,
      `is already scaled by ${owner}; two autoscalers on one workload fight each other`,
    );
  }
  if (replicas !== undefined) {
    invalidProp(
      scope,
      'target',
      target,
      `sets replicas (${replicas}): leave it unset, ${scope.node.path} owns the replica count (its minReplicas is the starting count); cdk8s-plus's own autoscaler refuses a fixed count too`,
    );
  }
  return {
    path: target.node.path,
    scaleTarget: { apiVersion, kind, name },
    fixedReplicaCount: false,
    containers: countedKplusContainers(target),
    attachAutoscaler: autoscaler => {
      target.markHasAutoscaler();
      KPLUS_OWNERS.set(target, autoscaler.node.path);
    },
  };
}

/** True for a cdk8s-plus workload a HorizontalPodAutoscaler can scale (`kplus.IScalable`), checked by shape. */
function isKplusScalable(t: unknown): t is kplus.IScalable & IConstruct {
  if (typeof t !== 'object' || t === null || !('node' in t)) return false;
  const x = t as Partial<kplus.IScalable>;
  return typeof x.markHasAutoscaler === 'function' && typeof x.toScalingTarget === 'function';
}

/** True for a construct an Autoscaler can scale (JavaScript callers may pass anything). */
function isAutoscalable(t: unknown): t is IAutoscalable {
  if (typeof t !== 'object' || t === null || !('node' in t)) return false;
  const x = t as Partial<IAutoscalable>;
  return (
    typeof x.attachAutoscaler === 'function' &&
    typeof x.scaleTarget === 'object' &&
    x.scaleTarget !== null &&
    typeof x.scaleTarget.name === 'string'
  );
}
