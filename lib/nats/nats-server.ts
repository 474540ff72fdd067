import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { checkDns1035Label, checkDnsSubdomain, checkInt, invalidProp, wholeSeconds } from '../core/errors';
import { LabelKeys, resolveLabelKeys } from '../core/labels';
import { checkNatsBytes, NATS_MAX_CLUSTER_SIZE, NATS_PORTS, natsConfig, renderNatsConfig } from './nats-config';
import { PodSecurity } from '../core/pod-security';
import { Probe } from '../core/probe';
import { checkProps, PropShape } from '../core/props';
import { ContainerResources, Memory, renderResources } from '../core/quantity';
import {
  checkImage,
  CONTAINER_OPTIONS_SHAPE,
  LABEL_KEYS_SHAPE,
  renderPodTemplate,
  RenderedPodTemplate,
  WORKLOAD_OPTIONS_SHAPE,
  WorkloadOptions,
} from '../workloads/workload';
import { checkAnnotations, checkLabels, PodOptions, POD_OPTIONS_SHAPE } from '../workloads/pod-spec';

/** JetStream persistence: a file store on a volume claimed per server. */
export interface JetStreamOptions {
  /**
   * Size of each server's volume claim; also the file store's limit.
   * @default Memory.gibibytes(10)
   */
  readonly storage?: Memory;
  /**
   * Storage class of the volume claims.
   * @default - the cluster's default storage class
   */
  readonly storageClass?: string;
  /**
   * Memory the server may use for memory-backed streams.
   * @default - nats-server's default (75% of the memory it sees)
   */
  readonly maxMemoryStore?: Memory;
}

/** The pod options a {@link NatsServer} takes: who it runs as, where it is scheduled, its pod labels. */
export type NatsServerPodOptions = Pick<
  PodOptions,
  | 'serviceAccount'
  | 'imagePullSecrets'
  | 'nodeSelector'
  | 'tolerations'
  | 'affinity'
  | 'priorityClassName'
  | 'podMetadata'
>;

/**
 * Props of a {@link NatsServer}. Of the pod options, it takes those about identity and scheduling
 * ({@link NatsServerPodOptions}); its shutdown, spread across nodes and disruption budget are its own.
 */
export interface NatsServerProps extends NatsServerPodOptions, Pick<WorkloadOptions, 'labels' | 'annotations'> {
  /**
   * Release name: the client Service, the StatefulSet and the identity label carry it;
   * clients connect to `nats://<name>:4222`.
   * @default 'nats'
   */
  readonly name?: string;
  /**
   * Servers in the cluster, at most 64. With JetStream it
   * must be odd (see the guide).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * NATS server image. It must have `nats-server` on its PATH (the `-alpine` variants do).
   * @default NatsServer.DEFAULT_IMAGE
   */
  readonly image?: string;
  /**
   * Prometheus exporter image, run as a sidecar serving `/metrics` on port 7777.
   * @default NatsServer.DEFAULT_EXPORTER_IMAGE
   */
  readonly exporterImage?: string;
  /**
   * JetStream persistence; when set, each server gets a volume claim mounted at `/data`.
   * @default - JetStream off (core NATS: at-most-once delivery)
   */
  readonly jetstream?: JetStreamOptions;
  /**
   * CPU and memory of the NATS container.
   * @default - none
   */
  readonly resources?: ContainerResources;
  /**
   * CPU and memory of the exporter container.
   * @default - none
   */
  readonly exporterResources?: ContainerResources;
  /**
   * Security context of both containers. The nats image's own user is root, so the default
   * sets a non-root uid; `fsGroup` makes the JetStream volume writable for it.
   * @default PodSecurity.restricted({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 })
   */
  readonly security?: PodSecurity;
  /**
   * How long lame-duck mode spreads client disconnects over on shutdown: whole seconds, at
   * least 30 (nats-server refuses a shorter `lame_duck_duration`).
   * @default Duration.seconds(30)
   */
  readonly lameDuckDuration?: Duration;
  /**
   * How long Kubernetes waits for a stopping pod before killing it. Must exceed the lame-duck
   * duration plus its 10 s grace period, or servers are killed mid-way.
   * @default Duration.seconds(60)
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * Label keys; only the app key is used: its value is the release name. A ServiceMonitor
   * written for the NATS Helm chart selects `app: my-nats`, i.e. `{ app: 'app' }`.
   * @default - see LabelKeys
   */
  readonly labelKeys?: LabelKeys;
}

