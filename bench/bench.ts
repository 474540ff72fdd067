/**
 * `npm run bench`: synthesis cost of this library against hand-written cdk8s L1 objects that
 * produce the same manifests, for N = 10, 100 and 1000 microservices in one chart and in one
 * chart per service; then whole-process `npm run synth` of the examples against `node -e ''`.
 *
 * Every measured run is a child process running precompiled JavaScript (no TypeScript compiler
 * in its memory), so its peak RSS is its own. Per N: one warm-up run of each flavour, whose
 * outputs must be equal as parsed manifests (else the bench fails), then runs alternating
 * lib, l1, lib, l1 ... Times are build + synth inside the child (module loading excluded,
 * the same for both). The machine is shared: compare ratios from one run, not absolute times.
 *
 * Options: --quick (equality check at N=10 only, in-process, no timings: fit for the test suite),
 * --sizes=10,100,1000, --runs=5 (timed rounds per N), --no-process (skip
 * the whole-process part), --keep (leave the outputs in the temporary folder it prints).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { synthesizeApp } from '../lib';
import { buildApp, Flavour, Layout } from './apps';
import { manifestDifferences, sameBytes } from './compare';

const ROOT = path.resolve(__dirname, '..');
// Inside node_modules (ignored by git, resolves packages like the sources do), away from build/, which others clean.
const JS = path.join(ROOT, 'node_modules', '.cache', 'cdk8s-delivery-bench');

interface Run {
  ms: number;
  buildMs: number;
  synthMs: number;
  peakRssKiB: number;
  baseRssKiB: number;
  warnings: number;
}
/**
 * `lib-cdk8s`: the library's constructs through plain `app.synth()`, to show construct cost apart from the synth path.
 */
type Measured = Flavour | 'lib-cdk8s';
interface Row {
  layout: Layout;
  n: number;
  lib: Run[];
  l1: Run[];
  'lib-cdk8s': Run[];
  identicalBytes: boolean;
}

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => args.find(a => a.startsWith(`--${name}=`))?.split('=')[1];

