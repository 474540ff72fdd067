import { argoCanarySplit } from '../rollouts/rollout';

/**
 * The pod arithmetic of the Argo Rollouts controller (utils/replicaset/canary.go and replicaset.go,
 * Argo Rollouts 1.7 to 1.9), restated for a plan: what the controller keeps once a step has settled,
 * assuming every pod it asks for becomes available.
 */

/** Canary and stable pods. */
export interface PodSplit {
  /** Pods of the new (canary) ReplicaSet. */
  readonly canaryPods: number;
  /** Pods of the stable ReplicaSet. */
  readonly stablePods: number;
}

/** A `maxSurge`/`maxUnavailable` value as the manifest holds it: a count, or a percentage string. */
export type IntOrPercentValue = number | string;

/**
 * `value` of `replicas` pods, as Kubernetes resolves an int-or-percent: a percentage rounds up for
 * maxSurge (`roundUp`) and down for maxUnavailable. Throws a RangeError for anything else.
 */
export function scaledValue(value: IntOrPercentValue, replicas: number, roundUp: boolean): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${value} is not a whole number of pods`);
    return value;
  }
  const m = /^(\d+)%$/.exec(value);
  if (!m) throw new RangeError(`"${value}" is neither a whole number nor a percentage like "25%"`);
  const exact = (Number(m[1]) * replicas) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * Argo's `resolveFenceposts` for a canary: maxSurge and maxUnavailable in pods (defaults 25% each);
 * when both come to 0 (a small percentage rounded down), maxUnavailable becomes 1; maxUnavailable
 * never exceeds the replicas.
 */
export function surgeAndUnavailable(
  replicas: number,
  maxSurge: IntOrPercentValue = '25%',
  maxUnavailable: IntOrPercentValue = '25%',
): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge, replicas, true);
  let unavailable = scaledValue(maxUnavailable, replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable: Math.min(unavailable, replicas) };
}

/** A basic canary's pods at one instant, every pod available. */
interface BasicState {
  readonly canary: number;
  readonly stable: number;
}

/**
 * One reconcile of a basic canary (no traffic routing): Argo's `CalculateReplicaCountsForBasicCanary`
 * with a stable and a new ReplicaSet, no older ones, and every pod available. It scales the stable
 * side up first and then the canary, within `replicas + surge` pods, then scales down the side
 * that shrinks while at least `replicas - unavailable` pods stay available.
 */
function reconcileBasic(
  replicas: number,
  desired: BasicState,
  surge: number,
  unavailable: number,
  now: BasicState,
): BasicState {
  let canary = now.canary;
  let stable = now.stable;
  const ceiling = replicas + surge;
  let room = ceiling - (now.canary + now.stable);
  if (now.stable < desired.stable && room > 0) {
    const grown = Math.min(desired.stable, now.stable + room);
    room -= grown - now.stable;
    stable = grown;
  }
  if (now.canary < desired.canary && room > 0) canary = Math.min(desired.canary, now.canary + room);

  const minAvailable = replicas - unavailable;
  const removable = now.canary + now.stable - minAvailable;
  if (removable <= 0) return { canary, stable };
  const growing = desired.canary >= now.canary;
  // The side that shrinks (the stable while the canary grows, the canary on the way back) gives up pods
  // first; the other side is then trimmed back under the surge ceiling without breaking availability.
  if (growing) {
    if (now.stable > desired.stable) stable = Math.max(desired.stable, now.stable - removable);
    [stable, canary] = withinLimits(now.stable, now.canary, stable, canary, ceiling, minAvailable);
  } else {
    if (now.canary > desired.canary) canary = Math.max(desired.canary, now.canary - removable);
    [canary, stable] = withinLimits(now.canary, now.stable, canary, stable, ceiling, minAvailable);
  }
  return { canary, stable };
}

/** Argo's `adjustReplicaWithinLimits`, with each side's available pods equal to its pods before the reconcile. */
function withinLimits(
  drainAvailable: number,
  adjustAvailable: number,
  drain: number,
  adjust: number,
  ceiling: number,
  minAvailable: number,
): [number, number] {
  adjust -= Math.max(0, adjust + drain - ceiling);
  const available = Math.min(drainAvailable, drain) + Math.min(adjustAvailable, adjust);
  adjust += Math.min(Math.max(0, adjustAvailable - adjust), Math.max(0, minAvailable - available));
  drain -= Math.max(0, adjust + drain - ceiling);
  return [drain, adjust];
}

/**
 * One reconcile of a basic canary from `now` towards `weight`: the counts Argo's
 * `CalculateReplicaCountsForBasicCanary` asks for, every pod available.
 * @internal
 */
export function basicCanaryReconcile(
  replicas: number,
  weight: number,
  fences: { surge: number; unavailable: number },
  now: PodSplit,
): PodSplit {
  const split = argoCanarySplit(replicas, weight, fences.surge);
  const next = reconcileBasic(
    replicas,
    { canary: split.canary, stable: split.stable },
    fences.surge,
    fences.unavailable,
    { canary: now.canaryPods, stable: now.stablePods },
  );
  return { canaryPods: next.canary, stablePods: next.stable };
}

/** Where a basic canary step settles, and the most pods that ran on the way there. */
export interface BasicCanarySettle extends PodSplit {
  /** The most pods (both sides) at any reconcile on the way, surge included. */
  readonly peakPods: number;
  /** True at Argo's tie fallback: its approximation finds no split and the canary runs no pod. */
  readonly fallback: boolean;
}

/**
 * A basic canary (no traffic routing) moving to `weight` from `from`: Argo's reconcile repeated,
 * every pod becoming available in between, until nothing changes. It settles on Argo's
 * approximation of the weight with whole pods (`approximateWeightedCanaryStableReplicaCounts`).
 */
export function settleBasicCanary(
  replicas: number,
  weight: number,
  fences: { surge: number; unavailable: number },
  from: PodSplit,
): BasicCanarySettle {
  const split = argoCanarySplit(replicas, weight, fences.surge);
  const desired = { canary: split.canary, stable: split.stable };
  let now: BasicState = { canary: from.canaryPods, stable: from.stablePods };
  let peakPods = now.canary + now.stable;
  // Each reconcile moves at least one pod until the target is reached; more rounds than pods means a loop.
  for (let round = 0; round <= 4 * (replicas + fences.surge + 2); round++) {
    const next = reconcileBasic(replicas, desired, fences.surge, fences.unavailable, now);
    if (next.canary === now.canary && next.stable === now.stable) {
      return { canaryPods: now.canary, stablePods: now.stable, peakPods, fallback: split.fallback };
    }
    now = next;
    peakPods = Math.max(peakPods, now.canary + now.stable);
  }
  throw new RangeError(
    `does not settle at weight ${weight} with ${replicas} replicas (surge ${fences.surge}, unavailable ${fences.unavailable})`,
  );
}

/** A `setCanaryScale` in force: a pod count, or a weight the canary is sized for. */
export type CanaryScaleInForce = { readonly replicas: number } | { readonly weight: number };

/** What a traffic-routed canary step needs. */
export interface RoutedStep {
  readonly replicas: number;
  /** The traffic weight in force (the last setWeight). */
  readonly weight: number;
  /** The setCanaryScale in force, if any (matchTrafficWeight ends one). */
  readonly scale?: CanaryScaleInForce;
  readonly dynamicStableScale: boolean;
  /** `minPodsPerReplicaSet`, if set. */
  readonly minPodsPerReplicaSet?: number;
}

/**
 * A traffic-routed canary once its step has settled (Argo's `CalculateReplicaCountsForTrafficRoutedCanary`
 * with the router at the step's weight): the canary gets `ceil(replicas * weight / 100)` pods (the
 * setCanaryScale weight when one is in force, or exactly its replicas); the stable keeps all its pods,
 * or with dynamicStableScale the larger of what the sizing weight and the traffic leave it. A non-zero
 * count is raised to minPodsPerReplicaSet (a setCanaryScale replica count only with dynamicStableScale).
 */
export function routedCanaryPods(step: RoutedStep): PodSplit {
  const { replicas } = step;
  const atLeastMin = (count: number) =>
    count === 0 || step.minPodsPerReplicaSet === undefined ? count : Math.max(count, step.minPodsPerReplicaSet);
  const sizingWeight = step.scale === undefined ? step.weight : 'weight' in step.scale ? step.scale.weight : 0;
  const canary =
    step.scale !== undefined && 'replicas' in step.scale
      ? step.scale.replicas
      : atLeastMin(podsForWeight(replicas, sizingWeight));
  if (!step.dynamicStableScale) return { canaryPods: canary, stablePods: replicas };
  const stable = Math.max(podsForWeight(replicas, 100 - sizingWeight), podsForWeight(replicas, 100 - step.weight));
  return { canaryPods: atLeastMin(canary), stablePods: atLeastMin(stable) };
}

/** Argo's `trafficWeightToReplicas`: a weight's share of the replicas, rounded up. */
function podsForWeight(replicas: number, weight: number): number {
  return Math.ceil((weight * replicas) / 100);
}
