import { IConstruct } from 'constructs';
import { invalidProp } from '../core/errors';

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

/** A value nats.conf can hold; a bigint is written as an exact integer (byte counts beyond 2^53). */
export type NatsConfigValue =
  | string
  | number
  | bigint
  | boolean
  | NatsEnvRef
  | readonly NatsConfigValue[]
  | { readonly [key: string]: NatsConfigValue | undefined };

/**
 * The most servers one NATS cluster may have. Routes are a full mesh: every server keeps a route
 * pool (3 connections by default since nats-server 2.10) to each of the others, so N servers hold
 * 3·N·(N−1)/2 route connections (6,048 at 64) and every subscription change is sent to N−1 peers;
 * NATS grows past that with superclusters (gateways) and leaf nodes, not a bigger mesh. With
 * JetStream every server also votes in the meta-group RAFT, where NATS advises 3 or 5.
 * The ConfigMap is not what binds: 64 routes of at most ~130 bytes are ~8 KB of the 1 MiB limit.
 */
export const NATS_MAX_CLUSTER_SIZE = 64;

/** The largest `int64`: nats-server reads byte limits such as `max_file_store` as int64. */
const INT64_MAX = 2n ** 63n - 1n;

const QUANTITY = /^(\d+)(?:\.(\d+))?(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;
const DECIMAL_EXPONENT: Record<string, number> = { '': 0, n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/**
 * The exact number of bytes a Kubernetes quantity such as `10Gi` or `1.5G` stands for, or
 * undefined when it is malformed or not a whole number of bytes (`1.5`, `1500m`). Exact, unlike
 * a float: `7Ei` is 8070450532247928832, not 8070450532247929000.
 */
export function quantityBytes(text: unknown): bigint | undefined {
  const match = typeof text === 'string' ? QUANTITY.exec(text) : null;
  if (!match) return undefined;
  const [, whole, fraction = '', suffix = ''] = match;
  let numerator = BigInt(whole + fraction);
  let denominator = 10n ** BigInt(fraction.length);
  if (suffix.endsWith('i')) {
    numerator *= 2n ** BigInt(10 * ('KMGTPE'.indexOf(suffix[0]) + 1));
  } else {
    const exponent = DECIMAL_EXPONENT[suffix];
    if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
    else denominator *= 10n ** BigInt(-exponent);
  }
  return numerator % denominator === 0n ? numerator / denominator : undefined;
}

/**
 * Checks a JetStream byte limit given as quantity text: a whole, positive number of bytes that
 * fits nats-server's int64. Returns the exact byte count.
 */
export function checkNatsBytes(scope: IConstruct, prop: string, text: string, example: string): bigint {
  const bytes = quantityBytes(text);
  if (bytes === undefined || bytes < 1n || bytes > INT64_MAX) {
    invalidProp(
      scope,
      prop,
      text,
      `must be a whole number of bytes from 1 to ${INT64_MAX} (nats-server reads it as an int64), e.g. ${example}`,
    );
  }
  return bytes;
}

/** JetStream settings of nats.conf. */
export interface NatsJetStreamConfig {
  /** Directory of the file store (the mount point of the volume claim). */
  readonly storeDir: string;
  /** Bytes of file storage the server may use; keep it within the volume's size. */
  readonly maxFileStore: number | bigint;
  /**
   * Bytes of memory storage the server may use.
   * @default - nats-server's default (75% of the memory it sees)
   */
  readonly maxMemoryStore?: number | bigint;
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
  return Array.from(
    { length: replicas },
    (_, i) => `nats://${statefulSetName}-${i}.${headlessServiceName}:${NATS_PORTS.cluster}`,
  );
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
    cluster:
      options.replicas > 1
        ? {
            name: options.clusterName,
            port: NATS_PORTS.cluster,
            // Clients get the Service address, not the pods' own addresses.
            no_advertise: true,
            routes: natsRoutes(options.statefulSetName, options.headlessServiceName, options.replicas),
          }
        : undefined,
    jetstream: js
      ? {
          store_dir: js.storeDir,
          // Plain byte counts: older servers (2.9) do not parse suffixes such as "10Gi".
          max_file_store: js.maxFileStore,
          max_memory_store: js.maxMemoryStore,
        }
      : undefined,
  };
}

/**
 * Writes nats.conf as JSON, which nats-server reads, with one extension nats-server also reads:
 * environment references are bare `$NAME` tokens. Keys whose value is undefined are left out.
 */
export function renderNatsConfig(config: NatsConfigValue, indent = ''): string {
  if (config instanceof NatsEnvRef) return `$${config.name}`;
  if (typeof config === 'bigint') return config.toString();
  if (typeof config !== 'object') return JSON.stringify(config);
  const inner = `${indent}  `;
  if (Array.isArray(config)) {
    if (config.length === 0) return '[]';
    return `[\n${config.map(v => inner + renderNatsConfig(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(config as Record<string, NatsConfigValue | undefined>).filter(
    ([, v]) => v !== undefined,
  );
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${renderNatsConfig(v!, inner)}`).join(',\n')}\n${indent}}`;
}
