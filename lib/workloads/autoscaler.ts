import { ApiObject, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
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
import { checkQuantity, ContainerResources, Cpu, Memory } from '../core/quantity';
import { checksItself } from '../safety/rules';

/** What an autoscaler points at (`spec.scaleTargetRef`). */
export interface ScaleTarget {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

/** A workload an {@link Autoscaler} can scale: StableDeployment, CanaryDeployment, Rollout, pipeline stages. */
export interface IAutoscalable extends IConstruct {
  readonly scaleTarget: ScaleTarget;
  /** The container's requests; utilization metrics divide by them. */
  readonly resources?: ContainerResources;
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
 * Which Autoscaler owns a workload's replica count. A workload implementing
 * {@link IAutoscalable} keeps one and hands `attachAutoscaler` to {@link ReplicaOwner.attach}:
 * a second autoscaler is refused, and an explicit replica count beside the autoscaler fails
 * the synth (apply and GitOps would fight the autoscaler over it).
 */
export class ReplicaOwner {
  private autoscalerPath?: string;
  private autoscalerRange?: AutoscalingRange;

  /**
   * @param workload the workload whose replicas are owned
   * @param explicitReplicas the replica count its props set, if any
   */
  constructor(
    private readonly workload: IConstruct,
    private readonly explicitReplicas: () => number | undefined,
  ) {}

  /** True once an Autoscaler owns the count. */
  public get isAutoscaled(): boolean {
    return this.autoscalerPath !== undefined;
  }

  /** The owning Autoscaler's bounds, if any. */
  public get range(): AutoscalingRange | undefined {
    return this.autoscalerRange;
  }

  /** Records `autoscaler` as the owner; throws when another one already is. */
  public attach(autoscaler: IConstruct, range: AutoscalingRange): void {
    if (this.autoscalerPath !== undefined) {
      invalidProp(
        autoscaler,
        'target',
        this.workload,
        `is already scaled by ${this.autoscalerPath}; two autoscalers on one workload fight each other`,
      );
    }
    this.autoscalerPath = autoscaler.node.path;
    this.autoscalerRange = range;
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

  /** @internal */
  public _render(scope: IConstruct, prop: string, target: IAutoscalable): Record<string, unknown> {
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
      if (!target.resources?.[s.resource]?.request) {
        invalidProp(
          scope,
          prop,
          `${s.resource} utilization ${s.utilization}%`,
          `needs a ${s.resource} request on ${target.node.path}: utilization is usage divided by the request; set resources.${s.resource}.request there`,
        );
      }
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
}

/** Props of an {@link Autoscaler}. */
export interface AutoscalerProps {
  /** The workload to scale. Its manifest then leaves `replicas` to the autoscaler. */
  readonly target: IAutoscalable;
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
  public readonly target: IAutoscalable;
  /** The HorizontalPodAutoscaler manifest. */
  public readonly hpa: ApiObject;

  constructor(scope: Construct, id: string, props: AutoscalerProps) {
    super(scope, id);
    checkProps(this, props, AUTOSCALER_SHAPE);
    const target: unknown = props.target;
    if (!isAutoscalable(target)) {
      invalidProp(
        this,
        'target',
        target,
        'must be a workload an autoscaler can scale (StableDeployment, CanaryDeployment, Rollout, PipelineStage)',
      );
    }
    this.target = target;
    if (props.name !== undefined) {
      checkDnsSubdomain(this, 'name', props.name);
      this.name = props.name;
    } else {
      this.name = `${target.scaleTarget.name}-autoscaler`;
      // The default name is made from the target's name: report it as target, the prop the user set.
      if (this.name.length > 253 || !DNS1123_SUBDOMAIN.test(this.name)) {
        invalidProp(
          this,
          'target',
          target,
          `makes the default name (its name and "-autoscaler", ${this.name.length} characters) not a DNS-1123 subdomain of at most 253 characters: set name`,
        );
      }
    }
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
        target,
        'runs a fixed number of pods (declared single-instance) and cannot be autoscaled',
      );
    }
    const metrics = props.metrics ?? [ScalingMetric.cpuUtilization(80)];
    if (metrics.length === 0) invalidProp(this, 'metrics', [], 'must hold at least one metric');
    metrics.forEach((m: unknown, i) => {
      if (!(m instanceof ScalingMetric))
        invalidProp(this, `metrics[${i}]`, m, 'must be a ScalingMetric (ScalingMetric.cpuUtilization(80), ...)');
    });
    const renderedMetrics = metrics.map((m, i) => m._render(this, `metrics[${i}]`, target));
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
  return { stabilizationWindowSeconds: window, selectPolicy: rules.selectPolicy, policies };
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
const SCALING_RULES_SHAPE: PropShape = { stabilizationWindow: Duration, policies: 'array', selectPolicy: 'string' };

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
