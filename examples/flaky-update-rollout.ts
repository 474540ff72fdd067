import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { CanaryStep, RestartRateAnalysis, Rollout, RolloutStrategy } from '../lib';
import { FlakyUpdateProps, flakyUpdateContainer, flakyUpdateTag } from './flaky-update';

/** Props of {@link FlakyUpdateRolloutChart}. */
export interface FlakyUpdateRolloutProps extends FlakyUpdateProps {
  /**
   * Prometheus the analysis queries; find yours with `kubectl -n prometheus get svc`.
   * @default 'http://kube-prometheus-stack-1602-prometheus.prometheus.svc.cluster.local:9090' (the course's)
   */
  readonly prometheusAddress?: string;
}

/**
 * The same workload as an Argo Rollouts canary: half the pods move to the new version, then
 * the restart-rate analysis checks Prometheus and aborts the rollout when the version's
 * containers restart twice or more in 2 minutes. It replaces the Deployment of
 * FlakyUpdateChart (same name): apply one or the other.
 */
export class FlakyUpdateRolloutChart extends Chart {
  public readonly restartRate: RestartRateAnalysis;
  public readonly rollout: Rollout;

  constructor(scope: Construct, id: string = 'flaky-update-rollout', props: FlakyUpdateRolloutProps = {}) {
    super(scope, id, props);
    this.restartRate = new RestartRateAnalysis(this, 'restart-rate', {
      name: 'restart-rate',
      prometheusAddress:
        props.prometheusAddress ?? 'http://kube-prometheus-stack-1602-prometheus.prometheus.svc.cluster.local:9090',
      namespace: 'default',
      container: 'flaky-update',
      threshold: 2,
    });
    this.rollout = new Rollout(this, 'rollout', {
      name: 'flaky-update-dep',
      app: 'flaky-update',
      labelKeys: { app: 'app' },
      replicas: 4,
      ...flakyUpdateContainer(flakyUpdateTag(props)),
      strategy: RolloutStrategy.canary({
        steps: [CanaryStep.setWeight(50), CanaryStep.analysis(this.restartRate)],
      }),
    });
  }
}
