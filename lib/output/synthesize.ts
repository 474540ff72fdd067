import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Names, Yaml, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ensureAppChecks } from '../safety/app-checks';
import { DeliveryError } from '../core/errors';
import { constructMetadataResources } from '../safety/findings';
import { finishManifest, isHelmTemplates, isManifest, KUSTOMIZATION_FILE, kustomizationFor } from './kustomization';
import { manifestYaml } from './manifest-yaml';
import { isPlainObject } from '../core/props';
import { warningsOf } from '../core/warnings';
import { planReport } from '../plan/plan-from-construct';

/**
 * Name of the file {@link synthesizeApp} writes into every output folder, listing the files it
 * wrote. A folder without it, or holding files it does not list, is not replaced. Not a
 * `.yaml`/`.yml`/`.json` file, so kubectl, `cdk8s synth --stdout` and the kustomization ignore it.
 */
export const OUTPUT_MARKER = '.cdk8s-delivery';

/** One chart of a successful {@link synthesizeApp}, as passed to `onChart`. */
export interface ChartSummary {
  /** The chart's construct path. */
  readonly path: string;
  /** The files holding its objects, relative to `outdir`, sorted. */
  readonly files: readonly string[];
  /** How many Kubernetes objects it has. */
  readonly objects: number;
  /** How many warnings were recorded on its constructs (not on those of charts nested in it). */
  readonly warnings: number;
}

/** @internal A filesystem change synthesizeApp is about to make, for fault injection in tests. */
export interface FsStep {
  readonly op: 'mkdir' | 'writeFile' | 'rename' | 'unlink' | 'rmdir';
  readonly path: string;
  /** The new name, for `rename`. */
  readonly to?: string;
}

/** Options of {@link synthesizeApp}. */
export interface SynthesizeOptions {
  /**
   * Folder that receives the manifests, replaced as a whole. Must be a path that does not exist
   * yet, an empty folder, or a folder this function wrote (it holds an {@link OUTPUT_MARKER} file);
   * never the current folder, a folder above it, the filesystem root, the home folder, a file or
   * a symbolic link.
   */
  readonly outdir: string;
  /**
   * Where warnings go, one line each.
   * @default process.stderr
   */
  readonly log?: (line: string) => void;
  /**
   * Called once per chart, in output order, after the new output is in place.
   * @default nothing is called
   */
  readonly onChart?: (summary: ChartSummary) => void;
  /**
   * Print the whole plan of every Argo Rollout (each canary step's weight, pods and least time)
   * instead of one summary line per Rollout.
   * @default false
   */
  readonly plan?: boolean;
  /** @internal Called before every filesystem change, so tests can stop the process at any step. */
  readonly beforeFsStep?: (step: FsStep) => void;
  /** @internal How long to wait for another synthesis into the same outdir, in milliseconds (default 120 s). */
  readonly lockTimeoutMs?: number;
}

/** One problem found by the validations of an app: a construct path and a message. */
export interface ValidationProblem {
  /** Construct path, e.g. `dummy-api/stable`. */
  readonly path: string;
  /** What is wrong there. */
  readonly message: string;
}

/**
 * Thrown by {@link synthesizeApp} when validations fail. Its message is the one `app.synth()`
 * gives (`Validation failed with the following errors:` and one `  [path] message` line per
 * problem); `problems` has the same, one entry per problem.
 */
export class ValidationFailedError extends Error {
  constructor(
    /** Every problem found, in construct order. */
    public readonly problems: readonly ValidationProblem[],
  ) {
    super(
      `Validation failed with the following errors:\n  ${problems.map(p => `[${p.path}] ${p.message}`).join('\n  ')}`,
    );
    this.name = 'ValidationFailedError';
  }
}

const DEFAULT_LOCK_TIMEOUT_MS = 120_000;
const LOCK_POLL_MS = 50;

