import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { ServiceMonitorSpec } from '../../imports/monitoring.coreos.com';
import type { Wire } from '../rollouts/argo-wire';
import {
  checkDnsLabel,
  checkDnsSubdomain,
  checkLabelKey,
  checkLabelValue,
  invalidProp,
  wholeSeconds,
} from '../core/errors';
import { NatsServer } from './nats-server';
import { checkProps } from '../core/props';

/** How Prometheus finds and scrapes the NATS exporter. */
export interface NatsMonitoringOptions {
  /**
   * Labels the Prometheus instance's `serviceMonitorSelector` matches; without them Prometheus
   * ignores the ServiceMonitor and scrapes nothing. kube-prometheus-stack selects on
   * `release: <its Helm release>`, e.g. `{ release: 'prometheus-operator-1593782473' }`
   * (`kubectl get prometheus -A -o yaml` shows the selector).
   */
  readonly prometheusLabels: Readonly<Record<string, string>>;
  /**
   * metadata.name of the ServiceMonitor.
   * @default `${server name}-monitoring`
   */
  readonly name?: string;
  /**
   * Namespace of the ServiceMonitor, where the Prometheus instance looks for it.
   * @default - the chart's namespace, else `default`
   */
  readonly namespace?: string;
  /**
   * How often Prometheus scrapes the exporter, in whole seconds.
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;
}

/** Props of a {@link NatsMonitoring}. */
export interface NatsMonitoringProps extends NatsMonitoringOptions {
  /** The NATS server to scrape. */
  readonly server: NatsServer;
}

/**
 * A prometheus-operator ServiceMonitor for a {@link NatsServer}: selects its client Service
 * by that Service's own labels, scrapes the `metrics` port at `/metrics`, in the server's namespace.
 */
export class NatsMonitoring extends Construct {
  public readonly name: string;
  /** Namespace of the ServiceMonitor. */
  public readonly namespace: string;
  /** Labels on the ServiceMonitor that the Prometheus instance selects on. */
  public readonly prometheusLabels: Readonly<Record<string, string>>;
  /**
   * The ServiceMonitor manifest (an imported `ServiceMonitor`; typed as ApiObject to keep the generated CRD types out
   * of the API).
   */
  public readonly serviceMonitor: ApiObject;

  constructor(scope: Construct, id: string, props: NatsMonitoringProps) {
    super(scope, id);
    checkProps(this, props, {
      server: 'any!',
      prometheusLabels: 'map!',
      name: 'string',
      namespace: 'string',
      interval: Duration,
    });
    if (!(props.server instanceof NatsServer)) invalidProp(this, 'server', props.server, 'must be a NatsServer');
    const labels = props.prometheusLabels;
    if (Object.keys(labels).length === 0) {
      invalidProp(
        this,
        'prometheusLabels',
        labels,
        'must hold the label(s) the Prometheus instance selects ServiceMonitors on, e.g. { release: "prometheus-operator-1593782473" }; without them Prometheus silently scrapes nothing',
      );
    }
    for (const [key, value] of Object.entries(labels)) {
      checkLabelKey(this, 'prometheusLabels', key);
      checkLabelValue(this, `prometheusLabels.${key}`, value);
    }
    this.prometheusLabels = labels;
    this.name = props.name ?? `${props.server.name}-monitoring`;
    checkDnsSubdomain(this, 'name', this.name);
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? 'default';
    checkDnsLabel(this, 'namespace', this.namespace);
    const seconds = wholeSeconds(this, 'interval', props.interval ?? Duration.seconds(30), 1);

    const server = props.server;
    // The generated class is only a type here: loading its module would cost every synth milliseconds.
    const spec: Wire<ServiceMonitorSpec> = {
      selector: { matchLabels: { ...server.clientServiceLabels } },
      namespaceSelector: { matchNames: [server.namespace] },
      endpoints: [{ port: server.metricsPortName, path: '/metrics', interval: `${seconds}s` }],
    };
    this.serviceMonitor = new ApiObject(this, 'Resource', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: this.name, namespace: this.namespace, labels: { ...labels } },
      spec,
    });
  }
}
