/**
 * One measured run, in its own process so that its peak RSS is its own: builds an app of
 * `n` services and synthesizes it, the library through `synthesizeApp`, the L1 app through
 * plain `app.synth()`. Both flavours load the same modules, so their memory baselines match.
 * Usage: node child.js <lib|l1> <single|multi> <n> <outdir>; prints one JSON line.
 */
import { performance } from 'perf_hooks';
import { synthesizeApp } from '../lib';
import { buildApp, Flavour, Layout } from './apps';

const [flavour, layout, n, outdir] = process.argv.slice(2);
const baseRssKiB = Math.round(process.memoryUsage().rss / 1024);
const start = performance.now();
const app = buildApp(flavour as Flavour, layout as Layout, Number(n), outdir);
const built = performance.now();
let warnings = 0;
if (flavour === 'lib') synthesizeApp(app, { outdir, log: () => warnings++ });
else app.synth();
const end = performance.now();
process.stdout.write(JSON.stringify({
  ms: end - start,
  buildMs: built - start,
  synthMs: end - built,
  peakRssKiB: process.resourceUsage().maxRSS,
  baseRssKiB,
  warnings,
}) + '\n');