/**
 * Synthesizes `app` into a fresh staging folder beside `outdir` and only then swaps it in,
 * so a failing app (bad props, failed checks) leaves the previous output untouched.
 * Prints every warning. The folder is finished for GitOps and Helm as `finishOutput` finishes one
 * (a `---` at the start of every file, a kustomization listing them). Returns the files
 * written, relative to `outdir`, sorted (the {@link OUTPUT_MARKER} file left out).
 *
 * Safety (docs/guide/synthesis.md): a bad `outdir` is refused with a {@link DeliveryError} before
 * anything is touched; concurrent runs into one `outdir` take turns through a lock folder
 * (`.<name>.lock`) beside it; a run killed at any point leaves the old or the new output in
 * place, or a state the next run repairs first (a `.<name>.previous-*` folder put back,
 * `.<name>.staging-*` folders removed).
 *
 * The files are byte-identical to `app.synth()` for every `YamlOutputType`, but cost time
 * linear in the app: cdk8s re-validates and re-resolves dependencies of the whole app for
 * every chart (`Chart.toJson`), which makes one chart per service quadratic. Here validation
 * and dependency resolution run once, as the first step of `app.synth()` does; cdk8s's
 * repeats are no-ops for validations without side effects (the library's are). The YAML
 * text comes from `manifestYaml` (lib/output/manifest-yaml.ts), which writes what cdk8s's `Yaml.stringify` writes.
 */
export function synthesizeApp(app: App, options: SynthesizeOptions): string[] {
  ensureAppChecks(app);
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const target = checkOutdir(options.outdir);
  const all = app.node.findAll();
  validate(all);

  const io = new Steps(options.beforeFsStep);
  const { outdir, parent, name } = target;
  if (!fs.existsSync(parent)) io.mkdirp(parent);
  const release = lock(io, parent, name, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
  let staging: string | undefined;
  let result: Written;
  try {
    repair(io, parent, name);
    // Checked again under the lock: the folder may have changed since the first look.
    checkOutdir(options.outdir);
    staging = uniqueName(parent, name, 'staging');
    io.mkdir(staging);
    // Finished as they are written (what finishOutput does to a folder), so no file is written twice.
    const helm = isHelmTemplates(outdir);
    const dir = staging;
    // Only for a validation plugin: the cdk8s CLI asks for construct metadata exactly when validations are set.
    const forPlugin = !helm && (app as unknown as { recordConstructMetadata: boolean }).recordConstructMetadata;
    const cached: CacheEntry[] = [];
    result = writeManifests(
      app,
      all,
      (file, text) => io.writeFile(path.join(dir, file), text),
      folder => io.mkdir(path.join(dir, folder)),
      text => finishManifest(text, helm),
      // Helm's escaping changes what the files parse to; the plugin parses those.
      forPlugin ? (text, docs) => cacheEntry(text, docs, cached) : undefined,
    );
    if (!helm) {
      io.writeFile(path.join(staging, KUSTOMIZATION_FILE), kustomizationFor(result.files));
      result.files.push(KUSTOMIZATION_FILE);
      result.files.sort();
    }
    io.writeFile(path.join(staging, OUTPUT_MARKER), markerFor(result.files));
    swapIn(io, staging, outdir, parent, name);
    staging = undefined;
    // Under the lock, so runs into the same outdir record their entries in turn.
    if (forPlugin) recordManifestCache(outdir, cached);
  } finally {
    if (staging !== undefined && fs.existsSync(staging)) io.removeTree(staging);
    release();
  }
  for (const warning of result.warnings) log(`warning: ${warning}`);
  // After the warnings: what each Rollout will do, one line each (or the whole table with `plan`).
  for (const line of planReport(all, options.plan === true)) log(line);
  if (options.onChart) for (const summary of result.charts) options.onChart(summary);
  return result.files;
}

/** The marker's text: deterministic, YAML comments only, listing every file written. */
function markerFor(files: readonly string[]): string {
  return [
    '# Written by cdk8s-delivery (synthesizeApp), which replaces this folder as a whole on every synth.',
    '# It refuses to replace a folder without this file, or one holding files not listed here:',
    ...[...files].sort().map(f => `#   ${f}`),
    '',
  ].join('\n');
}

/** The files a marker lists, or undefined when `text` is not a marker. */
function markedFiles(text: string): Set<string> | undefined {
  const lines = text.split('\n');
  if (!lines[0].startsWith('# Written by cdk8s-delivery (synthesizeApp)')) return undefined;
  return new Set(lines.filter(l => l.startsWith('#   ')).map(l => l.slice(4)));
}

/**
 * The manifest cache, relative to the current folder (where `cdk8s synth` runs the app and the validation plugin):
 * `manifests/<sha256 of a manifest file's bytes>.json` holds the objects parsing that file gives, so the plugin
 * (plugin/index.js, which spells the same path) reads JSON instead of parsing YAML; `outputs/<sha256 of an
 * outdir>.json` lists the entries of that outdir's latest run. Outside the output folder: GitOps output is unchanged.
 */
const MANIFEST_CACHE = path.join('node_modules', '.cache', 'cdk8s-delivery');

/** One manifest file's cache entry. */
interface CacheEntry {
  /** sha256 (hex) of the file's bytes. */
  readonly hash: string;
  /** Its objects as JSON. */
  readonly json: string;
}

// Plain scalars YAML 1.2's core schema (the CLI's parser) reads as null, a boolean or a number. The text is written for
// YAML 1.1, which quotes almost all of those strings, but not every one (`0o17`, an octal number only in 1.2).
const CORE_NON_STRING =
  /^(?:~|[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)?$/;
// Written to the file as U+FFFD, kept by JSON.
const LONE_SURROGATE = /\p{Cs}/u;
const quoted = new Map<string, boolean>();

/** True when `value` is JSON that parsing its YAML, as written, gives back exactly (the rest is left to parsing). */
function parsesAsJson(value: unknown): boolean {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) return false;
    if (!CORE_NON_STRING.test(value)) return true;
    let q = quoted.get(value);
    if (q === undefined) {
      if (quoted.size > 10_000) quoted.clear();
      quoted.set(value, (q = /^["']/.test(Yaml.stringify(value))));
    }
    return q;
  }
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value === 'boolean' || value === null) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!parsesAsJson(value[i])) return false;
    return true;
  }
  if (!isPlainObject(value)) return false;
  for (const key of Object.keys(value)) {
    if (key === '__proto__' || key === '<<' || !parsesAsJson(key) || !parsesAsJson(value[key])) return false;
  }
  return true;
}

