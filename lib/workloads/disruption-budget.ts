import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { IPodDisruptionBudgetSpec } from 'kubernetes-models/policy/v1/PodDisruptionBudgetSpec';
import { checkDnsSubdomain, checkEnum, invalidProp, problem } from '../core/errors';
import { checkProps, PropShape } from '../core/props';
import { renderedObjects } from '../safety/app-checks';
import { selectorMatches } from '../safety/findings';
import { IntOrPercent } from '../core/update-strategy';
import type { PodWorkload } from './pod-workload';

/** How many of a workload's pods a voluntary disruption (a node drain, a cluster upgrade) may take at once. */
export interface DisruptionBudgetOptions {
  /**
   * Pods that must stay available: a count, or a percentage of the desired pods (rounded up). Exclusive with
   * `maxUnavailable`. A Rollout takes a count only.
   * @default - give this or maxUnavailable
   */
  readonly minAvailable?: IntOrPercent;
  /**
   * Pods that may be unavailable at once: a count, or a percentage of the desired pods (rounded up). Exclusive
   * with `minAvailable`; not for a Rollout.
   * @default - give this or minAvailable
   */
  readonly maxUnavailable?: IntOrPercent;
  /**
   * Whether pods that are running but not ready may be evicted while the budget is not met. `AlwaysAllow` lets a
   * drain evict a crash-looping pod (a bad canary) instead of waiting for it for ever; `IfHealthyBudget` evicts
   * them only while the budget holds.
   * @default 'AlwaysAllow'
   */
  readonly unhealthyPodEvictionPolicy?: 'AlwaysAllow' | 'IfHealthyBudget';
  /**
   * metadata.name of the PodDisruptionBudget.
   * @default - the workload's name
   */
  readonly name?: string;
}

/** Props of a {@link DisruptionBudget}. */
export interface DisruptionBudgetProps extends DisruptionBudgetOptions {
  /** The workload whose pods the budget protects: a StableDeployment, CanaryDeployment, Rollout or PipelineStage. */
  readonly workload: PodWorkload;
}

/** @internal The runtime shape of {@link DisruptionBudgetOptions}, for `checkProps`. */
export const DISRUPTION_BUDGET_OPTIONS_SHAPE: PropShape = {
  minAvailable: IntOrPercent,
  maxUnavailable: IntOrPercent,
  unhealthyPodEvictionPolicy: 'string',
  name: 'string',
};

const DISRUPTION_BUDGET_SHAPE: PropShape = { ...DISRUPTION_BUDGET_OPTIONS_SHAPE, workload: 'construct!' };
const POLICIES = ['AlwaysAllow', 'IfHealthyBudget'] as const;

/**
 * A PodDisruptionBudget for the pods of one library workload, selecting them by the workload's identity labels
 * (app and track, never the version): with a stable and a canary track, each track has a budget of its own.
 * A budget that would block every eviction (`minAvailable` at or above the replica count or the autoscaler's
 * minimum, `maxUnavailable` 0) is refused with the reason. Usually made through a workload's `disruptionBudget`.
 */
export class DisruptionBudget extends Construct {
  /** The workload whose pods the budget protects. */
  public readonly workload: PodWorkload;
  /** The PodDisruptionBudget manifest. */
  public readonly budget: ApiObject;

