import { Duration } from 'cdk8s';
import { AnalysisUse, ArgDeclarations, ArgsParam, IAnalysisTemplate } from './analysis-template';

/** How many pods the canary runs during a `setCanaryScale` step (exactly one of the three). */
export type CanaryScale =
  | { readonly replicas: number; readonly weight?: never; readonly matchTrafficWeight?: never }
  | { readonly weight: number; readonly replicas?: never; readonly matchTrafficWeight?: never }
  | { readonly matchTrafficWeight: true; readonly replicas?: never; readonly weight?: never };

/** A request header match of a managed header route. */
export interface HeaderMatch {
  /** Header name. */
  readonly header: string;
  /** Exact value to match. */
  readonly value: string;
}

/** The single action of one canary step. */
export type CanaryAction =
  | { readonly kind: 'setWeight'; readonly weight: number }
  | { readonly kind: 'pause'; readonly duration?: Duration }
  | { readonly kind: 'analysis'; readonly uses: readonly AnalysisUse[] }
  | { readonly kind: 'setCanaryScale'; readonly scale: CanaryScale }
  | { readonly kind: 'setHeaderRoute'; readonly route: string; readonly match: readonly HeaderMatch[] }
  | { readonly kind: 'setMirrorRoute'; readonly route: string; readonly percent: number };

/**
 * One step of a canary rollout. Each factory makes a step with exactly one action, so the
 * "zero or several actions" mistake cannot be written.
 */
export class CanaryStep {
  /** Send `percent` of traffic (or, without traffic routing, of the pods) to the canary. */
  public static setWeight(percent: number): CanaryStep {
    return new CanaryStep({ kind: 'setWeight', weight: percent });
  }
  /** Wait for `duration`, or without one until someone runs `kubectl argo rollouts promote`. */
  public static pause(duration?: Duration): CanaryStep {
    return new CanaryStep({ kind: 'pause', duration });
  }
  /**
   * Run an analysis template and wait for its result; a failure aborts the rollout. Arguments
   * without a default are required by the compiler.
   */
  public static analysis<A extends ArgDeclarations>(template: IAnalysisTemplate<A>, ...args: ArgsParam<A>): CanaryStep {
    return new CanaryStep({ kind: 'analysis', uses: [AnalysisUse.of(template, ...args)] });
  }
  /** Run several templates as one analysis (one AnalysisRun); make each use with `AnalysisUse.of`. */
  public static analysisOf(uses: readonly AnalysisUse[]): CanaryStep {
    return new CanaryStep({ kind: 'analysis', uses });
  }
  /** Scale the canary independently of its traffic weight. Needs traffic routing. */
  public static setCanaryScale(scale: CanaryScale): CanaryStep {
    return new CanaryStep({ kind: 'setCanaryScale', scale });
  }
  /**
   * Route requests that match headers to the canary, until the rollout ends. Needs a router with
   * managed routes: with `TrafficRouting.gatewayApi` the route is declared in `managedRoutes` and the
   * routes get `useHeaderRoutes`; ingress-nginx has none, so it is refused there.
   */
  public static setHeaderRoute(route: string, match: readonly HeaderMatch[]): CanaryStep {
    return new CanaryStep({ kind: 'setHeaderRoute', route, match });
  }
  /**
   * Mirror `percent` of every request to the canary (responses from the canary are dropped). Needs
   * `TrafficRouting.gatewayApi` with an HttpRoute; refused with ingress-nginx.
   */
  public static setMirrorRoute(route: string, percent: number): CanaryStep {
    return new CanaryStep({ kind: 'setMirrorRoute', route, percent });
  }

  private constructor(public readonly action: CanaryAction) {}
}
