import * as fs from 'fs';
import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import { CheckoutChart } from './examples/checkout';
import { DummyApiChart } from './examples/dummy-api';
import { FlakyUpdateChart } from './examples/flaky-update';
import { FlakyUpdateRolloutChart } from './examples/flaky-update-rollout';
import { GatewayCanaryChart } from './examples/gateway-canary';
import { NatsPipelineChart } from './examples/nats-pipeline';
import { DeliveryError, enableWiringChecks, synthesizeApp, ValidationFailedError } from './lib';

/** Builds every example chart of the course into one app, one YAML file per chart, with the wiring checks on. */
export function buildExamples(app: App): void {
  new DummyApiChart(app, 'dummy-api');
  new FlakyUpdateChart(app, 'flaky-update');
  new FlakyUpdateRolloutChart(app, 'flaky-update-rollout');
  new NatsPipelineChart(app, 'nats-pipeline');
  new GatewayCanaryChart(app, 'gateway-canary');
  new CheckoutChart(app, 'checkout');
  enableWiringChecks(app);
}

/**
 * The lines a person reads about a failed synth: each error once, `error: <construct path>: <message>`,
 * and the stack only when `debug` (the `DEBUG` variable) is set.
 */
export function errorLines(e: unknown, debug: boolean): string[] {
  let lines: string[];
  if (e instanceof ValidationFailedError) {
    lines = e.problems.map(p => `error: ${p.path}: ${p.message}`);
  } else if (e instanceof DeliveryError) {
    lines = [`error: ${e.message}`];
  } else {
    const message = e instanceof Error ? e.message : String(e);
    // Not one of ours (a bug, a throwing Lazy): its stack is where to look.
    lines = [`error: ${message}`, ...(debug ? [] : ['(set DEBUG=1 to see where it was thrown)'])];
  }
  if (debug && e instanceof Error && e.stack) lines.push(e.stack);
  return lines;
}

/**
 * What `npm run synth` and `cdk8s synth` run: the examples into `CDK8S_OUTDIR` (`dist` when unset
 * or empty). Prints one line per chart written, or each error once; returns the exit code.
 *
 * `underCdk8sCli` (the `--cdk8s-cli` argument that cdk8s.yaml's `app:` command passes): the CLI
 * prints its own stack trace when the app exits non-zero, but fails with a one-line message when
 * the app exits 0 without creating the output folder. So on failure, under the CLI, this leaves no
 * output folder (removing it only if it is empty: the CLI empties or creates it first) and exits 0;
 * should a folder remain, it exits 1 anyway.
 */
export function runSynth(
  env: NodeJS.ProcessEnv,
  underCdk8sCli: boolean,
  out = process.stdout,
  err = process.stderr,
): number {
  // An empty CDK8S_OUTDIR is a mistake in a script, not a request to write into the current folder.
  const outdir = env.CDK8S_OUTDIR || 'dist';
  try {
    const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_CHART });
    buildExamples(app);
    synthesizeApp(app, {
      outdir,
      log: line => err.write(line + '\n'),
      onChart: c => {
        const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
        for (const file of c.files)
          out.write(`${path.join(outdir, file)}: ${count(c.objects, 'object')}, ${count(c.warnings, 'warning')}\n`);
      },
    });
    return 0;
  } catch (e) {
    for (const line of errorLines(e, !!env.DEBUG)) err.write(line + '\n');
    if (!underCdk8sCli) return 1;
    try {
      fs.rmdirSync(outdir); // only an empty folder: this never removes a file
    } catch {
      // missing (as the CLI leaves it) or not empty
    }
    return fs.existsSync(outdir) ? 1 : 0;
  }
}

if (require.main === module) {
  process.exitCode = runSynth(process.env, process.argv.includes('--cdk8s-cli'));
}
