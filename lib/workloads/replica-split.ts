/** How a canary percentage became whole pods. */
export interface ReplicaSplit {
  /** Canary pods. */
  readonly canary: number;
  /** Stable pods. */
  readonly stable: number;
  /** The canary's share of all pods, in percent, after rounding to whole pods. */
  readonly effectivePercent: number;
}

/**
 * Splits `totalReplicas` pods between a canary and its stable release so that the canary
 * gets `percent` of them (traffic through one Service splits by pod count).
 *
 * Throws a RangeError when whole pods cannot meet the percentage exactly, unless `round`
 * is true: then the canary gets the nearest whole number of pods, at least one while the
 * percentage is above 0 and at most `totalReplicas - 1` while it is below 100.
 *
 * 25% of 4 is 1 canary + 3 stable; 30% of 4 throws, or is 25% when rounding.
 */
export function splitReplicas(percent: number, totalReplicas: number, round = false): ReplicaSplit {
  return splitPods(percent, totalReplicas, round, 'allow rounding');
}

/**
 * The RangeError {@link splitPods} throws, with the argument at fault as a field.
 * @internal
 */
export class ReplicaSplitError extends RangeError {
  constructor(
    /** The argument at fault. */
    public readonly argument: 'percent' | 'totalReplicas',
    message: string,
  ) {
    super(message);
  }
}

/**
 * {@link splitReplicas}, throwing a {@link ReplicaSplitError}; `roundingAdvice` ends the message
 * of a percentage whole pods cannot meet (a construct names its own rounding prop).
 * @internal
 */
export function splitPods(
  percent: number,
  totalReplicas: number,
  round: boolean,
  roundingAdvice: string,
): ReplicaSplit {
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new ReplicaSplitError('percent', 'must be a percentage from 0 to 100');
  }
  if (!Number.isInteger(totalReplicas) || totalReplicas < 1) {
    throw new ReplicaSplitError('totalReplicas', 'must be a whole number of pods >= 1');
  }
  const exact = (percent * totalReplicas) / 100;
  let canary = Math.round(exact);
  if (Math.abs(canary - exact) > 1e-9) {
    if (!round) {
      const candidates = nearestExact(totalReplicas, percent);
      throw new ReplicaSplitError(
        'percent',
        `cannot be met with whole pods out of ${totalReplicas} (${exact.toFixed(2)} canary pods); ` +
          `use ${candidates} or another pod total, or ${roundingAdvice}`,
      );
    }
    if (percent > 0) canary = Math.max(canary, 1);
    if (percent < 100) canary = Math.min(canary, totalReplicas - 1);
  }
  return { canary, stable: totalReplicas - canary, effectivePercent: percentOf(canary, totalReplicas) };
}

/** `part` of `whole` in percent, to two decimals. */
export function percentOf(part: number, whole: number): number {
  return Math.round((part / whole) * 10000) / 100;
}

function nearestExact(total: number, percent: number): string {
  const below = Math.floor((percent * total) / 100);
  const options = [below, below + 1].filter(n => n >= 0 && n <= total).map(n => `${percentOf(n, total)}%`);
  return options.join(' or ');
}