/** Adds the cache entry of a manifest file written as `text` from `docs` to `entries`, if JSON can hold it exactly. */
function cacheEntry(text: string, docs: readonly unknown[], entries: CacheEntry[]): void {
  // A file without objects parses as one empty document, a hole (undefined) as an empty document too: null.
  const objects = docs.length === 0 ? [null] : docs.map(d => (d === undefined ? null : d));
  if (!objects.every(parsesAsJson)) return;
  entries.push({ hash: createHash('sha256').update(text).digest('hex'), json: JSON.stringify(objects) });
}

/**
 * Writes the entries of `outdir`'s run and removes every entry no existing output folder's latest run lists (those of
 * this folder's earlier runs, and of folders since removed), so the cache holds about one run per output folder.
 * Only a cache: when it cannot be written, the plugin parses the manifests.
 */
function recordManifestCache(outdir: string, entries: readonly CacheEntry[]): void {
  // Only inside a project that has installed packages: never a node_modules folder where there was none.
  if (!fs.existsSync('node_modules')) return;
  try {
    const manifests = path.resolve(MANIFEST_CACHE, 'manifests');
    const outputs = path.resolve(MANIFEST_CACHE, 'outputs');
    fs.mkdirSync(manifests, { recursive: true });
    fs.mkdirSync(outputs, { recursive: true });
    for (const { hash, json } of entries) {
      const file = path.join(manifests, `${hash}.json`);
      // Content-addressed: the same bytes by another run. A shorter file is one a killed run cut off.
      if (fs.statSync(file, { throwIfNoEntry: false })?.size === Buffer.byteLength(json)) continue;
      fs.writeFileSync(file, json);
    }
    const index = createHash('sha256').update(outdir).digest('hex');
    fs.writeFileSync(
      path.join(outputs, `${index}.json`),
      JSON.stringify({ outdir, manifests: entries.map(e => e.hash) }),
    );
    const kept = new Set<string>();
    for (const name of fs.readdirSync(outputs)) {
      let listed: { outdir: string; manifests: string[] };
      try {
        listed = JSON.parse(fs.readFileSync(path.join(outputs, name), 'utf8'));
      } catch {
        continue; // being written by another run, or cut off: its next run rewrites it
      }
      if (fs.existsSync(listed.outdir)) for (const hash of listed.manifests) kept.add(`${hash}.json`);
      else fs.rmSync(path.join(outputs, name), { force: true });
    }
    for (const name of fs.readdirSync(manifests)) {
      if (!kept.has(name)) fs.rmSync(path.join(manifests, name), { force: true });
    }
  } catch {
    // Not writable (a read-only checkout, a file in the way): synth goes on without the cache.
  }
}

