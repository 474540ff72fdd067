import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkInt, checkPort, checkPortName, checkStringArray, invalidProp, wholeSeconds } from './errors';
import { checkProps, isPlainObject, PropShape } from './props';

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
  | { readonly kind: 'http'; readonly path: unknown }
  | { readonly kind: 'tcp' }
  | { readonly kind: 'exec'; readonly command: unknown };

const TIMING_SHAPE: PropShape = {
  initialDelay: Duration,
  period: Duration,
  timeout: Duration,
  successThreshold: 'number',
  failureThreshold: 'number',
};
const PORT_SHAPE: PropShape = { ...TIMING_SHAPE, port: 'number|string' };

/**
 * A readiness, liveness or startup probe. The factories keep what they are given; the workload
 * that uses the probe checks it and reports a bad value with its prop (`readiness.period`).
 */
export class Probe {
  /** HTTP GET on `path`; 200-399 passes. */
  public static http(path: string, options: HttpProbeOptions = {}): Probe {
    return new Probe({ kind: 'http', path }, options, PORT_SHAPE);
  }
  /** A TCP connection that opens passes. */
  public static tcp(options: TcpProbeOptions = {}): Probe {
    return new Probe({ kind: 'tcp' }, options, PORT_SHAPE);
  }
  /** A command that exits 0 passes. */
  public static exec(command: readonly string[], options: ProbeTiming = {}): Probe {
    return new Probe({ kind: 'exec', command }, options, TIMING_SHAPE);
  }

  private constructor(
    private readonly action: ProbeAction,
    private readonly options: unknown,
    private readonly shape: PropShape,
  ) {}

  /** The port this probe targets, if it names one. */
  public get port(): number | string | undefined {
    if (this.action.kind === 'exec' || !isPlainObject(this.options)) return undefined;
    return this.options.port as number | string | undefined;
  }

  /** True when both probes do exactly the same thing on the same schedule (both already checked by `_render`). */
  public sameAs(other: Probe): boolean {
    return JSON.stringify(this.render(undefined)) === JSON.stringify(other.render(undefined));
  }

  /**
   * Renders the Kubernetes probe, checking its values against the container's ports.
   * @internal
   */
  public _render(
    scope: IConstruct,
    prop: string,
    kind: ProbeKind,
    ports: ReadonlyArray<{ name?: string; containerPort: number }>,
  ): Record<string, unknown> {
    checkProps(scope, this.options, this.shape, `${prop}.`);
    const t = this.options as HttpProbeOptions;
    // Kubernetes' own bounds: periodSeconds and timeoutSeconds at least 1, initialDelaySeconds at least 0, all int32.
    wholeSeconds(scope, `${prop}.initialDelay`, t.initialDelay, 0);
    wholeSeconds(scope, `${prop}.period`, t.period, 1);
    wholeSeconds(scope, `${prop}.timeout`, t.timeout, 1);
    if (t.successThreshold !== undefined) checkInt(scope, `${prop}.successThreshold`, t.successThreshold, 1);
    if (t.failureThreshold !== undefined) checkInt(scope, `${prop}.failureThreshold`, t.failureThreshold, 1);
    if (t.successThreshold !== undefined && t.successThreshold !== 1 && kind !== 'readiness') {
      invalidProp(scope, `${prop}.successThreshold`, t.successThreshold, 'must be 1 for liveness and startup probes');
    }
    if (this.action.kind === 'http') {
      const path = this.action.path;
      // The kubelet sends the path as the request target: absolute, one line, no spaces.
      // eslint-disable-next-line no-control-regex -- control characters are what this refuses
      if (typeof path !== 'string' || !path.startsWith('/') || /[\s\u0000-\u001f\u007f]/.test(path)) {
        invalidProp(scope, `${prop}.path`, path, 'must be an absolute HTTP path starting with "/", without whitespace');
      }
    }
    if (this.action.kind === 'exec')
      checkStringArray(scope, `${prop}.command`, this.action.command, { nonEmpty: true });
    const port = this.port;
    if (typeof port === 'number') checkPort(scope, `${prop}.port`, port);
    if (typeof port === 'string') checkPortName(scope, `${prop}.port`, port);
    if (port !== undefined) {
      const declared = ports.some(p => p.containerPort === port || p.name === port);
      if (!declared) {
        const names =
          ports.map(p => (p.name ? `${p.name} (${p.containerPort})` : String(p.containerPort))).join(', ') || 'none';
        invalidProp(scope, `${prop}.port`, port, `must be a port the container declares: ${names}`);
      }
    }
    if (this.action.kind !== 'exec' && port === undefined && ports.length === 0) {
      invalidProp(scope, `${prop}.port`, undefined, 'must be given when the container declares no port');
    }
    return this.render(ports[0]?.name ?? ports[0]?.containerPort);
  }

  private render(defaultPort: number | string | undefined): Record<string, unknown> {
    const t = (isPlainObject(this.options) ? this.options : {}) as HttpProbeOptions;
    const a = this.action;
    const port = this.port ?? defaultPort;
    const action =
      a.kind === 'http'
        ? { httpGet: { path: a.path, port } }
        : a.kind === 'tcp'
          ? { tcpSocket: { port } }
          : { exec: { command: Array.isArray(a.command) ? [...a.command] : a.command } };
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
