import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Names, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { finishManifest, isHelmTemplates, isManifest, KUSTOMIZATION_FILE, kustomizationFor } from './kustomization';
import { manifestYaml } from './manifest-yaml';
import { warningsOf } from './warnings';

/** Options of {@link synthesizeApp}. */
export interface SynthesizeOptions {
  /** Folder that receives the manifests, replaced as a whole. */
  readonly outdir: string;
  /**
   * Where warnings go.
   * @default process.stderr
   */
  readonly log?: (line: string) => void;
}

/**
 * Synthesizes `app` into a fresh staging folder beside `outdir` and only then swaps it in,
 * so a failing app (bad props, failed checks) leaves the previous output untouched.
 * Prints every warning. The folder is finished for GitOps and Helm as `finishOutput` finishes one
 * (a `---` at the start of every file, a kustomization listing them). Returns the files
 * written, relative to `outdir`, sorted.
 *
 * The files are byte-identical to `app.synth()` for every `YamlOutputType`, but cost time
 * linear in the app: cdk8s re-validates and re-resolves dependencies of the whole app for
 * every chart (`Chart.toJson`), which makes one chart per service quadratic. Here validation
 * and dependency resolution run once, as the first step of `app.synth()` does; cdk8s's
 * repeats are no-ops for validations without side effects (the library's are). The YAML
 * text comes from `manifestYaml` (lib/manifest-yaml.ts), which writes what cdk8s's `Yaml.stringify` writes.
 */
