import { Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  CanaryStep,
  Cpu,
  GatewayRef,
  HttpRoute,
  Memory,
  Probe,
  RestartRateAnalysis,
  Rollout,
  RolloutStrategy,
  TrafficRouting,
  VersionedService,
} from '../lib';

/** Props of {@link GatewayCanaryChart}. */
export interface GatewayCanaryProps extends ChartProps {
  /**
   * Prometheus the restart-rate analysis queries.
   * @default 'http://prometheus-operated.monitoring.svc.cluster.local:9090'
   */
  readonly prometheusAddress?: string;
}

/**
 * A canary through the Gateway API: the Rollout `storefront` behind an HTTPRoute on the shared
 * Gateway `public` (namespace `gateway-system`, listener `https`). Argo Rollouts' Gateway API plugin
 * moves the weights of `storefront-stable` and `storefront-canary` in the route at each step, and
 * sends requests with `X-Canary: always` to the canary while the rollout runs.
 */
export class GatewayCanaryChart extends Chart {
  public readonly rollout: Rollout;
  public readonly stableService: VersionedService;
  public readonly canaryService: VersionedService;
  public readonly route: HttpRoute;
  public readonly restartRate: RestartRateAnalysis;

  constructor(scope: Construct, id: string = 'gateway-canary', props: GatewayCanaryProps = {}) {
    super(scope, id, props);
    this.restartRate = new RestartRateAnalysis(this, 'restart-rate', {
      name: 'storefront-restart-rate',
      prometheusAddress: props.prometheusAddress ?? 'http://prometheus-operated.monitoring.svc.cluster.local:9090',
      namespace: 'default',
      container: 'storefront',
      threshold: 2,
    });
    this.rollout = new Rollout(this, 'rollout', {
      app: 'storefront',
      replicas: 5,
      image: 'ghcr.io/example/storefront:2.3.0',
      port: 8080,
      readiness: Probe.http('/healthz', { port: 8080, period: Duration.seconds(5) }),
      liveness: Probe.http('/livez', { port: 8080, initialDelay: Duration.seconds(10), period: Duration.seconds(10) }),
      resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Memory.mebibytes(128) } },
    });
    // Argo points each Service at one set of pods (it adds the pod-template-hash to the selectors).
    this.stableService = new VersionedService(this, 'stable', {
      name: 'storefront-stable',
      serves: this.rollout,
      port: 80,
    });
    this.canaryService = new VersionedService(this, 'canary', {
      name: 'storefront-canary',
      serves: this.rollout,
      port: 80,
    });
    // All traffic to stable until the rollout starts; the plugin moves the weights from there.
    this.route = new HttpRoute(this, 'route', {
      name: 'storefront',
      parents: [GatewayRef.named('public', { namespace: 'gateway-system', sectionName: 'https' })],
      hostnames: ['storefront.example.com'],
      canary: { stable: this.stableService, canary: this.canaryService, port: 80 },
    });
    this.rollout.setStrategy(
      RolloutStrategy.canary({
        stableService: this.stableService,
        canaryService: this.canaryService,
        trafficRouting: TrafficRouting.gatewayApi(this.route),
        steps: [
          CanaryStep.setWeight(10),
          CanaryStep.setHeaderRoute('canary-testers', [{ header: 'X-Canary', value: 'always' }]),
          CanaryStep.pause(Duration.minutes(5)),
          CanaryStep.analysis(this.restartRate),
          CanaryStep.setWeight(50),
          CanaryStep.pause(Duration.minutes(5)),
        ],
      }),
    );
  }
}
