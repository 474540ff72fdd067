import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkPort, checkPositiveInt, invalidProp } from './errors';

/** When and how often a probe runs, and how many results flip it. */
export interface ProbeTiming {
  /**
   * Wait after the container starts before the first probe.
   * @default - Kubernetes' default (0 s)
   */
  readonly initialDelay?: Duration;
  /**
   * How often the probe runs.
   * @default - Kubernetes' default (10 s)
   */
  readonly period?: Duration;
  /**
   * How long one probe may take.
   * @default - Kubernetes' default (1 s)
   */
  readonly timeout?: Duration;
  /**
   * Consecutive successes that count as passing (must be 1 for liveness and startup probes).
   * @default - Kubernetes' default (1)
   */
  readonly successThreshold?: number;
  /**
   * Consecutive failures that count as failing.
   * @default - Kubernetes' default (3)
   */
  readonly failureThreshold?: number;
}

/** Options of an HTTP GET probe. */
export interface HttpProbeOptions extends ProbeTiming {
  /**
   * Port to probe, by number or by the container port's name.
   * @default - the container's port
   */
  readonly port?: number | string;
}

/** Options of a TCP probe. */
export interface TcpProbeOptions extends ProbeTiming {
  /**
   * Port to probe, by number or by the container port's name.
   * @default - the container's port
   */
  readonly port?: number | string;
}

/** What a probe decides: traffic (readiness), restarts (liveness) or when the others start (startup). */
export type ProbeKind = 'readiness' | 'liveness' | 'startup';

type ProbeAction =
  | { readonly kind: 'http'; readonly path: string; readonly port?: number | string }
  | { readonly kind: 'tcp'; readonly port?: number | string }
  | { readonly kind: 'exec'; readonly command: readonly string[] };

/** A readiness, liveness or startup probe. */
export class Probe {
  /** HTTP GET on `path`; 200-399 passes. */
  public static http(path: string, options: HttpProbeOptions = {}): Probe {
    return new Probe({ kind: 'http', path, port: options.port }, options);
  }
  /** A TCP connection that opens passes. */
  public static tcp(options: TcpProbeOptions = {}): Probe {
    return new Probe({ kind: 'tcp', port: options.port }, options);
  }
  /** A command that exits 0 passes. */
  public static exec(command: readonly string[], options: ProbeTiming = {}): Probe {
    return new Probe({ kind: 'exec', command }, options);
  }

  private constructor(private readonly action: ProbeAction, private readonly timing: ProbeTiming) {}

  /** The port this probe targets, if it names one. */
  public get port(): number | string | undefined {
    return this.action.kind === 'exec' ? undefined : this.action.port;
  }

  /** True when both probes do exactly the same thing on the same schedule. */
  public sameAs(other: Probe): boolean {
    return JSON.stringify(this.render(undefined)) === JSON.stringify(other.render(undefined));
  }

  /**
   * Renders the Kubernetes probe, checking its values against the container's ports.
   * @internal
   */
  public _render(scope: IConstruct, prop: string, kind: ProbeKind, ports: ReadonlyArray<{ name?: string; containerPort: number }>): Record<string, unknown> {
    const t = this.timing;
    for (const [key, value] of [['initialDelay', t.initialDelay], ['period', t.period], ['timeout', t.timeout]] as const) {
      if (value === undefined) continue;
      const seconds = value.toMilliseconds() / 1000;
      const minimum = key === 'initialDelay' ? 0 : 1;
      if (!Number.isInteger(seconds) || seconds < minimum) {
        invalidProp(scope, `${prop}.${key}`, `${value.toMilliseconds()}ms`, `must be a whole number of seconds >= ${minimum}`);
      }
    }
    if (t.successThreshold !== undefined) checkPositiveInt(scope, `${prop}.successThreshold`, t.successThreshold);
    if (t.failureThreshold !== undefined) checkPositiveInt(scope, `${prop}.failureThreshold`, t.failureThreshold);
    if (t.successThreshold !== undefined && t.successThreshold !== 1 && kind !== 'readiness') {
      invalidProp(scope, `${prop}.successThreshold`, t.successThreshold, 'must be 1 for liveness and startup probes');
    }
    if (this.action.kind === 'http' && !this.action.path.startsWith('/')) {
      invalidProp(scope, `${prop}.path`, this.action.path, 'must be an absolute HTTP path starting with "/"');
    }
    if (this.action.kind === 'exec' && this.action.command.length === 0) {
      invalidProp(scope, `${prop}.command`, [], 'must name a command to run');
    }
    const port = this.port;
    if (typeof port === 'number') checkPort(scope, `${prop}.port`, port);
    if (port !== undefined) {
      const declared = ports.some(p => p.containerPort === port || p.name === port);
      if (!declared) {
        const names = ports.map(p => (p.name ? `${p.name} (${p.containerPort})` : String(p.containerPort))).join(', ') || 'none';
        invalidProp(scope, `${prop}.port`, port, `must be a port the container declares: ${names}`);
      }
    }
    if (this.action.kind !== 'exec' && port === undefined && ports.length === 0) {
      invalidProp(scope, `${prop}.port`, undefined, 'must be given when the container declares no port');
    }
    return this.render(ports[0]?.name ?? ports[0]?.containerPort);
  }

  private render(defaultPort: number | string | undefined): Record<string, unknown> {
    const t = this.timing;
    const a = this.action;
    const action = a.kind === 'http' ? { httpGet: { path: a.path, port: a.port ?? defaultPort } }
      : a.kind === 'tcp' ? { tcpSocket: { port: a.port ?? defaultPort } }
        : { exec: { command: [...a.command] } };
    return {
      ...action,
      initialDelaySeconds: t.initialDelay?.toSeconds(),
      periodSeconds: t.period?.toSeconds(),
      timeoutSeconds: t.timeout?.toSeconds(),
      successThreshold: t.successThreshold,
      failureThreshold: t.failureThreshold,
    };
  }
}
