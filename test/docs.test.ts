import * as fs from 'fs';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { buildExamples } from '../main';
import { PodSecurity, StableDeployment } from '../lib';
import { notPartOf } from './support/docs-example';
import { find, newChart, synth } from './support/synth';

const root = path.join(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

/** Every ```yaml block of a Markdown file, parsed into its documents. */
function yamlBlocks(markdown: string): unknown[][] {
  return [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map(m => yaml.loadAll(m[1]));
}

function exampleManifests(): any[] {
  const saved = process.env.FLAKY_UPDATE_TAG;
  delete process.env.FLAKY_UPDATE_TAG; // the docs show the defaults
  try {
    const app = new App();
    buildExamples(app);
    return app.charts.flatMap(c => Testing.synth(c));
  } finally {
    if (saved !== undefined) process.env.FLAKY_UPDATE_TAG = saved;
  }
}

describe('YAML shown in the docs is what the library writes', () => {
  const examples = exampleManifests();

  test.each([
    ['README.md', 1],
    ['docs/guide/rollouts.md', 0],
    ['docs/guide/gateway-api.md', 0],
  ])("%s, YAML block %i: every object is part of the example charts' output", (file, block) => {
    const docs = yamlBlocks(read(file))[block] as any[];
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) {
      const actual = find(examples, doc.kind, doc.metadata.name);
      expect({ object: `${doc.kind}/${doc.metadata.name}`, problems: notPartOf(doc, actual) }).toEqual({
        object: `${doc.kind}/${doc.metadata.name}`,
        problems: [],
      });
    }
  });

  test.each([
    ['restricted', PodSecurity.restricted()],
    ['baseline', PodSecurity.baseline()],
  ])('docs/guide/safety.md shows the pod template of PodSecurity.%s()', (preset, security) => {
    const block = [...read('docs/guide/safety.md').matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map(m => m[1])
      .find(text => text.startsWith(`# PodSecurity.${preset}()`));
    expect(block).toBeDefined();
    const shown = yaml.loadAll(block!);
    const chart = newChart();
    new StableDeployment(chart, 'web', { app: 'web', image: 'web:1.0', security });
    const pod = find(synth(chart), 'Deployment').spec.template.spec;
    expect(notPartOf(shown[0], pod)).toEqual([]);
  });

  test('the excerpt check itself fails on a changed value, a missing key and a missing list item', () => {
    const actual = { a: 1, b: { c: [1, 2, 3] } };
    expect(notPartOf({ a: 2 }, actual)).toHaveLength(1);
    expect(notPartOf({ d: 1 }, actual)).toHaveLength(1);
    expect(notPartOf({ b: { c: [4] } }, actual)).toHaveLength(1);
    expect(notPartOf({ b: { c: [1, 3] }, a: '...' }, actual)).toEqual([]);
  });
});
