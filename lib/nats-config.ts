/** The ports a NATS server listens on; clients and the exporter rely on these numbers. */
export const NATS_PORTS = {
  /** Client connections (`nats://host:4222`). */
  client: 4222,
  /** Routes between the servers of a cluster. */
  cluster: 6222,
  /** HTTP monitoring: `/healthz`, `/varz`, `/connz`, `/jsz`. */
  monitor: 8222,
  /** The Prometheus exporter sidecar's `/metrics`. */
  metrics: 7777,
} as const;

/**
 * A reference to an environment variable in nats.conf, written bare (`$SERVER_NAME`):
 * nats-server resolves it when it loads the file, so one ConfigMap serves every pod.
 */
export class NatsEnvRef {
  constructor(public readonly name: string) {}
}

/** A value nats.conf can hold. */
export type NatsConfigValue = string | number | boolean | NatsEnvRef | readonly NatsConfigValue[] | { readonly [key: string]: NatsConfigValue | undefined };

/** JetStream settings of nats.conf. */
export interface NatsJetStreamConfig {
  /** Directory of the file store (the mount point of the volume claim). */
  readonly storeDir: string;
  /** Bytes of file storage the server may use; keep it within the volume's size. */
  readonly maxFileStore: number;
  /**
   * Bytes of memory storage the server may use.
   * @default - nats-server's default (75% of the memory it sees)
   */
  readonly maxMemoryStore?: number;
}

/** What nats.conf is generated from. */
export interface NatsConfigOptions {
  /** Servers in the cluster; above 1 adds a `cluster` block with a route to every server. */
  readonly replicas: number;
  /** Name of the StatefulSet: its pods are `<name>-0`, `<name>-1`, ... */
  readonly statefulSetName: string;
  /** Name of the headless Service that gives each pod a DNS name. */
  readonly headlessServiceName: string;
  /** Name of the cluster; servers with different names refuse to route to each other. */
  readonly clusterName: string;
  /** Environment variable holding the pod's name, used as the server name. */
  readonly serverNameEnv: string;
  /** Where the server writes its PID; `nats-server --signal ldm=<file>` reads it. */
  readonly pidFile: string;
  /** How long lame-duck mode takes to move clients away before shutting down, in whole seconds. */
  readonly lameDuckSeconds: number;
  /** How long lame-duck mode waits before it starts closing client connections, in whole seconds. */
  readonly lameDuckGraceSeconds: number;
  /**
   * JetStream persistence.
   * @default - JetStream off
   */
  readonly jetstream?: NatsJetStreamConfig;
}

/** The routes of an N-server cluster: one per StatefulSet pod, through the headless Service. */
export function natsRoutes(statefulSetName: string, headlessServiceName: string, replicas: number): string[] {
  return Array.from({ length: replicas }, (_, i) => `nats://${statefulSetName}-${i}.${headlessServiceName}:${NATS_PORTS.cluster}`);
}

/** The nats.conf content as an object; {@link renderNatsConfig} writes it out. */
export function natsConfig(options: NatsConfigOptions): Record<string, NatsConfigValue | undefined> {
  const js = options.jetstream;
  return {
    port: NATS_PORTS.client,
    http_port: NATS_PORTS.monitor,
    server_name: new NatsEnvRef(options.serverNameEnv),
    pid_file: options.pidFile,
    lame_duck_duration: `${options.lameDuckSeconds}s`,
    lame_duck_grace_period: `${options.lameDuckGraceSeconds}s`,
    cluster: options.replicas > 1 ? {
      name: options.clusterName,
      port: NATS_PORTS.cluster,
      // Clients get the Service address, not the pods' own addresses.
      no_advertise: true,
      routes: natsRoutes(options.statefulSetName, options.headlessServiceName, options.replicas),
    } : undefined,
    jetstream: js ? {
      store_dir: js.storeDir,
      // Plain byte counts: older servers (2.9) do not parse suffixes such as "10Gi".
      max_file_store: js.maxFileStore,
      max_memory_store: js.maxMemoryStore,
    } : undefined,
  };
}

/**
 * Writes nats.conf as JSON, which nats-server reads, with one extension nats-server also reads:
 * environment references are bare `$NAME` tokens. Keys whose value is undefined are left out.
 */
export function renderNatsConfig(config: NatsConfigValue, indent = ''): string {
  if (config instanceof NatsEnvRef) return `$${config.name}`;
  if (typeof config !== 'object') return JSON.stringify(config);
  const inner = `${indent}  `;
  if (Array.isArray(config)) {
    if (config.length === 0) return '[]';
    return `[\n${config.map(v => inner + renderNatsConfig(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(config as Record<string, NatsConfigValue | undefined>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${renderNatsConfig(v!, inner)}`).join(',\n')}\n${indent}}`;
}