interface Target {
  /** outdir with the symbolic links of its existing parent folders resolved. */
  readonly outdir: string;
  readonly parent: string;
  readonly name: string;
}

/**
 * Refuses an outdir that synthesizeApp must not replace, touching nothing; returns where it
 * really is (symbolic links of existing parents resolved).
 */
function checkOutdir(given: unknown): Target {
  const refuse = (expected: string): never => {
    throw new DeliveryError('synthesizeApp', 'outdir', given, expected);
  };
  const WHOLE = 'and synthesizeApp replaces outdir as a whole: must be a folder of its own, such as "dist"';
  if (typeof given !== 'string' || given.trim() === '')
    return refuse('must name the folder to write the manifests to, such as "dist"');
  const absolute = path.resolve(given);
  // The deepest part of the path that exists, with its symbolic links resolved.
  let existing = absolute;
  const rest: string[] = [];
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) {
    rest.unshift(path.basename(existing));
    existing = path.dirname(existing);
  }
  const resolved = fs.realpathSync(existing);
  if (rest.length > 0 && !fs.statSync(resolved).isDirectory()) {
    return refuse(
      `${resolved} is a file, so no folder can be made below it: must be a path below a folder, such as "dist"`,
    );
  }
  const outdir = path.join(resolved, ...rest);
  const cwd = fs.realpathSync(process.cwd());
  // $HOME first: what the shell calls ~, also when a test or wrapper changes it.
  const home = realOrSelf(process.env.HOME || os.homedir());
  if (path.dirname(outdir) === outdir) return refuse(`that is the filesystem root, ${WHOLE}`);
  if (outdir === home) return refuse(`that is the home folder (${home}), ${WHOLE}`);
  if (outdir === cwd) return refuse(`that is the current folder (${cwd}), ${WHOLE}`);
  if (cwd.startsWith(outdir + path.sep))
    return refuse(`that is ${outdir}, which holds the current folder (${cwd}), ${WHOLE}`);

  const stat = lstatOrUndefined(absolute);
  if (stat?.isSymbolicLink()) {
    return refuse(
      `that is a symbolic link (to ${JSON.stringify(fs.readlinkSync(absolute))}), which synthesizeApp would replace instead of the folder it points to: must be the folder's own path`,
    );
  }
  const KINDS = 'must be a folder that synthesizeApp wrote, an empty folder or a path that does not exist yet';
  if (stat && !stat.isDirectory()) return refuse(`that is an existing file: ${KINDS}`);
  if (stat) {
    const entries = listTree(outdir);
    if (entries.length > 0) {
      const marker = path.join(outdir, OUTPUT_MARKER);
      const listed =
        fs.existsSync(marker) && fs.lstatSync(marker).isFile()
          ? markedFiles(fs.readFileSync(marker, 'utf8'))
          : undefined;
      if (!listed) {
        return refuse(
          `that is a folder synthesizeApp did not write (it holds ${quoteSome(entries.filter(e => !e.includes('/')))} but no ${OUTPUT_MARKER} file): ${KINDS}`,
        );
      }
      // Folders are fine when they hold listed files; anything else is someone's work.
      const folders = new Set(
        [...listed].flatMap(f =>
          f
            .split('/')
            .slice(0, -1)
            .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
        ),
      );
      const foreign = entries.filter(e => e !== OUTPUT_MARKER && !listed.has(e) && !folders.has(e));
      if (foreign.length > 0) {
        return refuse(
          `that folder holds files synthesizeApp did not write (${quoteSome(foreign)}), and synthesizeApp replaces outdir as a whole: move them away, or choose another outdir`,
        );
      }
    }
  }
  return { outdir, parent: path.dirname(outdir), name: path.basename(outdir) };
}

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/** Every file and folder below `dir`, relative, `/`-separated, sorted. */
function listTree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map(f => f.split(path.sep).join('/')).sort();
}

