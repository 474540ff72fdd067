import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import { buildExamples } from '../main';
import { OUTPUT_MARKER, synthesizeApp } from '../lib';

const root = path.join(__dirname, '..');

describe('committed dist/', () => {
  test('equals a fresh synth of the examples, file for file (run `npm run synth` and commit dist/)', () => {
    const saved = process.env.FLAKY_UPDATE_TAG;
    delete process.env.FLAKY_UPDATE_TAG; // the committed output uses every default
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dist-check-')), 'dist');
    try {
      const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_CHART });
      buildExamples(app);
      const written = synthesizeApp(app, { outdir, log: () => undefined });
      // The marker too: without it, a fresh clone's `npm run synth` would refuse the committed dist/.
      const fresh = fs.readdirSync(outdir).sort();
      expect(fresh).toEqual([OUTPUT_MARKER, ...written].sort());
      const committed = fs.readdirSync(path.join(root, 'dist')).sort();
      expect(committed).toEqual(fresh);
      for (const file of fresh) {
        expect({ file, yaml: fs.readFileSync(path.join(root, 'dist', file), 'utf8') }).toEqual({
          file,
          yaml: fs.readFileSync(path.join(outdir, file), 'utf8'),
        });
      }
    } finally {
      if (saved !== undefined) process.env.FLAKY_UPDATE_TAG = saved;
      fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
    }
  });
});
