import * as fs from 'fs';
import * as path from 'path';

/**
 * Name of the kustomization written beside the manifests. Kustomize, Argo CD and Flux accept
 * `kustomization.yml` as well as `kustomization.yaml`; the `.yml` spelling keeps it out of
 * `cdk8s synth --stdout`, which prints every `*.yaml` file of the output folder and would
 * otherwise hand a Kustomization object to whatever applies that stream.
 */
export const KUSTOMIZATION_FILE = 'kustomization.yml';

/** The document marker every manifest file starts with. */
const DOCUMENT_START = '---\n';

/** True for a file name that holds manifests (cdk8s writes `*.k8s.yaml` by default). */
export function isManifest(file: string): boolean {
  return /\.ya?ml$/.test(file) && path.posix.basename(file) !== KUSTOMIZATION_FILE;
}

/** Code-unit order, the same on every machine and locale. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A YAML scalar for a file name: plain when that is unambiguous, else double-quoted. */
function yamlString(value: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9._/-]*$/.test(value) ? value : JSON.stringify(value);
}

/**
 * The kustomization that lists, in name order, every manifest among `files`: paths relative
 * to the output folder, with `/` between folders. Other files (such as
 * `construct-metadata.json` or the kustomization itself) are left out.
 * The result depends on the names only, so two synths of one app give the same bytes.
 */
export function kustomizationFor(files: readonly string[]): string {
  const resources = [...new Set(files.filter(isManifest))].sort(byCodeUnit);
  const lines = [
    '# Written by cdk8s-delivery on every synth: every manifest of this folder, in name order.',
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
  ];
  if (resources.length === 0) {
    lines.push('resources: []');
  } else {
    lines.push('resources:', ...resources.map(r => `  - ${yamlString(r)}`));
  }
  return lines.join('\n') + '\n';
}

/**
 * Escapes Go template delimiters so Helm copies `text` verbatim: Argo Rollouts arguments
 * (`{{args.service-name}}`) and Prometheus alert templates (`{{ $labels.pod }}`) would
 * otherwise be evaluated by Helm and fail to render.
 */
export function escapeForHelm(text: string): string {
  return text.split('{{').join('{{"{{"}}');
}

/**
 * True when `outdir` is the `templates` folder of a Helm chart, which is where
 * `cdk8s synth --format helm` asks the app to write (after creating `Chart.yaml`).
 */
export function isHelmTemplates(outdir: string): boolean {
  return (
    path.basename(path.resolve(outdir)) === 'templates' &&
    fs.existsSync(path.join(path.dirname(path.resolve(outdir)), 'Chart.yaml'))
  );
}

/** Every file below `dir`, relative to it with `/` separators. */
function filesBelow(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap(entry =>
      entry.isDirectory()
        ? filesBelow(path.join(dir, entry.name), `${prefix}${entry.name}/`)
        : [`${prefix}${entry.name}`],
    );
}

/**
 * A manifest file's text as {@link finishOutput} leaves it: starting with `---`, and with `{{`
 * escaped when it goes into a Helm chart's `templates` folder.
 */
export function finishManifest(text: string, helm: boolean): string {
  const started = text.startsWith(DOCUMENT_START) ? text : DOCUMENT_START + text;
  return helm ? escapeForHelm(started) : started;
}

/**
 * Finishes a synthesized folder for the tool that reads it. `dir` holds the manifests now;
 * `outdir` is where they end up (the same folder unless they are staged elsewhere first).
 *
 * - Every manifest file starts with `---`, so that the files joined end to end (as
 *   `cdk8s synth --stdout` prints them) stay separate YAML documents.
 * - In a Helm chart's `templates` folder, `{{` is escaped for Helm (`escapeForHelm`)
 *   and no kustomization is written, since Helm would render it as a manifest.
 * - Anywhere else, {@link KUSTOMIZATION_FILE} lists the manifests (`kustomizationFor`),
 *   so `kubectl kustomize` and GitOps tools can read the folder as it is.
 *
 * @returns the files of `dir` afterwards, in name order
 */
export function finishOutput(dir: string, outdir: string = dir): string[] {
  const helm = isHelmTemplates(outdir);
  const files = filesBelow(dir).filter(f => path.posix.basename(f) !== KUSTOMIZATION_FILE);
  for (const file of files.filter(isManifest)) {
    const full = path.join(dir, file);
    const text = fs.readFileSync(full, 'utf8');
    const finished = finishManifest(text, helm);
    if (finished !== text) fs.writeFileSync(full, finished);
  }
  if (!helm) fs.writeFileSync(path.join(dir, KUSTOMIZATION_FILE), kustomizationFor(files));
  return filesBelow(dir).sort(byCodeUnit);
}
