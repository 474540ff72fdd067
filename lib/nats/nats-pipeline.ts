import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { checkDnsLabel, invalidProp } from '../core/errors';
import { GRAFANA_DASHBOARD_OPTIONS_SHAPE, GrafanaDashboard, GrafanaDashboardProps } from './grafana-dashboard';
import { LabelKeys } from '../core/labels';
import { NATS_PORTS } from './nats-config';
import { NatsMonitoring, NatsMonitoringOptions } from './nats-monitoring';
import { NATS_SERVER_PROPS_SHAPE, NatsServer, NatsServerProps } from './nats-server';
import {
  checkNatsUrl,
  NatsCredentials,
  PIPELINE_STAGE_OPTIONS_SHAPE,
  PipelineStage,
  PipelineStageOptions,
} from './pipeline-stage';
import { checkProps, PropShape } from '../core/props';
import { LABEL_KEYS_SHAPE } from '../workloads/workload';

/** Monitoring of the pipeline's NATS server: a ServiceMonitor and, unless turned off, a Grafana dashboard. */
export interface NatsPipelineMonitoring extends NatsMonitoringOptions {
  /**
   * The Grafana dashboard ConfigMap, or `false` for none.
   * @default - a dashboard in the ServiceMonitor's namespace, with a `datasource` template variable
   */
  readonly dashboard?: Omit<GrafanaDashboardProps, 'server'> | false;
}

/** Props of a {@link NatsPipeline}. */
export interface NatsPipelineProps {
  /** The stages, in the order messages flow through them, e.g. fetcher, mapper, saver. */
  readonly stages: readonly PipelineStageOptions[];
  /**
   * The pipeline's own NATS server.
   * @default - a NatsServer with its defaults (release name `nats`), unless serverUrl is given
   */
  readonly server?: NatsServerProps;
  /**
   * URL of a NATS server the pipeline does not run (bring your own). It replaces the
   * pipeline's own server, so `server`, `monitoring` and `networkPolicy: true` cannot go with it.
   * @default - the pipeline runs its own server
   */
  readonly serverUrl?: string;
  /**
   * Prometheus scraping (ServiceMonitor) and a Grafana dashboard.
   * @default - no monitoring objects; the exporter still serves `/metrics`
   */
  readonly monitoring?: NatsPipelineMonitoring;
  /**
   * A NetworkPolicy on the NATS pods: only the pipeline's stages reach the client port (4222),
   * only the NATS pods reach each other's route port (6222), and only the Prometheus
   * namespace reaches the exporter (7777), when monitoring is on or prometheusNamespace is set.
   * Everything else (other apps, nats-box, the monitor port 8222) is refused; kubelet probes
   * are not affected.
   * @default true when the pipeline runs its own server
   */
  readonly networkPolicy?: boolean;
  /**
   * Namespace the Prometheus server runs in, which the NetworkPolicy lets reach port 7777.
   * @default - the ServiceMonitor's namespace
   */
  readonly prometheusNamespace?: string;
  /**
   * Label keys for the stages and the server (which uses only the app key).
   * @default - see LabelKeys
   */
  readonly labelKeys?: LabelKeys;
  /**
   * Credentials every stage reads from a Kubernetes Secret to connect to `serverUrl` (a stage's
   * own `credentials` replace them). Only with `serverUrl`: the pipeline's own server has no users.
   * @default - no credentials
   */
  readonly credentials?: NatsCredentials;
}

/** The runtime shape of {@link NatsPipelineProps}, for `checkProps`; stages are checked one by one. */
const NATS_PIPELINE_PROPS_SHAPE: PropShape = {
  stages: 'array!',
  server: NATS_SERVER_PROPS_SHAPE,
  serverUrl: 'string',
  monitoring: {
    prometheusLabels: 'map!',
    name: 'string',
    namespace: 'string',
    interval: Duration,
    dashboard: 'object|boolean',
  },
  networkPolicy: 'boolean',
  prometheusNamespace: 'string',
  labelKeys: LABEL_KEYS_SHAPE,
  credentials: NatsCredentials,
};

/**
 * Stages that pass messages through NATS (e.g. fetcher → mapper → saver), with the
 * NATS server they share, its monitoring and a NetworkPolicy around it.
 */