function quoteSome(names: readonly string[]): string {
  const shown = names
    .slice(0, 3)
    .map(n => JSON.stringify(n))
    .join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}

/** Filesystem changes, each announced to the (test-only) hook first. */
class Steps {
  constructor(private readonly hook?: (step: FsStep) => void) {}

  public mkdir(p: string): void {
    this.hook?.({ op: 'mkdir', path: p });
    // Mode 0777 less the umask (0755 usually), unlike mkdtemp's 0700.
    fs.mkdirSync(p);
  }

  public mkdirp(p: string): void {
    this.hook?.({ op: 'mkdir', path: p });
    fs.mkdirSync(p, { recursive: true });
  }

  public writeFile(p: string, text: string): void {
    this.hook?.({ op: 'writeFile', path: p });
    fs.writeFileSync(p, text, { encoding: 'utf8' });
  }

  public rename(from: string, to: string): void {
    this.hook?.({ op: 'rename', path: from, to });
    fs.renameSync(from, to);
  }

  public unlink(p: string): void {
    this.hook?.({ op: 'unlink', path: p });
    fs.unlinkSync(p);
  }

  public rmdir(p: string): void {
    this.hook?.({ op: 'rmdir', path: p });
    fs.rmdirSync(p);
  }

  /** Removes a folder and everything in it, one step per file or folder; symbolic links are removed, not followed. */
  public removeTree(p: string): void {
    if (fs.lstatSync(p).isDirectory()) {
      for (const entry of fs.readdirSync(p)) this.removeTree(path.join(p, entry));
      this.rmdir(p);
    } else {
      this.unlink(p);
    }
  }
}

