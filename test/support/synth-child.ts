/**
 * A synthesis in its own process, for test/synthesize-safety.test.ts.
 * Usage: node -r ts-node/register/transpile-only synth-child.ts '<json>' with
 * { outdir, variant, killAt?, holdMs? }: synthesizes `faultApp(variant)` into `outdir`; with `killAt`,
 * SIGKILLs itself just before filesystem step number `killAt` (0-based); with `holdMs`, sleeps that
 * long before its first write into the staging folder (while it holds the lock). Prints the steps
 * it made, one JSON line.
 */
import { synthesizeApp } from '../../lib/output/synthesize';
import { faultApp, Variant } from './synth-fault-apps';

const { outdir, variant, killAt, holdMs } = JSON.parse(process.argv[2]) as {
  outdir: string;
  variant: Variant;
  killAt?: number;
  holdMs?: number;
};
const steps: string[] = [];
let held = false;
synthesizeApp(faultApp(variant), {
  outdir,
  log: () => undefined,
  beforeFsStep: step => {
    if (steps.length === killAt) process.kill(process.pid, 'SIGKILL');
    steps.push(`${step.op} ${step.path}${step.to ? ` -> ${step.to}` : ''}`);
    if (holdMs && !held && step.op === 'writeFile' && step.path.includes('.staging-')) {
      held = true;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, holdMs);
    }
  },
});
process.stdout.write(JSON.stringify(steps) + '\n');
