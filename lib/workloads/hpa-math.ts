/** Inputs of the HorizontalPodAutoscaler's replica rule. */
export interface DesiredReplicasInput {
  /** Pods now. */
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
   * Ratio change the controller ignores, to avoid flapping.
   * @default 0.1 (the kube-controller-manager default, --horizontal-pod-autoscaler-tolerance)
   */
  readonly tolerance?: number;
}

/**
 * The replica count the HorizontalPodAutoscaler controller asks for:
 * `desiredReplicas = ceil(currentReplicas * currentMetric / targetMetric)`,
 * unchanged while the ratio is within the tolerance of 1, then clamped to min..max.
 *
 * For example, 3 pods at 160% CPU for an 80% target gives 6.
 */
export function desiredReplicas(input: DesiredReplicasInput): number {
  const { currentReplicas, currentMetric, targetMetric } = input;
  const tolerance = input.tolerance ?? 0.1;
  const min = input.minReplicas ?? 1;
  const max = input.maxReplicas ?? Number.POSITIVE_INFINITY;
  if (!(targetMetric > 0)) throw new RangeError('targetMetric must be above 0');
  if (!Number.isInteger(currentReplicas) || currentReplicas < 0)
    throw new RangeError('currentReplicas must be a whole number >= 0');
  if (min > max) throw new RangeError('minReplicas must not exceed maxReplicas');
  const ratio = currentMetric / targetMetric;
  const desired = Math.abs(ratio - 1) <= tolerance ? currentReplicas : Math.ceil(currentReplicas * ratio);
  return Math.min(max, Math.max(min, desired));
}
