import { Chart, ChartProps, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  CanaryDeployment,
  Cpu,
  HostIngress,
  IntOrPercent,
  Memory,
  PodSecurity,
  Probe,
  StableDeployment,
  VersionedService,
} from '../lib';

/**
 * A real service as a platform team writes it, cdk8s-plus and the library together: `checkout` 1.4.0 on the
 * stable track and 1.5.0 as a one-pod canary, configured from a ConfigMap and Secrets (no credential in the
 * manifest), running as their own service account with a native log-shipping sidecar, spread across zones,
 * protected by a disruption budget, autoscaled by a cdk8s-plus HorizontalPodAutoscaler, behind one Service for
 * both tracks and a TLS Ingress.
 */
export class CheckoutChart extends Chart {
  public readonly config: kplus.ConfigMap;
  public readonly serviceAccount: kplus.ServiceAccount;
  public readonly stable: StableDeployment;
  public readonly canary: CanaryDeployment;
  public readonly autoscaler: kplus.HorizontalPodAutoscaler;
  public readonly service: VersionedService;
  public readonly ingress: HostIngress;

  constructor(scope: Construct, id: string = 'checkout', props: ChartProps = {}) {
    super(scope, id, props);

    this.config = new kplus.ConfigMap(this, 'config', {
      metadata: { name: 'checkout-config' },
      data: { LOG_LEVEL: 'info', PAYMENT_TIMEOUT_MS: '3000' },
    });
    this.serviceAccount = new kplus.ServiceAccount(this, 'service-account', {
      metadata: { name: 'checkout' },
      automountToken: false,
    });
    // Created outside this chart (by the database operator and cert-manager): only referenced here.
    const database = kplus.Secret.fromSecretName(this, 'database', 'checkout-db');
    const tls = kplus.Secret.fromSecretName(this, 'tls', 'checkout-tls');

    this.stable = new StableDeployment(this, 'stable', {
      app: 'checkout',
      image: 'ghcr.io/example/checkout:1.4.0',
      port: 8080,
      resources: {
        cpu: { request: Cpu.millis(250), limit: Cpu.millis(1000) },
        memory: { request: Memory.mebibytes(256), limit: Memory.mebibytes(512) },
      },
      readiness: Probe.http('/healthz/ready'),
      liveness: Probe.http('/healthz/live', { initialDelay: Duration.seconds(10), failureThreshold: 6 }),
      env: { DATABASE_URL: kplus.EnvValue.fromSecretValue({ secret: database, key: 'url' }) },
      envFrom: [kplus.Env.fromConfigMap(this.config)],
      mounts: [
        { volume: kplus.Volume.fromSecret(this, 'tls-volume', tls, { name: 'tls' }), path: '/etc/checkout/tls' },
      ],
      serviceAccount: this.serviceAccount,
      sidecars: [
        {
          name: 'log-shipper',
          image: 'fluent/fluent-bit:3.1',
          resources: {
            cpu: { request: Cpu.millis(50), limit: Cpu.millis(200) },
            memory: { request: Memory.mebibytes(64), limit: Memory.mebibytes(128) },
          },
        },
      ],
      // fluent-bit's image runs as root: a fixed non-root uid lets every container start under "restricted".
      security: PodSecurity.restricted({ runAsUser: 10001 }),
      topologySpread: [{ topologyKey: 'topology.kubernetes.io/zone' }],
      // With at least 3 pods (the autoscaler's minimum), a drain can always evict one.
      disruptionBudget: { minAvailable: IntOrPercent.count(2) },
    });

    // Inherits the stable's env, mounts, sidecar, service account and spread; not its disruption budget.
    this.canary = new CanaryDeployment(this, 'canary', {
      stable: this.stable,
      image: 'ghcr.io/example/checkout:1.5.0',
      replicas: 1,
    });

    this.autoscaler = new kplus.HorizontalPodAutoscaler(this, 'autoscaler', {
      metadata: { name: 'checkout-stable' },
      target: this.stable,
      minReplicas: 3,
      maxReplicas: 20,
      metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
    });

    this.service = new VersionedService(this, 'service', {
      name: 'checkout',
      serves: [this.stable, this.canary],
      port: 80,
    });
    this.ingress = new HostIngress(this, 'ingress', {
      name: 'checkout',
      className: 'nginx',
      rules: [{ host: 'checkout.example.com', service: this.service, tlsSecret: 'checkout-example-com-tls' }],
    });
  }
}
