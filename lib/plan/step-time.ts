/**
 * How long steps hold at the least, from the fields Argo Rollouts reads: Go durations, pause
 * durations, and the count, interval and initialDelay of analysis metrics.
 */

const GO_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/**
 * Seconds of a Go duration (`time.ParseDuration`: `90s`, `1h30m`, `1.5h`, `250ms`, `0`), or undefined
 * when the text is not one. Negative durations are refused: no step waits a negative time.
 */
export function goDurationSeconds(text: string): number | undefined {
  if (text === '0' || text === '+0') return 0;
  const body = text.startsWith('+') ? text.slice(1) : text;
  if (body === '') return undefined;
  const part = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let seconds = 0;
  let at = 0;
  while (at < body.length) {
    part.lastIndex = at;
    const m = part.exec(body);
    if (!m) return undefined;
    seconds += Number(m[1]) * GO_UNITS[m[2]];
    at = part.lastIndex;
  }
  // Whole milliseconds and up are exact in binary only after rounding away the float noise of the sum.
  return Math.round(seconds * 1e9) / 1e9;
}

/**
 * Seconds of a pause duration: Argo takes an integer as seconds, a string of digits as seconds too,
 * and any other string as a Go duration.
 */
export function pauseSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  return goDurationSeconds(value);
}

/** The fields of one analysis metric that decide how long it runs, arguments already substituted. */
export interface MetricTiming {
  readonly count?: number;
  readonly intervalSeconds?: number;
  readonly initialDelaySeconds?: number;
  /** Argo Rollouts 1.8+: the metric succeeds after this many successes in a row (0 or unset: off). */
  readonly consecutiveSuccessLimit?: number;
}

/**
 * The least time a metric runs before it succeeds, or null when it never ends on its own.
 *
 * It measures once after `initialDelay`, then every `interval`: `initialDelay + interval * (n - 1)`
 * for `n` measurements. `n` is its `count`; without a count it measures once when it has no interval
 * (Argo's effective count of 1) and without end when it has one. With a `consecutiveSuccessLimit`
 * (Argo 1.8+) it can succeed after that many measurements, fewer than its count.
 */
export function metricLeastSeconds(m: MetricTiming): number | null {
  const interval = m.intervalSeconds ?? 0;
  const delay = m.initialDelaySeconds ?? 0;
  let measurements: number | undefined = m.count ?? (m.intervalSeconds === undefined ? 1 : undefined);
  const streak = m.consecutiveSuccessLimit ?? 0;
  if (streak > 0) measurements = measurements === undefined ? streak : Math.min(measurements, streak);
  if (measurements === undefined) return null;
  return delay + interval * Math.max(measurements - 1, 0);
}

/** The least time of several metrics run together: the slowest one, or null if any never ends. */
export function slowestSeconds(times: readonly (number | null)[]): number | null {
  let slowest = 0;
  for (const t of times) {
    if (t === null) return null;
    slowest = Math.max(slowest, t);
  }
  return slowest;
}

/** `90` -> `1m 30s`, `3600` -> `1h`, `0.25` -> `0.25s`. */
export function formatSeconds(seconds: number): string {
  if (seconds === 0) return '0s';
  const whole = Math.floor(seconds);
  const rest = Math.round((seconds - whole) * 1000) / 1000;
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = (whole % 60) + rest;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].filter(Boolean).join(' ');
}
