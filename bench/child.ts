/**
 * One measured run, in its own process so that its peak RSS is its own: builds an app of `n` services with the
 * library's constructs (`lib`) or hand-written L1 objects (`l1`), optionally turns the wiring checks on, and writes
 * it through `synthesizeApp` or plain `app.synth()`. Every run loads the same modules, so memory baselines match.
 * Usage: node child.js <lib|l1> <single|multi> <synthesizeApp|app.synth> <checks|no-checks> <n> <outdir>;
 * prints one JSON line.
 */
import { performance } from 'perf_hooks';
import { enableWiringChecks, synthesizeApp } from '../lib';
import { buildApp, Flavour, Layout } from './apps';

const [flavour, layout, writer, checks, n, outdir] = process.argv.slice(2);
const baseRssKiB = Math.round(process.memoryUsage().rss / 1024);
const start = performance.now();
const app = buildApp(flavour as Flavour, layout as Layout, Number(n), outdir);
if (checks === 'checks') enableWiringChecks(app);
const built = performance.now();
let warnings = 0;
if (writer === 'synthesizeApp') synthesizeApp(app, { outdir, log: () => warnings++ });
else app.synth();
const end = performance.now();
process.stdout.write(
  JSON.stringify({
    ms: end - start,
    buildMs: built - start,
    synthMs: end - built,
    peakRssKiB: process.resourceUsage().maxRSS,
    baseRssKiB,
    warnings,
  }) + '\n',
);
