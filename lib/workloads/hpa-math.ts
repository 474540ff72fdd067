/**
 * The replica rule of the Kubernetes HorizontalPodAutoscaler controller (kube-controller-manager,
 * pkg/controller/podautoscaler), as a pure function. Each rule below names the Kubernetes versions
 * it holds for; `autoscaling/v2` is served from 1.23, `spec.behavior` exists from 1.18.
 */

/** One limit on how fast the autoscaler may change the count (`spec.behavior.*.policies[]`). */
export interface HpaPolicy {
  /** `Pods`: add or remove this many pods per period; `Percent`: this percentage of the pods at the period's start. */
  readonly type: 'Pods' | 'Percent';
  /** Pods or percent. */
  readonly value: number;
  /** Length of the period, in seconds. */
  readonly periodSeconds: number;
}

/** How the autoscaler moves in one direction (`spec.behavior.scaleUp` or `.scaleDown`). */
export interface HpaRules {
  /**
   * Recommendations this many seconds back are considered; the safest wins.
   * @default 0 for scale-up; for scale-down the controller's --horizontal-pod-autoscaler-downscale-stabilization (300)
   */
  readonly stabilizationWindowSeconds?: number;
  /**
   * Which policy wins when several allow a change; `Disabled` stops this direction.
   * @default 'Max'
   */
  readonly selectPolicy?: 'Max' | 'Min' | 'Disabled';
  /**
   * The limits.
   * @default - scale-up: 100% or 4 pods per 15 s, whichever is more; scale-down: 100% per 15 s
   */
  readonly policies?: readonly HpaPolicy[];
  /**
   * Ratio change this direction ignores (Kubernetes 1.33+, feature gate HPAConfigurableTolerance:
   * alpha in 1.33, beta and on by default from 1.34).
   * @default - the `tolerance` input
   */
  readonly tolerance?: number;
}

/** `spec.behavior` of a HorizontalPodAutoscaler. */
export interface HpaBehavior {
  /**
   * Scale-up rules.
   * @default - the defaults of HpaRules
   */
  readonly scaleUp?: HpaRules;
  /**
   * Scale-down rules.
   * @default - the defaults of HpaRules
   */
  readonly scaleDown?: HpaRules;
}

/** A recommendation the controller computed at an earlier reconcile. */
export interface HpaRecommendation {
  /** How long ago, in seconds. */
  readonly secondsAgo: number;
  /** The replicas it recommended (before stabilization and limits). */
  readonly replicas: number;
}

/** A change of the count the controller made at an earlier reconcile. */
export interface HpaScaleEvent {
  /** How long ago, in seconds. */
  readonly secondsAgo: number;
  /** Pods added (positive) or removed (negative). */
  readonly change: number;
}

/** Inputs of the HorizontalPodAutoscaler's replica rule. */
export interface DesiredReplicasInput {
  /** Pods now (the target's `spec.replicas`); all of them ready and measured. */
  readonly currentReplicas: number;
  /** Average metric now, e.g. 160 (% of the CPU request). */
  readonly currentMetric: number;
  /** Target of the metric, e.g. 80 (%). */
  readonly targetMetric: number;
  /** Lower bound. @default 1 */
  readonly minReplicas?: number;
  /** Upper bound. @default - no bound */
  readonly maxReplicas?: number;
  /**
   * Ratio change the controller ignores, to avoid flapping: the cluster-wide
   * --horizontal-pod-autoscaler-tolerance (all versions; per direction in `behavior` from 1.33).
   * @default 0.1
   */
  readonly tolerance?: number;
  /**
   * `spec.behavior`. Without it the controller caps a scale-up at `max(2 * current, 4)` and only
   * stabilises scale-down; with it its policies apply, each part left out taking its default.
   * @default - none (the API server does not fill in a behaviour that was left out)
   */
  readonly behavior?: HpaBehavior;
  /**
   * Recommendations of earlier reconciles, for the stabilization windows.
   * @default - none
   */
  readonly recentRecommendations?: readonly HpaRecommendation[];
  /**
   * Count changes of earlier reconciles, for the behavior policies' periods.
   * @default - none
   */
  readonly recentScaleEvents?: readonly HpaScaleEvent[];
  /**
   * The controller's --horizontal-pod-autoscaler-downscale-stabilization, in seconds.
   * @default 300
   */
  readonly downscaleStabilizationSeconds?: number;
}