export class NatsPipeline extends Construct {
  /** The stages, in order. */
  public readonly stages: readonly PipelineStage[];
  /** The pipeline's own NATS server; undefined with serverUrl. */
  public readonly server?: NatsServer;
  /** URL every stage gets in its environment. */
  public readonly natsUrl: string;
  /** The ServiceMonitor, when monitoring is on. */
  public readonly monitoring?: NatsMonitoring;
  /** The Grafana dashboard, when monitoring is on and the dashboard is not turned off. */
  public readonly dashboard?: GrafanaDashboard;
  /** The NetworkPolicy around the NATS pods, when on. */
  public readonly networkPolicy?: ApiObject;

  constructor(scope: Construct, id: string, props: NatsPipelineProps) {
    super(scope, id);
    checkProps(this, props, NATS_PIPELINE_PROPS_SHAPE);
    this.checkStageOptions(props);
    const { server: ownServer, natsUrl } = this.connect(props);
    this.server = ownServer;
    this.natsUrl = natsUrl;

    this.stages = props.stages.map(
      options =>
        new PipelineStage(this, options.name, {
          labelKeys: props.labelKeys,
          credentials: props.credentials,
          ...options,
          natsUrl: this.natsUrl,
        }),
    );
    if (this.server) this.refuseStagesTheServerSelects(this.server);

    const server = this.server;
    if (server && props.monitoring) {
      const { dashboard, ...monitoring } = props.monitoring;
      this.monitoring = new NatsMonitoring(this, 'Monitoring', { ...monitoring, server });
      if (dashboard !== false) {
        this.dashboard = new GrafanaDashboard(this, 'Dashboard', {
          namespace: this.monitoring.namespace,
          ...dashboard,
          server,
        });
      }
    }
    if (server && props.networkPolicy !== false) {
      this.networkPolicy = this.renderNetworkPolicy(server, props.prometheusNamespace ?? this.monitoring?.namespace);
    }
  }
  /** Each stage's options, the dashboard option and the stage names, before anything is built from them. */
  private checkStageOptions(props: NatsPipelineProps): void {
    if (props.stages.length === 0) invalidProp(this, 'stages', props.stages, 'must list at least one stage');
    props.stages.forEach((s, i) => checkProps(this, s, PIPELINE_STAGE_OPTIONS_SHAPE, `stages[${i}].`));
    const dashboardOptions = props.monitoring?.dashboard;
    if ((dashboardOptions as unknown) === true) {
      invalidProp(
        this,
        'monitoring.dashboard',
        true,
        'must be false (no dashboard) or an object of dashboard options ({} for the defaults)',
      );
    }
    if (dashboardOptions) checkProps(this, dashboardOptions, GRAFANA_DASHBOARD_OPTIONS_SHAPE, 'monitoring.dashboard.');
    // Stage names are DNS labels, so they never clash with the upper-case ids of the other children.
    props.stages.forEach((s, i) => {
      checkDnsLabel(this, `stages[${i}].name`, s.name);
      // Stages are children named after themselves, and the constructs library cannot hold a child called
      // `constructor`.
      if (s.name === 'constructor')
        invalidProp(
          this,
          `stages[${i}].name`,
          s.name,
          'is a reserved JavaScript name and cannot name a stage: choose another name',
        );
    });
    checkUnique(this, props.stages, s => s.name, 'name');
    checkUnique(this, props.stages, s => s.deploymentName ?? s.name, 'deploymentName');
  }

