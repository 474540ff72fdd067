import { App, Chart, Testing } from 'cdk8s';

/** A fresh chart in a fresh app, as every test should start. */
export function newChart(): Chart {
  return Testing.chart();
}

/** Every manifest of a chart, in output order. */
export function synth(chart: Chart): any[] {
  return Testing.synth(chart);
}

/** Every manifest of every chart of an app. */
export function synthApp(app: App): any[] {
  return app.charts.flatMap(c => Testing.synth(c));
}

/** The single manifest of `kind` named `name` (any name when omitted); throws when absent or ambiguous. */
export function find(manifests: readonly any[], kind: string, name?: string): any {
  const hits = manifests.filter(m => m.kind === kind && (name === undefined || m.metadata?.name === name));
  if (hits.length !== 1) throw new Error(`expected one ${kind}${name ? ` named ${name}` : ''}, found ${hits.length}`);
  return hits[0];
}

/** True when every key/value of `selector` is among `labels`. */
export function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
