/**
 * One measured run, in its own process so that its peak RSS is its own: builds an app of
 * `n` services and synthesizes it: `lib` is the library through `synthesizeApp`, `l1` the
 * hand-written L1 app through plain `app.synth()`, `lib-cdk8s` the library through plain
 * `app.synth()` (construct cost alone). Every flavour loads the same modules, so their memory
 * baselines match. Usage: node child.js <lib|l1|lib-cdk8s> <single|multi> <n> <outdir>; prints one JSON line.
 */
import { performance } from 'perf_hooks';
import { synthesizeApp } from '../lib';
import { buildApp, Layout } from './apps';

const [flavour, layout, n, outdir] = process.argv.slice(2);
const baseRssKiB = Math.round(process.memoryUsage().rss / 1024);
const start = performance.now();
const app = buildApp(flavour === 'l1' ? 'l1' : 'lib', layout as Layout, Number(n), outdir);
const built = performance.now();
let warnings = 0;
if (flavour === 'lib') synthesizeApp(app, { outdir, log: () => warnings++ });
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