  /**
   * The NATS server the stages connect to: the one named by `serverUrl`, or a server of the pipeline's own.
   * Options that shape or watch an own server are refused with `serverUrl`, credentials without it.
   */
  private connect(props: NatsPipelineProps): { server?: NatsServer; natsUrl: string } {
    if (props.serverUrl !== undefined) {
      checkNatsUrl(this, 'serverUrl', props.serverUrl);
      const needOwnServer = [
        ...Object.entries(props.server ?? {})
          .filter(([, v]) => v !== undefined)
          .map(([k]) => `server.${k}`),
        ...(props.monitoring !== undefined ? ['monitoring'] : []),
        ...(props.networkPolicy === true ? ['networkPolicy'] : []),
        ...(props.prometheusNamespace !== undefined ? ['prometheusNamespace'] : []),
      ];
      if (needOwnServer.length > 0) {
        invalidProp(
          this,
          'serverUrl',
          props.serverUrl,
          `cannot be combined with ${needOwnServer.join(', ')}: they shape or watch the pipeline's own NATS server, which serverUrl replaces; drop them or drop serverUrl`,
        );
      }
      props.credentials?._render(this, 'credentials');
      return { natsUrl: props.serverUrl };
    } else {
      // The server renders here has no users: credentials would go to a server that ignores them.
      const withCredentials = [
        ...(props.credentials !== undefined ? ['credentials'] : []),
        ...props.stages.flatMap((s, i) => (s.credentials !== undefined ? [`stages[${i}].credentials`] : [])),
      ];
      if (withCredentials.length > 0) {
        invalidProp(
          this,
          withCredentials[0],
          props.credentials ?? props.stages.find(s => s.credentials)!.credentials,
          "needs serverUrl: the pipeline's own NATS server has no users (the NetworkPolicy guards it), so credentials only go with a server you bring",
        );
      }
      const server = new NatsServer(this, 'Server', { labelKeys: props.labelKeys, ...props.server });
      return { server, natsUrl: server.url };
    }
  }

  /** The stage named `name`; throws when there is none. */
  public stage(name: string): PipelineStage {
    const found = this.stages.find(s => s.app === name);
    if (!found)
      invalidProp(
        this,
        'stage',
        name,
        `must be one of the pipeline's stages: ${this.stages.map(s => s.app).join(', ')}`,
      );
    return found;
  }

  /**
   * A stage whose pods carry every label the server selects on (a stage named like the server,
   * under the same app key) would be taken for a NATS server by its StatefulSet, Services, budget
   * and NetworkPolicy.
   */
  private refuseStagesTheServerSelects(server: NatsServer): void {
    this.stages.forEach((stage, i) => {
      if (!Object.entries(server.podLabels).every(([k, v]) => stage.podLabels[k] === v)) return;
      const [[serverKey, serverValue]] = Object.entries(server.podLabels);
      const byName = stage.labelKeys.app === serverKey;
      invalidProp(
        this,
        byName ? `stages[${i}].name` : 'server.name',
        byName ? stage.app : server.name,
        `must differ from ${byName ? "the NATS server's name" : `the ${serverKey} label of stages[${i}]'s pods`}: the server's StatefulSet, Services, PodDisruptionBudget and NetworkPolicy select pods labelled ${serverKey}=${serverValue}, and would take the stage's pods for NATS servers`,
      );
    });
  }

  private renderNetworkPolicy(server: NatsServer, prometheusNamespace: string | undefined): ApiObject {
    if (prometheusNamespace !== undefined) checkDnsLabel(this, 'prometheusNamespace', prometheusNamespace);
    const tcp = (port: number) => ({ protocol: 'TCP', port });
    const ingress: Record<string, unknown>[] = [
      {
        from: this.stages.map(s => ({ podSelector: { matchLabels: s.selectorLabels } })),
        ports: [tcp(NATS_PORTS.client)],
      },
      { from: [{ podSelector: { matchLabels: server.podLabels } }], ports: [tcp(NATS_PORTS.cluster)] },
    ];
    if (prometheusNamespace !== undefined) {
      ingress.push({
        // Kubernetes (1.22+) labels every namespace with its own name.
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': prometheusNamespace } } }],
        ports: [tcp(NATS_PORTS.metrics)],
      });
    }
    return new ApiObject(this, 'NetworkPolicy', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: server.name, labels: server.podLabels },
      spec: {
        podSelector: { matchLabels: server.podLabels },
        policyTypes: ['Ingress'],
        ingress,
      },
    });
  }
}

function checkUnique<T>(scope: Construct, items: readonly T[], key: (item: T) => string, prop: string): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const value = key(item);
    const first = seen.get(value);
    if (first !== undefined) {
      invalidProp(scope, `stages[${i}].${prop}`, value, `must be unique: stages[${first}] already uses it`);
    }
    seen.set(value, i);
  });
}