const NATS_POD_OPTIONS = [
  'serviceAccount',
  'imagePullSecrets',
  'nodeSelector',
  'tolerations',
  'affinity',
  'priorityClassName',
  'podMetadata',
] as const satisfies ReadonlyArray<keyof NatsServerPodOptions>;

/** The runtime shape of {@link NatsServerProps}, for `checkProps` (JavaScript callers, casts, typos).
 * @internal
 */
export const NATS_SERVER_PROPS_SHAPE: PropShape = {
  name: 'string',
  replicas: 'number',
  image: 'string',
  exporterImage: 'string',
  jetstream: { storage: Memory, storageClass: 'string', maxMemoryStore: Memory },
  resources: CONTAINER_OPTIONS_SHAPE.resources,
  exporterResources: CONTAINER_OPTIONS_SHAPE.resources,
  security: PodSecurity,
  lameDuckDuration: Duration,
  terminationGracePeriod: Duration,
  labelKeys: LABEL_KEYS_SHAPE,
  labels: WORKLOAD_OPTIONS_SHAPE.labels,
  annotations: WORKLOAD_OPTIONS_SHAPE.annotations,
  ...Object.fromEntries(NATS_POD_OPTIONS.map(k => [k, POD_OPTIONS_SHAPE[k]])),
};

const LAME_DUCK_GRACE_SECONDS = 10;
/** nats-server refuses a `lame_duck_duration` below 30 s. */
const LAME_DUCK_MIN_SECONDS = 30;
const CONFIG_DIR = '/etc/nats-config';
const PID_DIR = '/var/run/nats';
const STORE_DIR = '/data';
const COMPONENT_KEY = 'app.kubernetes.io/component';

/**
 * A NATS server (or cluster) as a StatefulSet, rendered by the library instead of the Helm chart:
 * client and headless Services, nats.conf in a ConfigMap, probes on the monitor port, a
 * PodDisruptionBudget, lame-duck shutdown and a Prometheus exporter sidecar on port `metrics`.
 */
export class NatsServer extends Construct {
  /** The server image used when `image` is not given. */
  public static readonly DEFAULT_IMAGE = 'nats:2.12.8-alpine';
  /** The exporter image used when `exporterImage` is not given. */
  public static readonly DEFAULT_EXPORTER_IMAGE = 'natsio/prometheus-nats-exporter:0.17.3';

  /** Release name; also the client Service's and the StatefulSet's name. */
  public readonly name: string;
  /** Namespace of the server: the chart's, else `default`. */
  public readonly namespace: string;
  /** Servers in the cluster. */
  public readonly replicas: number;
  /** URL clients connect to: `nats://<name>:4222`. */
  public readonly url: string;
  /** True when JetStream is on. */
  public readonly jetstream: boolean;
  /** Labels on every server pod; the Services, the StatefulSet and the budget select on them. */
  public readonly podLabels: Readonly<Record<string, string>>;
  /** Labels of the client Service, the one that exposes the `metrics` port; a ServiceMonitor selects on them. */
  public readonly clientServiceLabels: Readonly<Record<string, string>>;
  /** Name of the Service port the exporter serves `/metrics` on. */
  public readonly metricsPortName = 'metrics';
  /** The generated nats.conf. */
  public readonly configText: string;
  /** ConfigMap holding nats.conf. */
  public readonly configMap: ApiObject;
  /** ClusterIP Service clients and Prometheus use: ports `client` (4222) and `metrics` (7777). */
  public readonly clientService: ApiObject;
  /** Headless Service that gives each server a DNS name for cluster routes. */
  public readonly headlessService: ApiObject;
  /** The StatefulSet. */
  public readonly statefulSet: ApiObject;
  /** PodDisruptionBudget: at most one server down for voluntary disruptions. */
  public readonly disruptionBudget: ApiObject;

