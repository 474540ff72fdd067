import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { checkDnsLabel, checkDnsSubdomain, invalidProp } from '../core/errors';
import { NatsServer } from './nats-server';
import { checkProps, PropShape } from '../core/props';

/** Props of a {@link GrafanaDashboard}. */
export interface GrafanaDashboardProps {
  /** The NATS server whose exporter metrics the dashboard shows. */
  readonly server: NatsServer;
  /**
   * metadata.name of the ConfigMap; the dashboard file in it is `<name>.json`.
   * @default `${server name}-dashboard`
   */
  readonly name?: string;
  /**
   * Namespace of the ConfigMap. kube-prometheus-stack's Grafana sidecar only watches its own
   * namespace unless told otherwise, so this is usually the monitoring namespace.
   * @default - the chart's namespace, else `default`
   */
  readonly namespace?: string;
  /**
   * Dashboard title: 1 to 189 characters (Grafana's column), no control characters.
   * @default `NATS ${server name}`
   */
  readonly title?: string;
  /**
   * Dashboard uid, which keeps its URL stable: at most 40 letters, digits, "-" and "_".
   * @default - the ConfigMap name
   */
  readonly uid?: string;
  /**
   * Uid of the Prometheus data source every panel queries. File-provisioned dashboards do
   * not resolve import placeholders such as `${DS_PROMETHEUS}`.
   * @default - a `datasource` template variable listing the Prometheus data sources
   */
  readonly datasourceUid?: string;
}

/** The runtime shape of {@link GrafanaDashboardProps} without `server`, for `checkProps`.
 * @internal
 */
export const GRAFANA_DASHBOARD_OPTIONS_SHAPE: PropShape = {
  name: 'string',
  namespace: 'string',
  title: 'string',
  uid: 'string',
  datasourceUid: 'string',
};

/** Grafana keeps a dashboard's title in a column of 189 characters. */
const TITLE_MAX = 189;
const UID = /^[A-Za-z0-9_-]{1,40}$/;

/** One query of a dashboard panel. */
export interface DashboardQuery {
  readonly expr: string;
  readonly legend: string;
}

/** One panel of the dashboard, before it is laid out. */
export interface DashboardPanel {
  readonly title: string;
  /** Grafana unit of the y axis. */
  readonly unit: string;
  readonly queries: readonly DashboardQuery[];
}

/**
 * The panels of the NATS dashboard, from the exporter's `nats_varz_*` metrics; `selector` is a
 * PromQL label matcher list such as `namespace="default",service="my-nats"`. Counters are shown
 * as per-second rates over Grafana's `$__rate_interval`.
 */
export function natsDashboardPanels(selector: string): DashboardPanel[] {
  const m = (metric: string) => `${metric}{${selector}}`;
  const rate = (metric: string) => `rate(${m(metric)}[$__rate_interval])`;
  return [
    { title: 'CPU', unit: 'percent', queries: [{ expr: m('nats_varz_cpu'), legend: '{{pod}}' }] },
    { title: 'Memory', unit: 'bytes', queries: [{ expr: m('nats_varz_mem'), legend: '{{pod}}' }] },
    {
      title: 'Bytes in/out',
      unit: 'Bps',
      queries: [
        { expr: rate('nats_varz_in_bytes'), legend: 'in {{pod}}' },
        { expr: rate('nats_varz_out_bytes'), legend: 'out {{pod}}' },
      ],
    },
    {
      title: 'Messages in/out',
      unit: 'short',
      queries: [
        { expr: rate('nats_varz_in_msgs'), legend: 'in {{pod}}' },
        { expr: rate('nats_varz_out_msgs'), legend: 'out {{pod}}' },
      ],
    },
    { title: 'Connections', unit: 'short', queries: [{ expr: m('nats_varz_connections'), legend: '{{pod}}' }] },
    { title: 'Subscriptions', unit: 'short', queries: [{ expr: m('nats_varz_subscriptions'), legend: '{{pod}}' }] },
    // A slow consumer is one the server dropped messages for: any increase deserves a look.
    {
      title: 'Slow consumers',
      unit: 'short',
      queries: [{ expr: `increase(${m('nats_varz_slow_consumers')}[$__rate_interval])`, legend: '{{pod}}' }],
    },
  ];
}

/**
 * A Grafana dashboard for a {@link NatsServer}, generated in code, in a ConfigMap labelled
 * `grafana_dashboard: "1"` so kube-prometheus-stack's Grafana sidecar loads it.
 */
