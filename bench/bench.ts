/**
 * `npm run bench`: what synthesis costs with this library's constructs against hand-written cdk8s L1 objects that
 * produce the same manifests, through the same writer, on every path a user takes:
 * - builder: the library's constructs (`lib`) or hand-written `k8s.Kube*` L1 objects (`l1`);
 * - writer: plain `app.synth()` (what a user's main.ts and `cdk8s synth` run) or this library's `synthesizeApp`;
 * - layout: all N services in one chart, or one chart per service;
 * - wiring checks off or on (`enableWiringChecks(app)`);
 * for N = 100 and 1000 services; then whole-process `npm run synth` of the examples against a minimal cdk8s app
 * started the same way.
 *
 * Every measured run is a child process (bench/child.ts, loaded through scripts/swc-register.js, whose cache is warm
 * after the first run), so its peak RSS is its own. Time is build + synth inside the child (module loading
 * excluded: the same for every run; the whole-process part covers it). Per N: one warm-up run of each combination,
 * whose manifests must equal the L1 app's through `app.synth()` (else the bench fails), then rounds that alternate
 * all combinations; medians reported. The machine may be shared: compare the ratios of one run.
 *
 * Options: --quick (equality at N=10 in this process, plus one timed round at N=100, no whole-process part: for
 * development, about 20 s), --sizes=100,1000, --runs=5, --no-process, --keep (leave the outputs in the temporary
 * folder it prints). The last line is machine-readable (see `printSummary`).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Flavour, Layout } from './apps';
import { manifestDifferences } from './compare';

const ROOT = path.resolve(__dirname, '..');
const REGISTER = path.join(ROOT, 'scripts', 'swc-register.js');

type Writer = 'app.synth' | 'synthesizeApp';
type Checks = 'checks' | 'no-checks';
interface Combo {
  readonly flavour: Flavour;
  readonly layout: Layout;
  readonly writer: Writer;
  readonly checks: Checks;
}
interface Run {
  ms: number;
  buildMs: number;
  synthMs: number;
  peakRssKiB: number;
  baseRssKiB: number;
  warnings: number;
}

const LAYOUTS: readonly Layout[] = ['single', 'multi'];
const WRITERS: readonly Writer[] = ['app.synth', 'synthesizeApp'];
const COMBOS: readonly Combo[] = LAYOUTS.flatMap(layout =>
  WRITERS.flatMap(writer =>
    (['no-checks', 'checks'] as const).flatMap(checks =>
      (['lib', 'l1'] as const).map(flavour => ({ flavour, layout, writer, checks })),
    ),
  ),
);
const label = (c: Combo) => `${c.flavour} ${c.layout} ${c.writer} ${c.checks}`;

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => args.find(a => a.startsWith(`--${name}=`))?.split('=')[1];

function main(): void {
  const quick = flag('quick');
  if (quick) quickEquality();
  const sizes = (option('sizes') ?? (quick ? '100' : '100,1000')).split(',').map(Number);
  const runs = Number(option('runs') ?? (quick ? 1 : 5));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-delivery-bench-'));
  const started = Date.now();
  console.log(`# ${describeMachine()}`);
  const times = new Map<string, Run[]>();
  for (const n of sizes) measure(n, runs, out, times);
  printTable(sizes, times);
  const whole = quick || flag('no-process') ? undefined : wholeProcess(runs, out);
  if (flag('keep')) console.log(`# outputs kept in ${out}`);
  else fs.rmSync(out, { recursive: true, force: true });
  console.log(`# bench took ${((Date.now() - started) / 1000).toFixed(0)} s, load ${loadavg()} at the end`);
  printSummary(sizes, times, whole);
}

/** The library and L1 apps at N=10, through both writers, checks on: equal manifests and no error. */
function quickEquality(): void {
  // Loaded here, so that the full bench's own process stays small.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { synthesizeApp, enableWiringChecks } = require('../lib') as typeof import('../lib');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildApp } = require('./apps') as typeof import('./apps');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-delivery-bench-'));
  try {
    for (const layout of LAYOUTS) {
      const dirs: string[] = [];
      for (const c of COMBOS.filter(c => c.layout === layout)) {
        const dir = path.join(out, label(c).replace(/ /g, '-'));
        const app = buildApp(c.flavour, layout, 10, dir);
        if (c.checks === 'checks') enableWiringChecks(app);
        if (c.writer === 'synthesizeApp') synthesizeApp(app, { outdir: dir, log: () => undefined });
        else app.synth();
        const problems = dirs.length ? manifestDifferences(dirs[0], dir) : [];
        if (problems.length) fail(`${label(c)}, N=10: manifests differ from ${dirs[0]}:\n${problems.join('\n')}`);
        dirs.push(dir);
      }
      console.log(`bench --quick: ${layout}: equal manifests at N=10 on all ${dirs.length} paths`);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

function measure(n: number, runs: number, out: string, times: Map<string, Run[]>): void {
  const dirOf = (c: Combo) => path.join(out, `${n}-${label(c).replace(/ /g, '-')}`);
  for (const layout of LAYOUTS) {
    const reference = COMBOS.find(c => c.layout === layout)!;
    // Warm-up (file cache, the transpile cache, V8's code cache), and the outputs the equality check reads.
    for (const c of COMBOS.filter(c => c.layout === layout)) {
      runChild(c, n, dirOf(c));
      if (c === reference) continue;
      const problems = manifestDifferences(dirOf(reference), dirOf(c));
      if (problems.length) fail(`${label(c)}, N=${n}: manifests differ from ${label(reference)}:\n${problems[0]}`);
    }
  }
  for (const c of COMBOS) fs.rmSync(dirOf(c), { recursive: true, force: true });
  for (let i = 0; i < runs; i++) {
    for (const c of COMBOS) {
      const key = `${label(c)} ${n}`;
      times.set(key, [...(times.get(key) ?? []), runChild(c, n, dirOf(c))]);
      fs.rmSync(dirOf(c), { recursive: true, force: true });
    }
  }
  console.log(`# N=${n}: ${runs} rounds of ${COMBOS.length} combinations, load ${loadavg()}`);
}

function runChild(c: Combo, n: number, outdir: string): Run {
  fs.rmSync(outdir, { recursive: true, force: true });
  const child = path.join(ROOT, 'bench', 'child.ts');
  const argv = ['-r', REGISTER, child, c.flavour, c.layout, c.writer, c.checks, String(n), outdir];
  const result = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (result.status !== 0) fail(`child ${label(c)} ${n} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

const t = (times: Map<string, Run[]>, c: Combo, n: number) =>
  median((times.get(`${label(c)} ${n}`) ?? []).map(r => r.ms));
const rss = (times: Map<string, Run[]>, c: Combo, n: number) =>
  median((times.get(`${label(c)} ${n}`) ?? []).map(r => r.peakRssKiB)) / 1024;
const find = (flavour: Flavour, layout: Layout, writer: Writer, checks: Checks) =>
  COMBOS.find(c => c.flavour === flavour && c.layout === layout && c.writer === writer && c.checks === checks)!;

function printTable(sizes: readonly number[], times: Map<string, Run[]>): void {
  console.log('');
  console.log('Median build + synth time (ms) and peak RSS (MiB) of one run. Each row: one writer, layout and');
  console.log('wiring-check setting, the library against hand-written L1 objects giving the same manifests.');
  const head = sizes.flatMap(n => [`lib ms @${n}`, `l1 ms @${n}`, `lib/l1 @${n}`]);
  const last = sizes[sizes.length - 1];
  console.log(
    `| writer | layout | wiring checks | ${head.join(' | ')} | lib MiB @${last} | l1 MiB @${last} | lib ${sizes.length > 1 ? `@${last}/@${sizes[0]}` : ''} |`,
  );
  console.log(`|---|---|---|${head.map(() => '---:').join('|')}|---:|---:|---:|`);
  for (const writer of WRITERS) {
    for (const layout of LAYOUTS) {
      for (const checks of ['no-checks', 'checks'] as const) {
        const lib = find('lib', layout, writer, checks);
        const l1 = find('l1', layout, writer, checks);
        const cells = sizes.flatMap(n => [
          t(times, lib, n).toFixed(0),
          t(times, l1, n).toFixed(0),
          (t(times, lib, n) / t(times, l1, n)).toFixed(2),
        ]);
        const scale = sizes.length > 1 ? (t(times, lib, last) / t(times, lib, sizes[0])).toFixed(1) : '-';
        console.log(
          `| ${writer === 'app.synth' ? '`app.synth()`' : '`synthesizeApp`'} | ${layout === 'single' ? 'one chart' : 'chart per service'} | ${checks === 'checks' ? 'on' : 'off'} | ${cells.join(' | ')} | ${rss(times, lib, last).toFixed(0)} | ${rss(times, l1, last).toFixed(0)} | ${scale} |`,
        );
      }
    }
  }
}

interface Whole {
  readonly synthMs: number;
  readonly ratio: number;
}

/**
 * Whole processes, each writing its own output folder (every one must equal the first's byte for byte): `npm run
 * synth`; the same app without npm, through our SWC hook and through ts-node (what `npm run synth` ran before);
 * a minimal cdk8s app (one chart, one ConfigMap, `app.synth()`) started the same way as `npm run synth`'s app;
 * and `node -e ''`.
 */
function wholeProcess(runs: number, out: string): Whole {
  const main = path.join(ROOT, 'main.ts');
  const minimal = path.join(ROOT, 'bench', 'minimal-app.ts');
  const commands: Array<{ label: string; command: string; argv: readonly string[]; synth: boolean }> = [
    { label: 'npm run synth', command: 'npm', argv: ['run', '--silent', 'synth'], synth: true },
    {
      label: 'node -r ./scripts/swc-register.js main.ts',
      command: process.execPath,
      argv: ['-r', REGISTER, main],
      synth: true,
    },
    {
      label: 'node -r ts-node/register/transpile-only main.ts (the runner before)',
      command: process.execPath,
      argv: ['-r', 'ts-node/register/transpile-only', main],
      synth: true,
    },
    {
      label: 'node -r ./scripts/swc-register.js bench/minimal-app.ts',
      command: process.execPath,
      argv: ['-r', REGISTER, minimal],
      synth: false,
    },
    { label: "node -e ''", command: process.execPath, argv: ['-e', ''], synth: false },
  ];
  const times = new Map<string, number[]>(commands.map(c => [c.label, []]));
  const dirs = commands.map((_, i) => path.join(out, `process-${i}`));
  // One untimed round warms the file cache and the transpile cache; then rounds alternate the commands.
  for (let round = 0; round <= runs; round++) {
    commands.forEach((c, i) => {
      fs.rmSync(dirs[i], { recursive: true, force: true });
      const env = { ...process.env, CDK8S_OUTDIR: dirs[i] };
      const start = performance.now();
      const result = spawnSync(c.command, c.argv, { cwd: ROOT, env, encoding: 'utf8' });
      const ms = performance.now() - start;
      if (result.status !== 0) fail(`${c.label} failed:\n${result.stderr}`);
      if (round > 0) times.get(c.label)!.push(ms);
    });
  }
  const m = (i: number) => median(times.get(commands[i].label)!);
  console.log('');
  console.log(`Whole process (median of ${runs}, alternating; load ${loadavg()}):`);
  console.log('| command | wall ms | output |');
  console.log('|---|---:|---|');
  commands.forEach((c, i) => {
    const output = !c.synth ? '' : i === 0 ? 'reference' : sameTree(dirs[i], dirs[0]) ? 'same bytes' : 'DIFFERS';
    if (output === 'DIFFERS') fail(`${c.label} wrote other bytes than npm run synth`);
    console.log(`| ${c.label} | ${m(i).toFixed(0)} | ${output} |`);
  });
  const npm = m(0) - m(1);
  console.log(
    `npm's own start adds ${npm.toFixed(0)} ms; \`npm run synth\` with the runner before would take about ${(m(2) + npm).toFixed(0)} ms, ` +
      `so it now takes ${(m(0) / (m(2) + npm)).toFixed(2)}x that. The examples take ${(m(1) / m(3)).toFixed(2)}x a minimal cdk8s app started the same way.`,
  );
  return { synthMs: m(0), ratio: m(1) / m(3) };
}

function printSummary(sizes: readonly number[], times: Map<string, Run[]>, whole: Whole | undefined): void {
  const big = sizes[sizes.length - 1];
  const small = sizes[0];
  const ratio = (layout: Layout, writer: Writer, libChecks: Checks, l1Checks: Checks = 'no-checks') =>
    t(times, find('lib', layout, writer, libChecks), big) / t(times, find('l1', layout, writer, l1Checks), big);
  // Construct cost: the same writer for both (synthesizeApp, one chart: the least writer overhead).
  const constructs = ratio('single', 'synthesizeApp', 'no-checks');
  const appsynthMulti = ratio('multi', 'app.synth', 'no-checks');
  const checksMulti = ratio('multi', 'app.synth', 'checks');
  const libCombos = COMBOS.filter(c => c.flavour === 'lib');
  const scales = libCombos.map(c => ({ c, s: t(times, c, big) / t(times, c, small) }));
  const worst = scales.reduce((a, b) => (b.s > a.s ? b : a));
  const l1Scale =
    t(times, find('l1', 'multi', 'app.synth', 'no-checks'), big) /
    t(times, find('l1', 'multi', 'app.synth', 'no-checks'), small);
  const mems = COMBOS.filter(c => c.flavour === 'lib' && c.checks === 'no-checks').map(
    c => rss(times, c, big) / rss(times, find('l1', c.layout, c.writer, 'no-checks'), big),
  );
  const mem = Math.max(...mems);
  console.log('');
  console.log(`What the last line means (N=${big}; each a ratio of medians from this run):`);
  console.log(
    `- constructs/l1: library / L1, both through synthesizeApp in one chart (construct cost alone): ${constructs.toFixed(2)}`,
  );
  console.log(
    `- appsynth-multi/l1: library / L1, both through app.synth() with a chart per service: ${appsynthMulti.toFixed(2)} (target <= 1.1)`,
  );
  console.log(
    `- checks-multi/l1: library with wiring checks on / L1 without, both through app.synth() with a chart per service: ${checksMulti.toFixed(2)} (target <= 1.4)`,
  );
  console.log(
    `- scale${big}/${small}: the library's worst time(${big})/time(${small}) over all ${libCombos.length} of its paths (${label(worst.c)}): ${worst.s.toFixed(2)} (target <= 11; L1 through app.synth() with a chart per service: ${l1Scale.toFixed(2)})`,
  );
  if (whole)
    console.log(
      `- synth/minimal: the examples (main.ts) / a minimal cdk8s app, whole processes started the same way: ${whole.ratio.toFixed(2)}; npm run synth ${whole.synthMs.toFixed(0)} ms`,
    );
  console.log(
    `- mem/l1: the library's worst peak RSS / L1's over the writers and layouts, checks off: ${mem.toFixed(2)}`,
  );
  console.log(
    `bench: constructs/l1@${big}=${constructs.toFixed(2)} appsynth-multi/l1@${big}=${appsynthMulti.toFixed(2)} checks-multi/l1@${big}=${checksMulti.toFixed(2)} ` +
      `scale${big}/${small}=${worst.s.toFixed(2)} synth/minimal=${whole ? whole.ratio.toFixed(2) : '-'} mem/l1@${big}=${mem.toFixed(2)}`,
  );
}

/** True when both folders hold the same files with the same bytes. */
function sameTree(a: string, b: string): boolean {
  const list = (dir: string) => (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
  const files = list(a);
  return (
    JSON.stringify(files) === JSON.stringify(list(b)) &&
    files.every(f => {
      const p = path.join(a, f);
      return fs.statSync(p).isDirectory() || fs.readFileSync(p).equals(fs.readFileSync(path.join(b, f)));
    })
  );
}

function describeMachine(): string {
  const cpus = os.cpus();
  return (
    `${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, load ${loadavg()}, ` +
    `Node ${process.version}, ${os.type()} ${os.release()}`
  );
}

function loadavg(): string {
  return os
    .loadavg()
    .map(l => l.toFixed(1))
    .join(' ');
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(1);
}

main();
