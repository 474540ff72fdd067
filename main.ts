import { App, YamlOutputType } from 'cdk8s';
import { DummyApiChart } from './examples/dummy-api';
import { FlakyUpdateChart } from './examples/flaky-update';
import { FlakyUpdateRolloutChart } from './examples/flaky-update-rollout';
import { NatsPipelineChart } from './examples/nats-pipeline';
import { enableWiringChecks, synthesizeApp } from './lib';

/** Builds every example chart of the course into one app, one YAML file per chart, with the wiring checks on. */
export function buildExamples(app: App): void {
  new DummyApiChart(app, 'dummy-api');
  new FlakyUpdateChart(app, 'flaky-update');
  new FlakyUpdateRolloutChart(app, 'flaky-update-rollout');
  new NatsPipelineChart(app, 'nats-pipeline');
  enableWiringChecks(app);
}

if (require.main === module) {
  const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_CHART });
  buildExamples(app);
  // Writes into a staging folder and swaps it in only when the whole app synthesized.
  synthesizeApp(app, { outdir: process.env.CDK8S_OUTDIR ?? 'dist' });
}
