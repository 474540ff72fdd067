import { IConstruct } from 'constructs';
import { INT32_MAX, invalidProp, isWholeNumber } from './errors';
import { checkProps, isPlainObject, PropShape } from './props';

/** A pod count or a percentage of the desired replicas, as Kubernetes' int-or-string fields take. */
export class IntOrPercent {
  /** A number of pods. */
  public static count(pods: number): IntOrPercent {
    return new IntOrPercent(pods, false);
  }
  /** A percentage of the desired replicas, 0..100. */
  public static percent(percent: number): IntOrPercent {
    return new IntOrPercent(percent, true);
  }
  private constructor(
    public readonly amount: number,
    public readonly isPercent: boolean,
  ) {}

  public get isZero(): boolean {
    return this.amount === 0;
  }

  /** @internal */
  public _render(scope: IConstruct, prop: string): number | string {
    const max = this.isPercent ? 100 : INT32_MAX;
    const amount: unknown = this.amount;
    if (!isWholeNumber(amount, 0, max)) {
      invalidProp(
        scope,
        prop,
        this.isPercent && typeof amount === 'number' ? `${amount}%` : amount,
        this.isPercent
          ? 'must be a whole percentage from 0 to 100'
          : `must be a whole number of pods from 0 to ${INT32_MAX}`,
      );
    }
    return this.isPercent ? `${amount}%` : amount;
  }
}

/** Options of a rolling update. */
export interface RollingUpdateOptions {
  /**
   * Pods that may exist above the desired count during the update.
   * @default IntOrPercent.percent(25)
   */
  readonly maxSurge?: IntOrPercent;
  /**
   * Pods that may be unavailable during the update.
   * @default IntOrPercent.percent(25)
   */
  readonly maxUnavailable?: IntOrPercent;
}

const ROLLING_UPDATE_SHAPE: PropShape = { maxSurge: IntOrPercent, maxUnavailable: IntOrPercent };

/** How a Deployment replaces its pods on a change. */
export class UpdateStrategy {
  /** Replace pods a few at a time, keeping the app available. Kubernetes' default. */
  public static rollingUpdate(options: RollingUpdateOptions = {}): UpdateStrategy {
    // Kept as given: the workload checks it (JavaScript callers may pass anything) and reports it with its prop.
    const o: RollingUpdateOptions = isPlainObject(options) ? options : {};
    return new UpdateStrategy(
      'RollingUpdate',
      o.maxSurge ?? IntOrPercent.percent(25),
      o.maxUnavailable ?? IntOrPercent.percent(25),
      options,
    );
  }
  /** Stop every old pod before starting new ones: a moment of downtime, but never two versions at once. */
  public static recreate(): UpdateStrategy {
    return new UpdateStrategy('Recreate');
  }

  private constructor(
    public readonly type: 'RollingUpdate' | 'Recreate',
    public readonly maxSurge?: IntOrPercent,
    public readonly maxUnavailable?: IntOrPercent,
    private readonly options?: unknown,
  ) {}

  /** @internal */
  public _render(scope: IConstruct, prop: string): Record<string, unknown> {
    if (this.type === 'Recreate') return { type: 'Recreate' };
    checkProps(scope, this.options, ROLLING_UPDATE_SHAPE, `${prop}.`);
    const maxSurge = this.maxSurge!._render(scope, `${prop}.maxSurge`);
    const maxUnavailable = this.maxUnavailable!._render(scope, `${prop}.maxUnavailable`);
    if (this.maxSurge!.isZero && this.maxUnavailable!.isZero) {
      invalidProp(
        scope,
        `${prop}.maxUnavailable`,
        maxUnavailable,
        'must be above 0 when maxSurge is 0, or the update can never make progress',
      );
    }
    return { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } };
  }
}