  constructor(scope: Construct, id: string, props: NatsServerProps = {}) {
    super(scope, id);
    checkProps(this, props, NATS_SERVER_PROPS_SHAPE);
    this.name = this.checkName(props.name ?? 'nats');
    this.namespace = Chart.of(this).namespace ?? 'default';
    this.jetstream = props.jetstream !== undefined;
    this.replicas = this.checkReplicas(props.replicas ?? 1);
    const shutdown = this.checkShutdown(props);
    const store = this.checkJetStream(props.jetstream);

    const labelKeys = resolveLabelKeys(this, props.labelKeys);
    this.podLabels = { [labelKeys.app]: this.name };
    // The component label tells the client Service from the headless one, so a ServiceMonitor selects only the first.
    this.clientServiceLabels = { [labelKeys.app]: this.name, [COMPONENT_KEY]: 'client' };
    this.url = `nats://${this.name}:${NATS_PORTS.client}`;

    this.configText = renderNatsConfig(
      natsConfig({
        replicas: this.replicas,
        statefulSetName: this.name,
        headlessServiceName: this.headlessName,
        clusterName: this.name,
        serverNameEnv: 'SERVER_NAME',
        pidFile: `${PID_DIR}/nats.pid`,
        lameDuckSeconds: shutdown.lameDuckSeconds,
        lameDuckGraceSeconds: LAME_DUCK_GRACE_SECONDS,
        jetstream: store && {
          storeDir: STORE_DIR,
          maxFileStore: store.maxFileStore,
          maxMemoryStore: store.maxMemoryStore,
        },
      }),
    );
    this.configMap = new ApiObject(this, 'Config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: this.configMapName, labels: this.podLabels },
      data: { 'nats.conf': this.configText },
    });
    this.clientService = this.createClientService();
    this.headlessService = this.createHeadlessService({ [labelKeys.app]: this.name, [COMPONENT_KEY]: 'peers' });
    this.statefulSet = this.createStatefulSet(this.renderPod(props, shutdown.graceSeconds), store);
    this.disruptionBudget = new ApiObject(this, 'Budget', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: this.name, labels: this.podLabels },
      spec: { maxUnavailable: 1, selector: { matchLabels: this.podLabels } },
    });
    this.addMetadata(props, labelKeys.app);
  }

  /** The `labels` and `annotations` props, on every object of the server. */
  private addMetadata(props: NatsServerProps, appKey: string): void {
    const labels = checkLabels(this, 'labels', props.labels, [appKey, COMPONENT_KEY]) ?? {};
    const annotations = checkAnnotations(this, 'annotations', props.annotations) ?? {};
    const objects = [this.configMap, this.clientService, this.headlessService, this.statefulSet, this.disruptionBudget];
    for (const o of objects) {
      for (const [k, v] of Object.entries(labels)) o.metadata.addLabel(k, v);
      for (const [k, v] of Object.entries(annotations)) o.metadata.addAnnotation(k, v);
    }
  }

  /** Name of the headless Service that gives each server a DNS name. */
  private get headlessName(): string {
    return `${this.name}-headless`;
  }

  /** Name of the ConfigMap that holds nats.conf. */
  private get configMapName(): string {
    return `${this.name}-config`;
  }

  private checkName(name: string): string {
    // The name is also the client Service's name, which must be a DNS-1035 label.
    checkDns1035Label(this, 'name', name);
    if (name.length > 52) {
      // The StatefulSet labels each pod `controller-revision-hash: <name>-<10-character hash>`, a label value of at
      // most 63.
      invalidProp(
        this,
        'name',
        name,
        "must be at most 52 characters: the StatefulSet's controller-revision-hash label adds 11 to it and must fit 63",
      );
    }
    return name;
  }

  private checkReplicas(replicas: number): number {
    if (Number.isInteger(replicas) && replicas > NATS_MAX_CLUSTER_SIZE) {
      invalidProp(
        this,
        'replicas',
        replicas,
        `must be at most ${NATS_MAX_CLUSTER_SIZE}: routes are a full mesh, so ${replicas} servers would hold ${(3 * replicas * (replicas - 1)) / 2} route connections; grow beyond a cluster with NATS superclusters or leaf nodes`,
      );
    }
    checkInt(this, 'replicas', replicas, 1, NATS_MAX_CLUSTER_SIZE);
    if (this.jetstream && replicas % 2 === 0) {
      // JetStream replicates through RAFT: N servers tolerate floor((N-1)/2) failures, so an even
      // count costs a server without tolerating one more failure than N-1 does.
      invalidProp(
        this,
        'replicas',
        replicas,
        `must be odd with JetStream (1, 3, 5): its RAFT quorum tolerates no more failures with ${replicas} servers than with ${replicas - 1}`,
      );
    }
    return replicas;
  }

  /** The lame-duck duration and the termination grace period, in seconds: the second must outlast the first. */
  private checkShutdown(props: NatsServerProps): { lameDuckSeconds: number; graceSeconds: number } {
    const lameDuckSeconds = wholeSeconds(this, 'lameDuckDuration', props.lameDuckDuration ?? Duration.seconds(30));
    if (lameDuckSeconds < LAME_DUCK_MIN_SECONDS) {
      invalidProp(
        this,
        'lameDuckDuration',
        `${lameDuckSeconds}s`,
        `must be at least ${LAME_DUCK_MIN_SECONDS} seconds: nats-server refuses a shorter lame_duck_duration`,
      );
    }
    const graceSeconds = wholeSeconds(
      this,
      'terminationGracePeriod',
      props.terminationGracePeriod ?? Duration.seconds(60),
    );
    if (graceSeconds <= lameDuckSeconds + LAME_DUCK_GRACE_SECONDS) {
      invalidProp(
        this,
        'terminationGracePeriod',
        `${graceSeconds}s`,
        `must exceed lameDuckDuration plus its ${LAME_DUCK_GRACE_SECONDS}s grace period (${lameDuckSeconds + LAME_DUCK_GRACE_SECONDS}s), or servers are killed before lame-duck mode has moved their clients`,
      );
    }
    return { lameDuckSeconds, graceSeconds };
  }

  /** The JetStream store's limits and volume claim, or undefined with JetStream off. */
  private checkJetStream(js: JetStreamOptions | undefined): JetStreamStore | undefined {
    if (!js) return undefined;
    const storage = js.storage ?? Memory.gibibytes(10);
    const maxFileStore = jetStreamBytes(this, 'jetstream.storage', storage, 'Memory.gibibytes(10)');
    const maxMemoryStore =
      js.maxMemoryStore === undefined
        ? undefined
        : jetStreamBytes(this, 'jetstream.maxMemoryStore', js.maxMemoryStore, 'Memory.gibibytes(1)');
    if (js.storageClass !== undefined) checkDnsSubdomain(this, 'jetstream.storageClass', js.storageClass);
    return { storage, storageClass: js.storageClass, maxFileStore, maxMemoryStore };
  }

  /** ClusterIP Service clients and Prometheus use. */
  private createClientService(): ApiObject {
    return new ApiObject(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: this.name, labels: this.clientServiceLabels },
      spec: {
        type: 'ClusterIP',
        selector: this.podLabels,
        ports: [
          { name: 'client', port: NATS_PORTS.client, targetPort: 'client', protocol: 'TCP' },
          { name: this.metricsPortName, port: NATS_PORTS.metrics, targetPort: this.metricsPortName, protocol: 'TCP' },
        ],
      },
    });
  }

  /** Headless Service for the cluster routes. */
  private createHeadlessService(labels: Record<string, string>): ApiObject {
    return new ApiObject(this, 'Headless', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: this.headlessName, labels },
      spec: {
        clusterIP: 'None',
        // Servers must resolve each other before any of them is ready, or the cluster never forms.
        publishNotReadyAddresses: true,
        selector: this.podLabels,
        ports: [
          { name: 'client', port: NATS_PORTS.client, targetPort: 'client', protocol: 'TCP' },
          { name: 'cluster', port: NATS_PORTS.cluster, targetPort: 'cluster', protocol: 'TCP' },
          { name: 'monitor', port: NATS_PORTS.monitor, targetPort: 'monitor', protocol: 'TCP' },
        ],
      },
    });
  }

  /** The server pod: the nats container, the exporter sidecar, their volumes and the shutdown timing. */
  private renderPod(props: NatsServerProps, graceSeconds: number): RenderedPodTemplate {
    const security = props.security ?? PodSecurity.restricted({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    const template = this.renderServerTemplate(props, security);
    const spec = template.spec;
    spec.containers.push(this.renderExporter(props, security));
    spec.terminationGracePeriodSeconds = graceSeconds;
    spec.volumes = [
      ...(spec.volumes ?? []),
      { name: 'config', configMap: { name: this.configMapName } },
      { name: 'pid', emptyDir: {} },
    ];
    if (this.replicas > 1) {
      spec.topologySpreadConstraints = [
        {
          maxSkew: 1,
          topologyKey: 'kubernetes.io/hostname',
          // Soft, so a one-node development cluster still schedules every server.
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: this.podLabels },
        },
      ];
    }
    return template;
  }

  /** The pod template with the nats container: its ports, probes on the monitor port, lame-duck stop and mounts. */
  private renderServerTemplate(props: NatsServerProps, security: PodSecurity): RenderedPodTemplate {
    const monitorProbe = { port: 'monitor', initialDelay: Duration.seconds(10), timeout: Duration.seconds(5) };
    const template = renderPodTemplate(
      this,
      {
        ...Object.fromEntries(NATS_POD_OPTIONS.map(k => [k, props[k]])),
        image: props.image ?? NatsServer.DEFAULT_IMAGE,
        containerName: 'nats',
        port: NATS_PORTS.monitor,
        portName: 'monitor',
        command: ['nats-server'],
        args: ['--config', `${CONFIG_DIR}/nats.conf`],
        resources: props.resources,
        security,
        // A cluster with JetStream may take minutes to catch up before it reports healthy.
        startup: Probe.http('/healthz', { ...monitorProbe, period: Duration.seconds(10), failureThreshold: 90 }),
        readiness: Probe.http('/healthz?js-server-only=true', {
          ...monitorProbe,
          period: Duration.seconds(10),
          failureThreshold: 3,
        }),
        liveness: Probe.http(this.jetstream ? '/healthz?js-enabled-only=true' : '/healthz', {
          ...monitorProbe,
          period: Duration.seconds(30),
          failureThreshold: 3,
        }),
      },
      this.name,
      this.podLabels,
    );
    const nats = template.spec.containers[0];
    nats.ports = [
      { name: 'client', containerPort: NATS_PORTS.client },
      { name: 'cluster', containerPort: NATS_PORTS.cluster },
      ...(nats.ports ?? []),
    ];
    nats.env = [{ name: 'SERVER_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }];
    nats.lifecycle = { preStop: { exec: { command: ['nats-server', '--signal', `ldm=${PID_DIR}/nats.pid`] } } };
    nats.volumeMounts = [
      ...(nats.volumeMounts ?? []),
      { name: 'config', mountPath: CONFIG_DIR },
      { name: 'pid', mountPath: PID_DIR },
      ...(this.jetstream ? [{ name: 'jetstream', mountPath: STORE_DIR }] : []),
    ];
    return template;
  }

  /** The Prometheus exporter sidecar, serving `/metrics` from the server's monitor port. */
  private renderExporter(props: NatsServerProps, security: PodSecurity): IContainer {
    const exporterImage = props.exporterImage ?? NatsServer.DEFAULT_EXPORTER_IMAGE;
    checkImage(this, exporterImage, 'exporterImage');
    // Checked under its own name: the shared template would report it as `resources`.
    renderResources(this, 'exporterResources', props.exporterResources);
    const exporterTemplate = renderPodTemplate(
      this,
      {
        image: exporterImage,
        containerName: 'metrics',
        port: NATS_PORTS.metrics,
        portName: this.metricsPortName,
        args: [
          `-port=${NATS_PORTS.metrics}`,
          '-prefix=nats',
          '-use_internal_server_id',
          '-varz',
          '-connz',
          '-routez',
          '-subz',
          ...(this.jetstream ? ['-jsz=all'] : []),
          `http://localhost:${NATS_PORTS.monitor}/`,
        ],
        resources: props.exporterResources,
        security,
      },
      this.name,
      this.podLabels,
    );
    const exporter = exporterTemplate.spec.containers[0];
    // The exporter writes nothing, so it needs no /tmp.
    delete exporter.volumeMounts;
    return exporter;
  }

  private createStatefulSet(template: RenderedPodTemplate, store: JetStreamStore | undefined): ApiObject {
    return new ApiObject(this, 'Resource', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: this.name, labels: this.podLabels },
      spec: {
        replicas: this.replicas,
        serviceName: this.headlessName,
        // Servers start together: each one's routes wait for the others anyway.
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: this.podLabels },
        template,
        volumeClaimTemplates: store
          ? [
              {
                metadata: { name: 'jetstream' },
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  storageClassName: store.storageClass,
                  resources: { requests: { storage: store.storage.text } },
                },
              },
            ]
          : undefined,
      },
    });
  }
}

/** JetStream's file store, as checked. */
interface JetStreamStore {
  readonly storage: Memory;
  readonly storageClass?: string;
  readonly maxFileStore: bigint;
  readonly maxMemoryStore?: bigint;
}

/** A JetStream byte limit: a valid Memory that is a whole number of bytes fitting nats-server's int64. */
function jetStreamBytes(scope: IConstruct, prop: string, quantity: unknown, example: string): bigint {
  if (!(quantity instanceof Memory)) invalidProp(scope, prop, quantity, `must be a Memory, e.g. ${example}`);
  const problem = quantity.problem;
  if (problem) invalidProp(scope, prop, problem.value, problem.expected);
  return checkNatsBytes(scope, prop, quantity.text, example);
}
