import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Autoscaler,
  CanaryDeployment,
  Cpu,
  HostIngress,
  PodSecurity,
  ScalingMetric,
  StableDeployment,
  VersionedService,
} from '../lib';

/**
 * The first seed: `dummy-api` v1.0 stable and a v2.0 canary behind one Service (traffic splits
 * by pod count), per-track Services, an nginx Ingress for two host names, and an autoscaled
 * stable release. Names are the course's, so its kubectl commands work on this output.
 */
export class DummyApiChart extends Chart {
  public readonly stable: StableDeployment;
  public readonly canary: CanaryDeployment;
  public readonly service: VersionedService;
  public readonly stableService: VersionedService;
  public readonly canaryService: VersionedService;
  public readonly ingress: HostIngress;
  public readonly autoscaler: Autoscaler;

  constructor(scope: Construct, id: string = 'dummy-api', props: ChartProps = {}) {
    super(scope, id, props);

    this.stable = new StableDeployment(this, 'stable', {
      name: 'dummy-api-stable',
      app: 'api-label',
      labelKeys: { app: 'app', track: 'track', version: 'dummy-version' },
      containerName: 'dummy-api',
      image: 'dummy-api:1.0', // promotion: set this to the canary's image, then drop the canary
      imagePullPolicy: 'Never', // the course builds its images into the local cluster
      port: 3894,
      resources: { cpu: { request: Cpu.millis(4), limit: Cpu.millis(5) } },
      // The course's image runs as root; a fixed non-root uid lets it start under the restricted profile.
      security: PodSecurity.restricted({ runAsUser: 1000 }),
    });

    this.canary = new CanaryDeployment(this, 'canary', {
      stable: this.stable,
      name: 'dummy-api-canary',
      image: 'dummy-api:2.0',
      replicas: 1,
    });

    this.service = new VersionedService(this, 'service', {
      name: 'dummy-service',
      serves: [this.stable, this.canary],
      port: 8081,
    });
    this.stableService = new VersionedService(this, 'stable-service', {
      name: 'dummy-stable-service',
      serves: this.stable,
      port: 8081,
    });
    this.canaryService = new VersionedService(this, 'canary-service', {
      name: 'dummy-canary-service',
      serves: this.canary,
      port: 8081,
    });

    this.ingress = new HostIngress(this, 'ingress', {
      name: 'app-ingress',
      className: 'nginx',
      rules: [
        { host: 'tutorial-api.com', service: this.stableService },
        { host: 'canary.tutorial-api.com', service: this.canaryService },
      ],
    });

    this.autoscaler = new Autoscaler(this, 'autoscaler', {
      name: 'dummy-api-stable-autoscaler',
      target: this.stable,
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [ScalingMetric.cpuUtilization(80)],
    });
  }
}
