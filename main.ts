import { App, YamlOutputType } from 'cdk8s';
import { DummyApiChart } from './examples/dummy-api';
import { NatsPipelineChart } from './examples/nats-pipeline';
import { synthesizeApp } from './lib';

/** Builds every example chart of the course into one app, one YAML file per chart. */
export function buildExamples(app: App): void {
  new DummyApiChart(app, 'dummy-api');
  new NatsPipelineChart(app, 'nats-pipeline');
}

if (require.main === module) {
  const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_CHART });
  buildExamples(app);
  // Writes into a staging folder and swaps it in only when the whole app synthesized.
  synthesizeApp(app, { outdir: process.env.CDK8S_OUTDIR ?? 'dist' });
}
