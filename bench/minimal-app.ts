/**
 * The smallest cdk8s app: one chart, one ConfigMap, `app.synth()` into `CDK8S_OUTDIR`. `npm run bench` starts it the
 * way `npm run synth` starts main.ts, so the difference between the two is what the examples and this library cost.
 */
import { ApiObject, App, Chart } from 'cdk8s';

const app = new App();
const chart = new Chart(app, 'minimal');
new ApiObject(chart, 'config', {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'minimal' },
  data: { a: 'b' },
});
app.synth();