function main(): void {
  if (flag('quick')) {
    quick();
    return;
  }
  const sizes = (option('sizes') ?? '10,100,1000').split(',').map(Number);
  const runs = Number(option('runs') ?? 5);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-delivery-bench-'));
  const started = Date.now();
  const compileMs = compile();
  console.log(`# ${describeMachine()}`);
  console.log(
    `# transpiled lib, bench, examples and main.ts to ${path.relative(ROOT, JS)} in ${compileMs.toFixed(0)} ms`,
  );

  const rows: Row[] = [];
  for (const layout of ['single', 'multi'] as const) {
    for (const n of sizes) {
      rows.push(measure(layout, n, runs, out));
      printRow(rows[rows.length - 1]);
    }
  }
  printTable(rows);
  if (!flag('no-process')) wholeProcess(runs);
  if (flag('keep')) console.log(`# outputs kept in ${out}`);
  else fs.rmSync(out, { recursive: true, force: true });
  console.log(`# bench took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  printSummary(rows);
}

/** Equality of the two flavours' manifests at N=10, in this process. Exits 1 on a difference. */
function quick(): void {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-delivery-bench-'));
  try {
    for (const layout of ['single', 'multi'] as const) {
      const dirs = { lib: path.join(out, `${layout}-lib`), l1: path.join(out, `${layout}-l1`) };
      synthesizeApp(buildApp('lib', layout, 10, dirs.lib), { outdir: dirs.lib, log: () => undefined });
      buildApp('l1', layout, 10, dirs.l1).synth();
      const problems = manifestDifferences(dirs.lib, dirs.l1);
      if (problems.length) fail(`${layout} chart(s), N=10: library and L1 manifests differ:\n${problems.join('\n')}`);
      console.log(
        `bench --quick: ${layout}: library and L1 manifests are equal at N=10${sameBytes(dirs.lib, dirs.l1) ? ' (byte-identical)' : ''}`,
      );
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

function measure(layout: Layout, n: number, runs: number, out: string): Row {
  const dirs = { lib: path.join(out, `${layout}-${n}-lib`), l1: path.join(out, `${layout}-${n}-l1`) };
  // Warm-up (file cache, V8 code cache), and the outputs the equality check reads.
  runChild('lib', layout, n, dirs.lib);
  runChild('l1', layout, n, dirs.l1);
  const problems = manifestDifferences(dirs.lib, dirs.l1);
  if (problems.length)
    fail(`${layout} chart(s), N=${n}: library and L1 manifests differ:\n${problems.slice(0, 3).join('\n')}`);
  const identicalBytes = sameBytes(dirs.lib, dirs.l1);
  const row: Row = { layout, n, lib: [], l1: [], 'lib-cdk8s': [], identicalBytes };
  // The library through plain app.synth() only in one chart: with a chart per service it is as quadratic as l1.
  const flavours: Measured[] = layout === 'single' ? ['lib', 'l1', 'lib-cdk8s'] : ['lib', 'l1'];
  if (layout === 'single') runChild('lib-cdk8s', layout, n, dirs.lib);
  for (let i = 0; i < runs; i++) {
    for (const f of flavours) row[f].push(runChild(f, layout, n, f === 'l1' ? dirs.l1 : dirs.lib));
  }
  return row;
}

function runChild(flavour: Measured, layout: Layout, n: number, outdir: string): Run {
  fs.rmSync(outdir, { recursive: true, force: true });
  const result = spawnSync(process.execPath, [path.join(JS, 'bench', 'child.js'), flavour, layout, String(n), outdir], {
    encoding: 'utf8',
  });
  if (result.status !== 0) fail(`child ${flavour} ${layout} ${n} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

/** Transpiles the TypeScript the children and the precompiled runner need; returns the time it took. */
function compile(): number {
  const start = performance.now();
  fs.rmSync(JS, { recursive: true, force: true });
  const sources = ['lib', 'bench', 'examples', 'imports']
    .flatMap(dir => (fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[]).map(f => path.join(dir, f)))
    .filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .concat('main.ts');
  for (const file of sources) {
    const { outputText } = ts.transpileModule(fs.readFileSync(path.join(ROOT, file), 'utf8'), {
      fileName: file,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true },
    });
    const target = path.join(JS, file.replace(/\.ts$/, '.js'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, outputText);
  }
  return performance.now() - start;
}

/**
 * Whole processes: how long `npm run synth` of the examples takes, and with which runner it is
 * fastest. Every runner writes its own output folder; they must all equal `npm run synth`'s.
 */
function wholeProcess(runs: number): void {
  const synthOut = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-delivery-synth-'));
  // The same command as `npm run synth`, with ts-node told to transpile with SWC in tsconfig.json.
  const swcConfig = path.join(JS, 'tsconfig.swc.json');
  fs.writeFileSync(swcConfig, JSON.stringify({ extends: path.join(ROOT, 'tsconfig.json'), 'ts-node': { swc: true } }));
  const tsNodeRegister = [process.execPath, ['-r', 'ts-node/register/transpile-only', 'main.ts']] as const;
  const commands: Array<{ label: string; command: string; argv: readonly string[]; env?: Record<string, string> }> = [
    { label: "node -e ''", command: process.execPath, argv: ['-e', ''] },
    { label: 'npm run synth', command: 'npm', argv: ['run', '--silent', 'synth'] },
    { label: 'node -r ts-node/register/transpile-only main.ts', command: tsNodeRegister[0], argv: tsNodeRegister[1] },
    {
      label: 'the same, with "ts-node": { "swc": true } in tsconfig.json',
      command: tsNodeRegister[0],
      argv: tsNodeRegister[1],
      env: { TS_NODE_PROJECT: swcConfig },
    },
    {
      label: 'ts-node --swc main.ts',
      command: process.execPath,
      argv: [path.join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js'), '--swc', 'main.ts'],
    },
    { label: 'node main.js, precompiled', command: process.execPath, argv: [path.join(JS, 'main.js')] },
  ];
  const times = new Map<string, number[]>(commands.map(c => [c.label, []]));
  const outdirs = new Map<string, string>();
  // One untimed round warms the file cache; then rounds alternate the commands.
  for (let round = 0; round <= runs; round++) {
    commands.forEach((c, i) => {
      const outdir = path.join(synthOut, `runner-${i}`);
      if (c.argv[0] !== '-e') outdirs.set(c.label, outdir);
      const env = { ...process.env, CDK8S_OUTDIR: outdir, CDK8S_CHECK_UPGRADE: 'false', ...c.env };
      const start = performance.now();
      const result = spawnSync(c.command, c.argv, { cwd: ROOT, env, encoding: 'utf8' });
      const ms = performance.now() - start;
      if (result.status !== 0) fail(`${c.label} failed:\n${result.stderr}`);
      if (round > 0) times.get(c.label)!.push(ms);
    });
  }
  const reference = outdirs.get('npm run synth')!;
  const baseline = median(times.get("node -e ''")!);
  console.log('');
  console.log(`Whole process, the examples of main.ts (median of ${runs}, alternating):`);
  console.log('| command | wall ms | minus node startup | output |');
  console.log('|---|---:|---:|---|');
  for (const c of commands) {
    const m = median(times.get(c.label)!);
    const out = outdirs.get(c.label);
    const same =
      out === undefined ? '' : out === reference ? 'reference' : sameBytes(out, reference) ? 'same bytes' : 'DIFFERS';
    console.log(`| ${c.label} | ${m.toFixed(0)} | ${(m - baseline).toFixed(0)} | ${same} |`);
  }
  fs.rmSync(synthOut, { recursive: true, force: true });
  console.log(`npm run synth: ${median(times.get('npm run synth')!).toFixed(0)} ms (target <= 1500 ms)`);
}

function printRow(row: Row): void {
  const lib = median(row.lib.map(r => r.ms));
  const l1 = median(row.l1.map(r => r.ms));
  console.log(
    `# ${row.layout} N=${row.n}: lib ${lib.toFixed(0)} ms, l1 ${l1.toFixed(0)} ms (${row.lib.length} alternating pairs)`,
  );
}

function printTable(rows: Row[]): void {
  console.log('');
  console.log(
    'Median build + synth time and peak RSS per run. lib: this library through synthesizeApp; l1: hand-written k8s.Kube* through app.synth();',
  );
  console.log('lib-cdk8s: this library through app.synth() (construct cost alone, one chart only).');
  console.log(
    '| layout | N | runs | lib ms | l1 ms | lib/l1 time | lib MiB | l1 MiB | lib/l1 mem | lib synth ms | l1 synth ms | lib-cdk8s ms | lib-cdk8s/l1 | same bytes |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    const t = { lib: median(r.lib.map(x => x.ms)), l1: median(r.l1.map(x => x.ms)) };
    const m = { lib: median(r.lib.map(x => x.peakRssKiB)) / 1024, l1: median(r.l1.map(x => x.peakRssKiB)) / 1024 };
    const s = { lib: median(r.lib.map(x => x.synthMs)), l1: median(r.l1.map(x => x.synthMs)) };
    const cdk8s = r['lib-cdk8s'].length ? median(r['lib-cdk8s'].map(x => x.ms)) : undefined;
    console.log(
      `| ${r.layout === 'single' ? 'one chart' : 'chart per service'} | ${r.n} | ${r.lib.length} | ${t.lib.toFixed(0)} | ${t.l1.toFixed(0)} | ${(t.lib / t.l1).toFixed(2)} ` +
        `| ${m.lib.toFixed(0)} | ${m.l1.toFixed(0)} | ${(m.lib / m.l1).toFixed(2)} | ${s.lib.toFixed(0)} | ${s.l1.toFixed(0)} ` +
        `| ${cdk8s ? cdk8s.toFixed(0) : '-'} | ${cdk8s ? (cdk8s / t.l1).toFixed(2) : '-'} | ${r.identicalBytes ? 'yes' : 'no (equal parsed)'} |`,
    );
  }
  const base = rows.find(r => r.lib.length)?.lib[0];
  if (base)
    console.log(
      `(peak RSS includes ~${(base.baseRssKiB / 1024).toFixed(0)} MiB of loaded modules, the same in both flavours)`,
    );
}

function printSummary(rows: Row[]): void {
  const at = (layout: Layout, n: number) => rows.find(r => r.layout === layout && r.n === n);
  const t = (r: Row | undefined, f: Measured) => (r ? median(r[f].map(x => x.ms)) : NaN);
  const single = at('single', 1000);
  const multi = at('multi', 1000);
  const libL1 = t(single, 'lib') / t(single, 'l1');
  const multiSingle = t(multi, 'lib') / t(single, 'lib');
  const scaleSingle = t(single, 'lib') / t(at('single', 100), 'lib');
  const scaleMulti = t(multi, 'lib') / t(at('multi', 100), 'lib');
  const mem = single ? median(single.lib.map(x => x.peakRssKiB)) / median(single.l1.map(x => x.peakRssKiB)) : NaN;
  console.log('');
  console.log(
    `targets: lib/l1@1000 ${libL1.toFixed(2)} (<= 1.2); time(1000)/time(100) one chart ${scaleSingle.toFixed(2)}, chart per service ${scaleMulti.toFixed(2)} (<= 11); ` +
      `mem lib/l1@1000 ${mem.toFixed(2)} (<= 1.3); constructs alone (lib-cdk8s/l1@1000) ${(t(single, 'lib-cdk8s') / t(single, 'l1')).toFixed(2)}; ` +
      `plain cdk8s chart per service/one chart @1000 ${(t(multi, 'l1') / t(single, 'l1')).toFixed(2)}`,
  );
  console.log(
    `bench: lib/l1@1000=${libL1.toFixed(2)} multi/single@1000=${multiSingle.toFixed(2)} scale1000/100=${Math.max(scaleSingle, scaleMulti).toFixed(2)} mem/l1@1000=${mem.toFixed(2)}`,
  );
}

function describeMachine(): string {
  const cpus = os.cpus();
  return (
    `${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, load ${os
      .loadavg()
      .map(l => l.toFixed(1))
      .join(' ')}, ` + `Node ${process.version}, ${os.type()} ${os.release()}`
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(1);
}

main();
