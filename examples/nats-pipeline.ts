import { Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { NatsPipeline, PipelineStage, PodSecurity } from '../lib';

const COURSE_COMMIT = '0bcd6794804c367684a9a79bb142bb4455096974';

/**
 * The second seed's message pipeline: fetcher → NATS → mapper → NATS → saver, the NATS server
 * the course installs with `helm install my-nats nats/nats`, the ServiceMonitor it writes by hand
 * and the Grafana dashboard it imports. Names are the course's, so its kubectl commands work.
 */
export class NatsPipelineChart extends Chart {
  public readonly pipeline: NatsPipeline;
  public readonly fetcher: PipelineStage;
  public readonly mapper: PipelineStage;
  public readonly saver: PipelineStage;

  constructor(scope: Construct, id: string = 'nats-pipeline', props: ChartProps = {}) {
    super(scope, id, props);
    // The course's images run as root; a fixed non-root uid lets them start under the restricted profile.
    const security = PodSecurity.restricted({ runAsUser: 1000 });

    this.pipeline = new NatsPipeline(this, 'pipeline', {
      // The course's labels: `app: fetcher`, and `app: my-nats`, which its ServiceMonitor selects on.
      labelKeys: { app: 'app' },
      stages: [
        // The fetcher keeps the record of unprocessed chunks, so there must be exactly one.
        {
          name: 'fetcher',
          deploymentName: 'fetcher-dep',
          image: `jakousa/dwk-app9-fetcher:${COURSE_COMMIT}`,
          singleInstance: true,
          security,
        },
        {
          name: 'mapper',
          deploymentName: 'mapper-dep',
          image: `jakousa/dwk-app9-mapper:${COURSE_COMMIT}`,
          replicas: 10,
          security,
        },
        {
          name: 'saver',
          deploymentName: 'saver-dep',
          image: `jakousa/dwk-app9-saver:${COURSE_COMMIT}`,
          replicas: 1,
          security,
        },
      ],
      server: { name: 'my-nats' },
      monitoring: {
        name: 'monitoring-nats',
        namespace: 'prometheus',
        // The label the course's Prometheus instance selects ServiceMonitors on.
        prometheusLabels: { release: 'prometheus-operator-1593782473' },
        interval: Duration.seconds(10),
      },
    });
    this.fetcher = this.pipeline.stage('fetcher');
    this.mapper = this.pipeline.stage('mapper');
    this.saver = this.pipeline.stage('saver');
  }
}
