import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { synthesizeApp } from '../lib';
import { ERRORS_DOC, errorOf, lineAbout, renderErrorsDoc } from '../scripts/errors-doc';
import { BAD_INPUTS } from './support/bad-inputs';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('bad-input corpus', () => {
  it('holds at least 260 bad inputs across every construct family', () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(260);
    expect([...new Set(BAD_INPUTS.map(r => r.construct))]).toEqual(
      expect.arrayContaining([
        'StableDeployment',
        'CanaryDeployment',
        'VersionedService',
        'HostIngress',
        'Autoscaler',
        'Rollout',
        'AnalysisTemplate',
        'RestartRateAnalysis',
        'NatsServer',
        'PipelineStage',
        'NatsPipeline',
        'NatsMonitoring',
        'GrafanaDashboard',
        'Wiring checks',
      ]),
    );
    expect(new Set(BAD_INPUTS.map(r => `${r.construct}: ${r.name}`)).size).toBe(BAD_INPUTS.length);
  });

  it.each(BAD_INPUTS.map(r => [`${r.construct}: ${r.name}`, r] as const))(
    'fails if %s, naming path, prop and value, and writes nothing',
    (_, row) => {
      const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-'));
      const outdir = path.join(parent, 'dist');
      // A real earlier output: synthesizeApp refuses to replace a folder it did not write.
      const previous = new App();
      new ApiObject(new Chart(previous, 'previous'), 'previous', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'previous' },
      });
      synthesizeApp(previous, { outdir, log: () => undefined });
      const before = fs.readdirSync(outdir).map(f => [f, fs.readFileSync(path.join(outdir, f), 'utf8')]);
      try {
        const line = lineAbout(errorOf(row, parent), row.path);
        expect(line).toMatch(new RegExp(`^(\\[${escape(row.path)}\\] |${escape(row.path)}: )`));
        expect(line).toMatch(new RegExp(`'${escape(row.prop)}' is ${escape(row.value)}(: |$)`));
        if (row.message !== undefined) expect(line).toBe(row.message);
        // The previous output is untouched and no staging folder is left behind.
        expect(fs.readdirSync(parent)).toEqual(['dist']);
        expect(fs.readdirSync(outdir).map(f => [f, fs.readFileSync(path.join(outdir, f), 'utf8')])).toEqual(before);
        expect(before.map(([f]) => f)).toContain('previous.k8s.yaml');
      } finally {
        fs.rmSync(parent, { recursive: true, force: true });
      }
    },
  );

  it('docs/guide/errors.md is generated from this corpus and up to date (npm run errors-doc)', () => {
    expect(fs.readFileSync(ERRORS_DOC, 'utf8')).toBe(renderErrorsDoc(BAD_INPUTS));
  });
});