/**
 * The replica count the HorizontalPodAutoscaler controller sets, rule by rule:
 *
 * 1. A current count of 0 disables scaling: the answer is 0 (all versions; only a minReplicas of 0,
 *    behind the alpha HPAScaleToZero gate, scales from zero).
 * 2. A count outside `[min, max]` is brought into range first, before any metric is read (all versions).
 * 3. The proposal is `ceil(current * currentMetric / targetMetric)`, unless the ratio is within the
 *    tolerance of 1: then it is the current count. The boundary belongs to the tolerance, compared
 *    exactly on the decimal values given (88 for a target of 80 at tolerance 0.1 keeps the count).
 *    Kubernetes 1.33+ compares `1 - down <= ratio <= 1 + up` as here; up to 1.32 it compared
 *    `|1 - ratio| <= tolerance` in float64, where 88/80 fell just outside and scaled.
 * 4. Without `behavior` (all versions): the highest recommendation of the last
 *    `downscaleStabilizationSeconds` wins (scale-down stabilization), then the count is clamped into
 *    `[min, min(max, max(2 * current, 4))]`.
 * 5. With `behavior` (1.18+): scale-up and scale-down stabilization windows (defaults 0 s and 300 s),
 *    then the policies of the direction (defaults: up 100% or 4 pods per 15 s, whichever is more;
 *    down 100% per 15 s; `selectPolicy` Max) limit the change, counted from the pods at the start of
 *    each policy's period; the result stays within `[min, max]`.
 *
 * Integer arithmetic throughout, so no floating-point rounding moves a boundary. For example, 3 pods
 * at 160% CPU for an 80% target gives 6.
 */
export function desiredReplicas(input: DesiredReplicasInput): number {
  const { currentReplicas: current, currentMetric, targetMetric } = input;
  const min = input.minReplicas ?? 1;
  const max = input.maxReplicas ?? Number.POSITIVE_INFINITY;
  if (!(targetMetric > 0) || !Number.isFinite(targetMetric)) throw new RangeError('targetMetric must be above 0');
  if (!(currentMetric >= 0) || !Number.isFinite(currentMetric)) throw new RangeError('currentMetric must be >= 0');
  if (!Number.isInteger(current) || current < 0) throw new RangeError('currentReplicas must be a whole number >= 0');
  if (min > max) throw new RangeError('minReplicas must not exceed maxReplicas');
  if (current === 0 || current < min || current > max) return clampIntoRange(current, min, max);

  const tolerance = input.tolerance ?? 0.1;
  const b = input.behavior;
  const up = b?.scaleUp?.tolerance ?? tolerance;
  const down = b?.scaleDown?.tolerance ?? tolerance;
  for (const t of [up, down]) if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError('tolerance must be >= 0');
  const proposal = withinTolerance(currentMetric, targetMetric, up, down)
    ? current
    : ceilDiv(BigInt(current) * dec(currentMetric).n * dec(targetMetric).d, dec(currentMetric).d * dec(targetMetric).n);

  const recommendations = input.recentRecommendations ?? [];
  const downWindow = input.downscaleStabilizationSeconds ?? 300;
  if (!b) {
    const stabilized = recommendations
      .filter(r => r.secondsAgo <= downWindow)
      .reduce((high, r) => Math.max(high, r.replicas), proposal);
    return Math.max(min, Math.min(stabilized, Math.min(max, Math.max(2 * current, 4))));
  }
  const upRules = withDefaults(b.scaleUp, 0, SCALE_UP_POLICIES);
  const downRules = withDefaults(b.scaleDown, downWindow, SCALE_DOWN_POLICIES);
  let upBound = proposal;
  let downBound = proposal;
  for (const r of recommendations) {
    if (r.secondsAgo < upRules.window) upBound = Math.min(upBound, r.replicas);
    if (r.secondsAgo < downRules.window) downBound = Math.max(downBound, r.replicas);
  }
  const stabilized = Math.min(Math.max(current, upBound), downBound);
  const events = input.recentScaleEvents ?? [];
  if (stabilized > current) {
    const limit = Math.max(current, rateLimit(current, events, upRules, +1));
    return Math.min(stabilized, Math.min(max, limit));
  }
  if (stabilized < current) {
    const limit = Math.min(current, rateLimit(current, events, downRules, -1));
    return Math.max(stabilized, Math.max(min, limit));
  }
  return current;
}