/** A fresh name beside the output: `.<name>.<kind>-<pid>-<random>`. */
function uniqueName(parent: string, name: string, kind: 'staging' | 'previous'): string {
  return path.join(parent, `.${name}.${kind}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Whether a process with this id runs (another user's counts); our own id is never a holder, as synthesis is
 * synchronous.
 */
function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Takes the lock `.<name>.lock` beside the output; returns its release. The lock is a folder
 * holding one file named for the holder's process id. It is made complete under another name
 * and renamed into place, which succeeds only while no lock exists (or an emptied one): so
 * a lock is never seen without its holder. A holder whose process is gone is removed (its file
 * unlinked: another taker of the same stale lock then unlinks nothing), and the rename retried.
 */
function lock(io: Steps, parent: string, name: string, timeoutMs: number): () => void {
  const lockDir = path.join(parent, `.${name}.lock`);
  const mine = path.join(parent, `.${name}.lock-${process.pid}`);
  if (fs.existsSync(mine)) io.removeTree(mine); // left by an earlier, killed process with our id
  io.mkdir(mine);
  io.writeFile(path.join(mine, String(process.pid)), '');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      io.rename(mine, lockDir);
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') {
        if (fs.existsSync(mine)) io.removeTree(mine);
        throw e;
      }
    }
    let holders: string[];
    try {
      holders = fs.readdirSync(lockDir);
    } catch {
      continue; // released meanwhile
    }
    const live = holders.filter(h => isAlive(Number(h)));
    for (const stale of holders.filter(h => !live.includes(h))) {
      try {
        io.unlink(path.join(lockDir, stale));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    if (live.length === 0) continue;
    if (Date.now() > deadline) {
      io.removeTree(mine);
      throw new Error(
        `synthesizeApp: another synthesis into ${path.join(parent, name)} (process ${live.join(', ')}) still holds ${lockDir} after ${timeoutMs / 1000} s: wait for it to finish, or remove ${lockDir} if no such process runs`,
      );
    }
    sleep(LOCK_POLL_MS);
  }
  return () => {
    try {
      io.unlink(path.join(lockDir, String(process.pid)));
      io.rmdir(lockDir);
    } catch (e) {
      // An emptied lock folder is a free lock; anything else is worth knowing.
      if (!['ENOENT', 'ENOTEMPTY', 'EEXIST'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
    }
  };
}

/**
 * Puts back what a killed run left, under the lock, before anything else: an output moved
 * aside (`.<name>.previous-*`) but not replaced is renamed back; staging folders, outputs
 * already replaced and the lock folders of dead processes are removed.
 */
function repair(io: Steps, parent: string, name: string): void {
  const outdir = path.join(parent, name);
  const entries = fs.readdirSync(parent).sort();
  // Exactly the names uniqueName gives, so the folders of an output named `dist.previous-x` are not taken for dist's.
  const ours = (kind: string) => new RegExp(`^\\.${escapeRegExp(name)}\\.${kind}-\\d+-[0-9a-f]{8}$`);
  const previous = entries.filter(e => ours('previous').test(e)).map(e => path.join(parent, e));
  if (!fs.existsSync(outdir) && previous.length > 0) {
    // Only one can exist (each run repairs first); should there be more, the latest moved aside wins.
    const latest = previous.reduce((a, b) => (fs.statSync(b).ctimeMs > fs.statSync(a).ctimeMs ? b : a));
    io.rename(latest, outdir);
  }
  for (const p of previous.filter(p => fs.existsSync(p))) {
    // Renamed first, so a `.previous-*` folder is always a complete output, never a half-removed one.
    const trash = uniqueName(parent, name, 'staging');
    io.rename(p, trash);
    io.removeTree(trash);
  }
  for (const e of entries.filter(e => ours('staging').test(e))) io.removeTree(path.join(parent, e));
  const lockTemp = new RegExp(`^\\.${escapeRegExp(name)}\\.lock-(\\d+)$`);
  for (const e of entries) {
    const m = lockTemp.exec(e);
    if (m && !isAlive(Number(m[1]))) io.removeTree(path.join(parent, e));
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces `outdir` by `staging` with two renames; puts the previous output back if the second
 * fails. Between the two, only `.<name>.previous-*` holds the output: the next run puts it back.
 */
function swapIn(io: Steps, staging: string, outdir: string, parent: string, name: string): void {
  if (!fs.existsSync(outdir)) {
    io.rename(staging, outdir);
    return;
  }
  const previous = uniqueName(parent, name, 'previous');
  io.rename(outdir, previous);
  try {
    io.rename(staging, outdir);
  } catch (e) {
    io.rename(previous, outdir);
    throw e;
  }
  const trash = uniqueName(parent, name, 'staging');
  io.rename(previous, trash);
  io.removeTree(trash);
}

interface Written {
  /** Files written, relative to the folder, sorted. */
  readonly files: string[];
  readonly charts: ChartSummary[];
  /** Every warning, `[path] message`. */
  readonly warnings: string[];
}

/**
 * Writes what `app.synth()` writes, through `write` and `mkdir` (paths relative to the output),
 * each manifest file's text passed through `finish`; returns the files, per-chart summaries and warnings.
 */
function writeManifests(
  app: App,
  all: readonly IConstruct[],
  write: (file: string, text: string) => void,
  mkdir: (folder: string) => void,
  finish: (text: string) => string,
  record?: (text: string, docs: readonly unknown[]) => void,
): Written {
  const written = new Set<string>();
  const filesOf = new Map<Chart, Set<string>>();
  const objectsOf = new Map<Chart, number>();
  const save = (file: string, docs: unknown[], chart?: Chart) => {
    const text = manifestYaml(docs);
    const finished = isManifest(file) ? finish(text) : text;
    write(file, finished);
    record?.(finished, docs);
    written.add(file);
    if (chart) {
      if (!filesOf.has(chart)) filesOf.set(chart, new Set());
      filesOf.get(chart)!.add(file);
    }
  };
  const hasDependantCharts = resolveDependencies(all);
  const charts = dependencyOrder(app).filter(Chart.isChart) as Chart[];
  const ext = app.outputFileExtension;
  const indexed = (i: number, chart: Chart) =>
    (hasDependantCharts ? `${String(i).padStart(4, '0')}-` : '') + Names.toDnsLabel(chart);
  const rendered = (chart: Chart) => {
    const docs = chartJson(chart);
    objectsOf.set(chart, docs.filter(d => d !== undefined).length);
    return docs;
  };

  switch (app.yamlOutputType) {
    case YamlOutputType.FILE_PER_APP: {
      const docs = charts.map(rendered);
      if (charts.length > 0) {
        save(`app${ext}`, docs.flat());
        for (const chart of charts) filesOf.set(chart, new Set([`app${ext}`]));
      }
      break;
    }
    case YamlOutputType.FILE_PER_CHART:
      charts.forEach((chart, i) => save(indexed(i, chart) + ext, rendered(chart), chart));
      break;
    case YamlOutputType.FILE_PER_RESOURCE:
      for (const chart of charts) {
        for (const doc of rendered(chart)) {
          if (doc !== undefined) save(resourceFileName(doc.kind, doc.metadata.name) + ext, [doc], chart);
        }
      }
      break;
    case YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE:
      charts.forEach((chart, i) => {
        const folder = indexed(i, chart);
        mkdir(folder);
        const objects = chartObjects(chart);
        objectsOf.set(chart, objects.length);
        for (const obj of objects) {
          save(
            path
              .join(folder, resourceFileName(obj.kind, obj.metadata.name) + ext)
              .split(path.sep)
              .join('/'),
            [obj.toJson()],
            chart,
          );
        }
      });
      break;
  }
  if ((app as unknown as { recordConstructMetadata: boolean }).recordConstructMetadata) {
    // Keyed by `Kind/namespace/name` as well as by name, so objects sharing a name across kinds keep their own path.
    const resources = constructMetadataResources(charts.flatMap(chartObjects));
    write('construct-metadata.json', JSON.stringify({ version: '1.0.0', resources }));
    written.add('construct-metadata.json');
  }

  // Warnings, each counted on the nearest chart of the construct that has it.
  const chartAt = new Map<string, Chart | undefined>(
    all.map(c => [c.node.path, c.node.scopes.slice().reverse().find(Chart.isChart)]),
  );
  const warnings = warningsOf(app);
  const warningsOfChart = new Map<Chart, number>();
  for (const warning of warnings) {
    // `[<path>] <message>`: the first `] ` that closes a known path.
    for (let end = warning.indexOf('] '); end > 0; end = warning.indexOf('] ', end + 1)) {
      const at = warning.slice(1, end);
      if (!chartAt.has(at)) continue;
      const chart = chartAt.get(at);
      if (chart) warningsOfChart.set(chart, (warningsOfChart.get(chart) ?? 0) + 1);
      break;
    }
  }
  return {
    files: [...written].sort(),
    charts: charts.map(chart => ({
      path: chart.node.path,
      files: [...(filesOf.get(chart) ?? [])].sort(),
      objects: objectsOf.get(chart) ?? 0,
      warnings: warningsOfChart.get(chart) ?? 0,
    })),
    warnings,
  };
}

function resourceFileName(kind: string, name: string | undefined): string {
  return `${kind}.${name}`.replace(/[^0-9a-zA-Z-_.]/g, '');
}

/**
 * A chart's manifests, as `Chart.toJson` gives them minus its per-chart re-run of validation and dependency resolution.
 */
function chartJson(chart: Chart): Array<RenderedObject | undefined> {
  // A chart class that overrides toJson gets its own (quadratic, but correct) rendering.
  if (chart.toJson !== Chart.prototype.toJson) return Object.values(chart.toJson());
  return chartObjects(chart).map(obj => obj.toJson());
}

/** An object as `ApiObject.toJson` renders it (undefined where a chart's `toJson` leaves a hole). */
type RenderedObject = { readonly kind: string; readonly metadata: { readonly name?: string } };

/** The ApiObjects of a chart (not of charts nested in it), in dependency order. */
function chartObjects(chart: Chart): ApiObject[] {
  return dependencyOrder(chart).filter(x => ApiObject.isApiObject(x) && Chart.of(x) === chart) as ApiObject[];
}

/** Same check and message as `app.synth()`. */
function validate(all: readonly IConstruct[]): void {
  const problems: ValidationProblem[] = [];
  for (const c of all) {
    for (const message of c.node.validate()) problems.push({ path: c.node.path, message });
  }
  if (problems.length > 0) throw new ValidationFailedError(problems);
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
    if (!found) subtree.set(c, (found = c.node.findAll()));
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