  constructor(scope: Construct, id: string, props: DisruptionBudgetProps) {
    super(scope, id);
    checkProps(this, props, DISRUPTION_BUDGET_SHAPE);
    const workload: unknown = props.workload;
    if (!isPodWorkload(workload))
      invalidProp(this, 'workload', workload, 'must be a StableDeployment, CanaryDeployment, Rollout or PipelineStage');
    this.workload = workload;
    const bound = this.renderBound(props);
    const policy = props.unhealthyPodEvictionPolicy ?? 'AlwaysAllow';
    checkEnum(this, 'unhealthyPodEvictionPolicy', policy, POLICIES);
    const name = props.name ?? workload.name;
    checkDnsSubdomain(this, 'name', name);
    this.budget = new ApiObject(this, 'Resource', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, labels: workload.podLabels },
      spec: {
        ...bound,
        selector: { matchLabels: workload.selectorLabels },
        unhealthyPodEvictionPolicy: policy,
      } satisfies IPodDisruptionBudgetSpec,
    });
    // The replica count is settled only at synth (an autoscaler or a canary's split may set it later).
    this.node.addValidation({ validate: () => [...this.blocksEveryEviction(props), ...this.overlaps()] });
  }

  /** `minAvailable` or `maxUnavailable`, exactly one, checked; a Rollout takes an integer minAvailable only. */
  private renderBound(
    props: DisruptionBudgetOptions,
  ): Pick<IPodDisruptionBudgetSpec, 'minAvailable' | 'maxUnavailable'> {
    const { minAvailable: min, maxUnavailable: max } = props;
    const rollout = this.workload.scaleTarget.kind === 'Rollout';
    if (min === undefined && max === undefined)
      invalidProp(
        this,
        'minAvailable',
        undefined,
        `must be set, or maxUnavailable: say how many pods a node drain must leave running${rollout ? ' (a Rollout takes minAvailable as a pod count)' : ''}`,
      );
    if (min !== undefined && max !== undefined)
      invalidProp(
        this,
        'maxUnavailable',
        max._render(this, 'maxUnavailable'),
        'must not be set together with minAvailable: give one of the two',
      );
    if (rollout && max !== undefined)
      invalidProp(
        this,
        'maxUnavailable',
        max._render(this, 'maxUnavailable'),
        "must be left out for a Rollout: give minAvailable as a pod count (the disruption controller cannot read a Rollout's scale, Argo Rollouts issue #2119)",
      );
    if (max !== undefined) {
      const value = max._render(this, 'maxUnavailable');
      if (max.isZero)
        invalidProp(
          this,
          'maxUnavailable',
          value,
          'must be above 0: a budget that lets no pod go blocks every node drain for ever',
        );
      return { maxUnavailable: value };
    }
    const value = min!._render(this, 'minAvailable');
    if (rollout && min!.isPercent)
      invalidProp(
        this,
        'minAvailable',
        value,
        "must be a pod count (IntOrPercent.count) for a Rollout: the disruption controller cannot read a Rollout's scale for a percentage (Argo Rollouts issue #2119)",
      );
    if (min!.isZero)
      invalidProp(
        this,
        'minAvailable',
        value,
        'must be above 0: a budget that requires no pod protects nothing; leave it out instead',
      );
    if (min!.isPercent && min!.amount === 100)
      invalidProp(
        this,
        'minAvailable',
        value,
        'must be below 100%: with every pod required, no node drain can evict any',
      );
    return { minAvailable: value };
  }

  /**
   * Another PodDisruptionBudget (library-made or not) made earlier in the app over this workload's pods: the
   * eviction API refuses to evict a pod that two budgets cover, so every node drain would stall on it.
   */
  private overlaps(): string[] {
    const ns = this.budget.metadata.namespace;
    const labels = this.workload.podLabels;
    const all = renderedObjects(this);
    const own = all.findIndex(o => o.api === this.budget);
    const earlier = all
      .slice(0, own < 0 ? all.length : own)
      .filter(({ api, m }) => m.kind === 'PodDisruptionBudget' && api.metadata.namespace === ns)
      .filter(({ m }) => selectorMatches(m.spec?.selector, labels));
    if (earlier.length === 0) return [];
    const paths = earlier.map(({ api }) => (api.node.id === 'Resource' ? api.node.scope! : api).node.path);
    return [
      problem(
        'workload',
        this.workload.node.path,
        `already has its pods covered by the PodDisruptionBudget of ${paths.join(', ')}: the eviction API refuses to evict a pod two budgets cover, so node drains would stall; keep one budget`,
      ),
    ];
  }

  /** A minAvailable at or above the pods the workload runs (its autoscaler's minimum) lets no eviction through. */
  private blocksEveryEviction(props: DisruptionBudgetOptions): string[] {
    const min = props.minAvailable;
    if (min === undefined) return [];
    const range = this.workload.autoscalingRange;
    const desired = this.workload.replicas ?? range?.min;
    if (desired === undefined || desired === 0) return [];
    const required = min.isPercent ? Math.ceil((desired * min.amount) / 100) : min.amount;
    if (required < desired) return [];
    const source = range
      ? `the minimum of the autoscaler on ${this.workload.node.path} (${desired})`
      : `the replica count of ${this.workload.node.path} (${desired})`;
    return [
      problem(
        'minAvailable',
        min.isPercent ? `${min.amount}%` : min.amount,
        `must leave a pod to evict: ${required} of ${desired} pods required is at or above ${source}, so no node drain could evict any; lower minAvailable or run more pods`,
      ),
    ];
  }
}

function isPodWorkload(v: unknown): v is PodWorkload {
  const w = v as Partial<PodWorkload> | null;
  return typeof w === 'object' && w !== null && 'node' in w && w.scaleTarget !== undefined && 'selectorLabels' in w;
}

/** @internal What a workload's `disruptionBudget` option makes: a budget as a child of the workload. */
export function createDisruptionBudget(workload: PodWorkload, options: DisruptionBudgetOptions): DisruptionBudget {
  return new DisruptionBudget(workload, 'DisruptionBudget', { ...options, workload });
}
