#!/usr/bin/env node
import * as fs from 'fs';
import { planFromManifests } from '../plan/plan-from-manifests';
import { renderPlanMarkdown } from '../plan/render-markdown';
import { renderPlanSvg } from '../plan/render-svg';
import { renderPlanTable } from '../plan/render-table';
import { ManifestFileError, readManifestFile } from '../plan/read-yaml';
import { PlanError, RolloutPlan } from '../plan/rollout-plan';

const USAGE = `usage: cdk8s-delivery plan FILE... [--json | --markdown | --svg OUT.svg]

Prints what every argoproj.io/v1alpha1 Rollout in the YAML files does at each canary step: the traffic
weight, the canary and stable pods Argo keeps once the step has settled, and the least time it holds.
AnalysisTemplates and a HorizontalPodAutoscaler targeting a Rollout are read from the same files.

  --json        the plans as JSON
  --markdown    a Markdown table and a Mermaid timeline per Rollout
  --svg OUT     draw the plans into the SVG file OUT
`;

/** Why the command failed, already in the words it prints. */
class CliError extends Error {
  constructor(
    message: string,
    public readonly exitCode: number,
  ) {
    super(message);
  }
}

/**
 * `cdk8s-delivery ARGS`: writes the output with `out` and each error with `err`; returns the exit code
 * (0 done, 1 a file or Rollout could not be read or planned, 2 a usage mistake).
 */
export function runCli(args: readonly string[], out: (text: string) => void, err: (text: string) => void): number {
  if (args.includes('--help') || args.includes('-h')) {
    out(USAGE);
    return 0;
  }
  try {
    const { format, files, svgOut } = parseArgs(args);
    const plans = planFiles(files);
    if (format === 'json') out(JSON.stringify(plans, null, 2) + '\n');
    else if (format === 'markdown') out(plans.map(renderPlanMarkdown).join('\n'));
    else if (format === 'table') out(plans.map(renderPlanTable).join('\n'));
    else {
      fs.writeFileSync(svgOut!, renderPlanSvg(plans));
      const steps = plans.reduce((n, p) => n + p.steps.length, 0);
      out(`${svgOut}: ${plans.length} ${plans.length === 1 ? 'Rollout' : 'Rollouts'}, ${steps} steps\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof CliError) {
      err(e.message.endsWith('\n') ? e.message : `${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

function parseArgs(args: readonly string[]): {
  format: 'table' | 'json' | 'markdown' | 'svg';
  files: string[];
  svgOut?: string;
} {
  if (args.length === 0) throw new CliError(USAGE, 2);
  const [command, ...rest] = args;
  if (command !== 'plan') throw new CliError(`error: unknown command "${command}"\n${USAGE}`, 2);
  const files: string[] = [];
  const formats: Array<'json' | 'markdown' | 'svg'> = [];
  let svgOut: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--json') formats.push('json');
    else if (a === '--markdown') formats.push('markdown');
    else if (a === '--svg' || a.startsWith('--svg=')) {
      svgOut = a === '--svg' ? rest[++i] : a.slice('--svg='.length);
      if (!svgOut) throw new CliError(`error: --svg needs the file to write\n${USAGE}`, 2);
      formats.push('svg');
    } else if (a.startsWith('-') && a !== '-') throw new CliError(`error: unknown option "${a}"\n${USAGE}`, 2);
    else files.push(a);
  }
  if (formats.length > 1) throw new CliError(`error: give at most one of --json, --markdown, --svg\n${USAGE}`, 2);
  if (files.length === 0) throw new CliError(`error: name at least one YAML file\n${USAGE}`, 2);
  return { format: formats[0] ?? 'table', files, svgOut };
}

/** Every Rollout of the files, planned; errors name the file and the object. */
function planFiles(files: readonly string[]): RolloutPlan[] {
  const objects: unknown[] = [];
  const fileOf = new Map<string, string>();
  for (const file of files) {
    let docs: unknown[];
    try {
      docs = readManifestFile(file);
    } catch (e) {
      if (e instanceof ManifestFileError) throw new CliError(`error: ${e.message}`, 1);
      throw e;
    }
    for (const o of docs) {
      objects.push(o);
      for (const label of labelsOf(o)) if (!fileOf.has(label)) fileOf.set(label, file);
    }
  }
  let plans: RolloutPlan[];
  try {
    plans = planFromManifests(objects);
  } catch (e) {
    if (!(e instanceof PlanError)) throw e;
    const file = fileOf.get(e.object) ?? [...fileOf].find(([label]) => sameObject(label, e.object))?.[1];
    throw new CliError(`error: ${file ?? files.join(', ')}: ${e.message}`, 1);
  }
  if (plans.length === 0) throw new CliError(`error: no argoproj.io/v1alpha1 Rollout in ${files.join(', ')}`, 1);
  return plans;
}

/** The labels a PlanError may use for an object: `Kind ns/name` and `Kind name`. */
function labelsOf(o: unknown): string[] {
  if (typeof o !== 'object' || o === null) return [];
  const r = o as Record<string, unknown>;
  const meta = (typeof r.metadata === 'object' && r.metadata ? r.metadata : {}) as Record<string, unknown>;
  if (typeof r.kind !== 'string' || typeof meta.name !== 'string') return [];
  const ns = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : undefined;
  return ns ? [`${r.kind} ${ns}/${meta.name}`, `${r.kind} ${meta.name}`] : [`${r.kind} ${meta.name}`];
}

function sameObject(label: string, object: string): boolean {
  const [kind, id] = object.split(' ');
  return label.startsWith(`${kind} `) && label.endsWith(`/${id}`);
}

if (require.main === module) {
  process.exitCode = runCli(
    process.argv.slice(2),
    t => process.stdout.write(t),
    t => process.stderr.write(t),
  );
}