export function synthesizeApp(app: App, options: SynthesizeOptions): string[] {
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const outdir = path.resolve(options.outdir);
  const parent = path.dirname(outdir);
  fs.mkdirSync(parent, { recursive: true });
  // Staging and the previous output sit beside outdir, so every rename stays on one filesystem.
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(outdir)}.staging-`));
  try {
    // Finished as they are written (what finishOutput does to a folder), so no file is written twice.
    const helm = isHelmTemplates(outdir);
    const files = writeManifests(app, staging, text => finishManifest(text, helm));
    if (!helm) {
      fs.writeFileSync(path.join(staging, KUSTOMIZATION_FILE), kustomizationFor(files));
      files.push(KUSTOMIZATION_FILE);
      files.sort();
    }
    for (const warning of warningsOf(app)) log(`warning: ${warning}`);
    swapIn(staging, outdir);
    return files;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Replaces `outdir` by `staging`; puts the previous output back if the swap fails. */
function swapIn(staging: string, outdir: string): void {
  if (!fs.existsSync(outdir)) {
    fs.renameSync(staging, outdir);
    return;
  }
  const previous = fs.mkdtempSync(path.join(path.dirname(outdir), `.${path.basename(outdir)}.previous-`));
  const moved = path.join(previous, 'out');
  fs.renameSync(outdir, moved);
  try {
    fs.renameSync(staging, outdir);
  } catch (e) {
    fs.renameSync(moved, outdir);
    throw e;
  } finally {
    fs.rmSync(previous, { recursive: true, force: true });
  }
}

/**
 * Writes what `app.synth()` writes into `dir`, each manifest file's text passed through `finish`;
 * returns the files, relative to `dir`, sorted.
 */
function writeManifests(app: App, dir: string, finish: (text: string) => string): string[] {
  const written = new Set<string>();
  const save = (file: string, docs: unknown[]) => {
    const text = manifestYaml(docs);
    fs.writeFileSync(path.join(dir, file), isManifest(file) ? finish(text) : text, { encoding: 'utf8' });
    written.add(file);
  };
  const all = app.node.findAll();
  validate(all);
  const hasDependantCharts = resolveDependencies(all);
  const charts = dependencyOrder(app).filter(Chart.isChart) as Chart[];
  const ext = app.outputFileExtension;
  const indexed = (i: number, chart: Chart) => (hasDependantCharts ? `${String(i).padStart(4, '0')}-` : '') + Names.toDnsLabel(chart);

  switch (app.yamlOutputType) {
    case YamlOutputType.FILE_PER_APP: {
      const docs = charts.flatMap(chartJson);
      if (charts.length > 0) save(`app${ext}`, docs);
      break;
    }
    case YamlOutputType.FILE_PER_CHART:
      charts.forEach((chart, i) => save(indexed(i, chart) + ext, chartJson(chart)));
      break;
    case YamlOutputType.FILE_PER_RESOURCE:
      for (const chart of charts) {
        for (const doc of chartJson(chart)) {
          if (doc !== undefined) save(resourceFileName(doc.kind, doc.metadata.name) + ext, [doc]);
        }
      }
      break;
    case YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE:
      charts.forEach((chart, i) => {
        const folder = indexed(i, chart);
        fs.mkdirSync(path.join(dir, folder), { recursive: true });
        for (const obj of chartObjects(chart)) {
          save(path.join(folder, resourceFileName(obj.kind, obj.metadata.name) + ext), [obj.toJson()]);
        }
      });
      break;
  }
  if ((app as unknown as { recordConstructMetadata: boolean }).recordConstructMetadata) {
    const resources: Record<string, { path: string }> = {};
    for (const obj of charts.flatMap(chartObjects)) resources[obj.name] = { path: obj.node.path };
    fs.writeFileSync(path.join(dir, 'construct-metadata.json'), JSON.stringify({ version: '1.0.0', resources }));
    written.add('construct-metadata.json');
  }
  return [...written].sort();
}

function resourceFileName(kind: string, name: string | undefined): string {
  return `${kind}.${name}`.replace(/[^0-9a-zA-Z-_.]/g, '');
}

/** A chart's manifests, as `Chart.toJson` gives them minus its per-chart re-run of validation and dependency resolution. */
function chartJson(chart: Chart): any[] {
  // A chart class that overrides toJson gets its own (quadratic, but correct) rendering.
  if (chart.toJson !== Chart.prototype.toJson) return Object.values(chart.toJson());
  return chartObjects(chart).map(obj => obj.toJson());
}

/** The ApiObjects of a chart (not of charts nested in it), in dependency order. */
function chartObjects(chart: Chart): ApiObject[] {
  return dependencyOrder(chart).filter(x => ApiObject.isApiObject(x) && Chart.of(x) === chart) as ApiObject[];
}

/** Same check and message as `app.synth()`. */
function validate(all: readonly IConstruct[]): void {
  const errors: string[] = [];
  for (const c of all) {
    for (const error of c.node.validate()) errors.push(`[${c.node.path}] ${error}`);
  }
  if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
}

/**
 * Turns nested charts and cross-chart construct dependencies into chart dependencies, and
 * construct dependencies into dependencies between their ApiObjects, as `app.synth()` does.
 * Returns whether any chart depends on another (file names then get an index prefix).
 */
function resolveDependencies(all: readonly IConstruct[]): boolean {
  let hasDependantCharts = false;
  const subtree = new Map<IConstruct, IConstruct[]>();
  const findAll = (c: IConstruct) => {
    let found = subtree.get(c);
    if (!found) subtree.set(c, found = c.node.findAll());
    return found;
  };
  const dependencies = () => all.flatMap(source => source.node.dependencies.map(target => ({ source, target })));

  for (const parent of all.filter(Chart.isChart)) {
    for (const child of parent.node.children.filter(Chart.isChart)) {
      parent.node.addDependency(child);
      hasDependantCharts = true;
    }
  }
  for (const { source, target } of dependencies()) {
    const sourceChart = Chart.of(source);
    const targetChart = Chart.of(target);
    if (sourceChart !== targetChart) {
      sourceChart.node.addDependency(targetChart);
      hasDependantCharts = true;
    }
  }
  for (const { source, target } of dependencies()) {
    const sourceChart = Chart.of(source);
    const targetChart = Chart.of(target);
    const targets = findAll(target).filter(c => ApiObject.isApiObject(c) && Chart.of(c) === targetChart);
    const sources = findAll(source).filter(c => ApiObject.isApiObject(c) && Chart.of(c) === sourceChart);
    for (const t of targets) {
      for (const s of sources) if (t !== s) s.node.addDependency(t);
    }
  }
  return hasDependantCharts;
}

interface Vertex {
  readonly value: IConstruct;
  /** Vertices this one depends on, in the order cdk8s adds its graph edges; created on first use. */
  dependsOn?: Set<Vertex>;
  dependants: number;
  state: 'new' | 'active' | 'done';
}

/**
 * `root` and the constructs below it in the order of cdk8s's `DependencyGraph.topology()`:
 * depth-first, dependencies before dependants, roots in path-key order. cdk8s revisits shared
 * dependencies on every path to them (exponential with dense cross-chart dependencies); a
 * finished vertex is skipped here, which yields the same order because a finished vertex's
 * dependencies are all finished too. Dependencies outside `root` are ignored, as in cdk8s.
 */
export function dependencyOrder(root: IConstruct): IConstruct[] {
  // A plain object keyed by path, as in cdk8s, so that roots come in the same key order
  // (array-index keys such as a chart named "10" first).
  const byPath: Record<string, Vertex> = {};
  const nodes = root.node.findAll();
  const vertices = nodes.map(value => {
    const v: Vertex = { value, dependants: 0, state: 'new' };
    byPath[value.node.path] = v;
    return v;
  });
  for (const source of vertices) {
    for (const dep of source.value.node.dependencies) {
      const target = byPath[dep.node.path];
      if (!target || source.dependsOn?.has(target)) continue;
      (source.dependsOn ??= new Set()).add(target);
      target.dependants++;
    }
  }
  const order: IConstruct[] = [];
  const stack: Vertex[] = [];
  const visit = (v: Vertex): void => {
    if (v.state === 'done') return;
    if (v.state === 'active') {
      const cycle = [...stack.slice(stack.indexOf(v)), v].map(x => x.value.node.path);
      throw new Error(`Dependency cycle detected: ${cycle.join(' => ')}`);
    }
    v.state = 'active';
    stack.push(v);
    if (v.dependsOn) for (const dep of v.dependsOn) visit(dep);
    stack.pop();
    v.state = 'done';
    order.push(v.value);
  };
  const keyOrder = Object.values(byPath);
  for (const v of keyOrder) if (v.dependants === 0) visit(v);
  // Vertices reachable from no root sit on a cycle.
  for (const v of keyOrder) visit(v);
  return order;
}
