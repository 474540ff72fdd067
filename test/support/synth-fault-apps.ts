/**
 * Small apps for the synthesis safety tests (test/synthesize-safety.test.ts), made of plain
 * cdk8s objects so that a child process loads little. `old` and `new` differ in files and folders,
 * so a half-swapped output cannot pass for either.
 */
import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';

export type Variant = 'old' | 'new';

export function faultApp(variant: Variant): App {
  const app = new App({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
  const charts = variant === 'old' ? ['alpha', 'beta'] : ['beta', 'gamma', 'delta'];
  for (const name of charts) {
    const chart = new Chart(app, name);
    for (const item of ['one', 'two']) {
      new ApiObject(chart, item, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `${name}-${item}` },
        data: { variant },
      } as any);
    }
  }
  return app;
}
