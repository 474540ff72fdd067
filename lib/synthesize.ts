import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
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
 * Synthesizes `app` into a fresh temporary folder and only then swaps it into `outdir`,
 * so a failing app (bad props, failed checks) leaves the previous output untouched.
 * Prints every warning. Returns the files written, relative to `outdir`.
 */
export function synthesizeApp(app: App, options: SynthesizeOptions): string[] {
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const outdir = path.resolve(options.outdir);
  const parent = path.dirname(outdir);
  fs.mkdirSync(parent, { recursive: true });
  // The staging folder sits beside outdir, so the final rename stays on one filesystem.
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(outdir)}.staging-`));
  try {
    (app as { outdir: string }).outdir = staging;
    app.synth();
    for (const warning of warningsOf(app)) log(`warning: ${warning}`);
    const previous = fs.existsSync(outdir) ? fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-delivery-previous-')) : undefined;
    if (previous) fs.renameSync(outdir, path.join(previous, 'out'));
    fs.renameSync(staging, outdir);
    if (previous) fs.rmSync(previous, { recursive: true, force: true });
    return fs.readdirSync(outdir).sort();
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