export class GrafanaDashboard extends Construct {
  /** metadata.name of the ConfigMap. */
  public readonly name: string;
  /** Name of the dashboard file in the ConfigMap: `<name>.json`. */
  public readonly fileName: string;
  /** The dashboard model written to the ConfigMap. */
  public readonly dashboard: Record<string, unknown>;
  /** The ConfigMap manifest. */
  public readonly configMap: ApiObject;

  constructor(scope: Construct, id: string, props: GrafanaDashboardProps) {
    super(scope, id);
    checkProps(this, props, { ...GRAFANA_DASHBOARD_OPTIONS_SHAPE, server: 'any!' });
    const server = props.server;
    if (!(server instanceof NatsServer)) invalidProp(this, 'server', server, 'must be a NatsServer');
    this.name = props.name ?? `${server.name}-dashboard`;
    checkDnsSubdomain(this, 'name', this.name);
    if (this.name.length > 248) {
      // The ConfigMap's key is `<name>.json`, and a ConfigMap key holds at most 253 characters.
      invalidProp(
        this,
        'name',
        this.name,
        'must be at most 248 characters: the ConfigMap key <name>.json must fit 253',
      );
    }
    const { namespace, uid, title } = this.checkIdentity(props, server);
    this.dashboard = dashboardModel(server, uid, title, props.datasourceUid);
    this.fileName = `${this.name}.json`;
    this.configMap = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: this.name, namespace, labels: { grafana_dashboard: '1' } },
      data: { [this.fileName]: JSON.stringify(this.dashboard, undefined, 2) },
    });
  }

  /** The ConfigMap's namespace and the dashboard's uid and title, checked against Grafana's limits. */
  private checkIdentity(props: GrafanaDashboardProps, server: NatsServer) {
    const namespace = props.namespace ?? Chart.of(this).namespace ?? 'default';
    checkDnsLabel(this, 'namespace', namespace);
    if (props.uid === undefined && !UID.test(this.name)) {
      // The uid defaults to the name; a name Grafana cannot take as a uid needs an explicit one.
      invalidProp(
        this,
        'name',
        this.name,
        'must be at most 40 letters, digits, "-" and "_" to serve as the dashboard uid, or give uid as well',
      );
    }
    const uid = props.uid ?? this.name;
    if (!UID.test(uid)) {
      invalidProp(this, 'uid', uid, 'must be 1 to 40 letters, digits, "-" and "_" (Grafana\'s limit)');
    }
    if (props.datasourceUid !== undefined && !/^[A-Za-z0-9._-]{1,40}$/.test(props.datasourceUid)) {
      invalidProp(
        this,
        'datasourceUid',
        props.datasourceUid,
        'must be a Grafana data source uid: 1 to 40 letters, digits, ".", "-" and "_"',
      );
    }
    const title = props.title ?? `NATS ${server.name}`;
    // eslint-disable-next-line no-control-regex
    if (title.trim() === '' || title.length > TITLE_MAX || /[\u0000-\u001f\u007f]/.test(title)) {
      invalidProp(
        this,
        'title',
        title,
        `must be 1 to ${TITLE_MAX} characters (Grafana's limit), not blank, without control characters`,
      );
    }
    return { namespace, uid, title };
  }
}

/** The dashboard JSON: one time-series panel per query group, for the server's Service and namespace. */
function dashboardModel(server: NatsServer, uid: string, title: string, datasourceUid: string | undefined) {
  const datasource = { type: 'prometheus', uid: datasourceUid ?? '${datasource}' };
  // prometheus-operator labels every target with its namespace and Service.
  const selector = `namespace=${JSON.stringify(server.namespace)},service=${JSON.stringify(server.name)}`;

  const panels = natsDashboardPanels(selector).map((panel, i) => ({
    id: i + 1,
    type: 'timeseries',
    title: panel.title,
    datasource,
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
    options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } },
    targets: panel.queries.map((q, j) => ({
      refId: String.fromCharCode(65 + j),
      datasource,
      expr: q.expr,
      legendFormat: q.legend,
    })),
  }));

  return {
    uid,
    title,
    tags: ['nats'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    editable: true,
    time: { from: 'now-1h', to: 'now' },
    refresh: '30s',
    annotations: { list: [] },
    templating: {
      list:
        datasourceUid !== undefined
          ? []
          : [
              {
                name: 'datasource',
                label: 'Data source',
                type: 'datasource',
                query: 'prometheus',
                hide: 0,
                refresh: 1,
                current: {},
                options: [],
              },
            ],
    },
    panels,
  };
}