/**
 * A count brought into `[min, max]` as the autoscaler does before reading any metric; 0 stays 0
 * (a target scaled to zero is left alone).
 * @internal
 */
export function clampIntoRange(current: number, min: number, max: number): number {
  if (current === 0 && min !== 0) return 0;
  return Math.min(max, Math.max(min, current));
}

const SCALE_UP_POLICIES: readonly HpaPolicy[] = [
  { type: 'Pods', value: 4, periodSeconds: 15 },
  { type: 'Percent', value: 100, periodSeconds: 15 },
];
const SCALE_DOWN_POLICIES: readonly HpaPolicy[] = [{ type: 'Percent', value: 100, periodSeconds: 15 }];

interface Rules {
  readonly window: number;
  readonly select: 'Max' | 'Min' | 'Disabled';
  readonly policies: readonly HpaPolicy[];
}

/** The API server's defaulting of one direction: each field left out takes its default on its own. */
function withDefaults(rules: HpaRules | undefined, window: number, policies: readonly HpaPolicy[]): Rules {
  return {
    window: rules?.stabilizationWindowSeconds ?? window,
    select: rules?.selectPolicy ?? 'Max',
    policies: rules?.policies ?? policies,
  };
}

/**
 * The furthest count the policies allow in `direction` (+1 up, -1 down). Each policy counts from the
 * pods at the start of its period (now, undoing the changes made within it); `Max` picks the policy
 * allowing the biggest change, `Min` the smallest, `Disabled` allows none.
 */
function rateLimit(current: number, events: readonly HpaScaleEvent[], rules: Rules, direction: 1 | -1): number {
  if (rules.select === 'Disabled') return current;
  const proposals = rules.policies.map(p => {
    const changed = events.filter(e => e.secondsAgo < p.periodSeconds).reduce((sum, e) => sum + e.change, 0);
    const start = current - changed;
    if (p.type === 'Pods') return start + direction * p.value;
    // Up rounds up (so a small percentage still adds a pod), down truncates, as the controller does.
    return direction > 0
      ? Number(ceilDiv(BigInt(start) * BigInt(100 + p.value), 100n))
      : Math.trunc((start * (100 - p.value)) / 100);
  });
  const biggest = direction > 0 ? Math.max(...proposals) : Math.min(...proposals);
  const smallest = direction > 0 ? Math.min(...proposals) : Math.max(...proposals);
  return rules.select === 'Min' ? smallest : biggest;
}

/** `1 - down <= current / target <= 1 + up`, exactly on the decimal values. */
function withinTolerance(current: number, target: number, up: number, down: number): boolean {
  const c = dec(current);
  const t = dec(target);
  const u = dec(up);
  const d = dec(down);
  // current / target <= (u.d + u.n) / u.d  <=>  c.n * t.d * u.d <= t.n * (u.d + u.n) * c.d (all denominators > 0).
  const belowUpper = c.n * t.d * u.d <= t.n * (u.d + u.n) * c.d;
  const aboveLower = c.n * t.d * d.d >= t.n * (d.d - d.n) * c.d;
  return belowUpper && aboveLower;
}

/** A finite number as the exact fraction of its shortest decimal form (`0.1` is 1/10, not the nearest double). */
function dec(x: number): { n: bigint; d: bigint } {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(x));
  if (!m) throw new RangeError(`${x} is not a finite number`);
  const digits = BigInt(`${m[1]}${m[2]}${m[3] ?? ''}`);
  const exponent = Number(m[4] ?? 0) - (m[3]?.length ?? 0);
  return exponent >= 0 ? { n: digits * 10n ** BigInt(exponent), d: 1n } : { n: digits, d: 10n ** BigInt(-exponent) };
}

function ceilDiv(a: bigint, b: bigint): number {
  const q = a / b;
  return Number(a % b === 0n ? q : q + 1n);
}
