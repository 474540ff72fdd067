import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// `cdk8s-delivery plan` run as a real child process on Rollout YAML written by hand (test/fixtures/plan/), as
// `npm run plan` runs it from the repository.
const REPO = path.join(__dirname, '..');
const FIXTURES = 'test/fixtures/plan';
const fixture = (name: string) => path.join(FIXTURES, name);

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['-r', './scripts/swc-register.js', 'lib/cli/main.ts', ...args], {
    cwd: REPO,
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-cli-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('cdk8s-delivery plan', () => {
  test('prints a table per Rollout by default', () => {
    const run = cli('plan', fixture('basic-canary.yaml'), fixture('dynamic-stable.yaml'));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      [
        'Rollout rollouts-demo: canary, 5 replicas, no traffic routing',
        '  step  action        weight  canary  stable  holds',
        '     0  setWeight 20     20%       1       4  0s',
        '     1  pause            20%       1       4  until promoted',
        '     2  setWeight 40     40%       2       3  0s',
        '     3  pause 10s        40%       2       3  10s',
        '     4  setWeight 60     60%       3       2  0s',
        '     5  pause 10s        60%       3       2  10s',
        '     6  setWeight 80     80%       4       1  0s',
        '     7  pause 10s        80%       4       1  10s',
        '  at least 30s plus 1 promotion by hand',
        '',
        'Rollout checkout: canary, 10 replicas, traffic routing',
        '  step  action        weight  canary  stable  holds',
        '     0  setWeight 5       5%       2      10  0s',
        '     1  pause 30s         5%       2      10  30s',
        '     2  setWeight 30     30%       3       7  0s',
        '     3  pause 1h         30%       3       7  1h',
        '     4  setWeight 75     75%       8       3  0s',
        '     5  pause 1m 30s     75%       8       3  1m 30s',
        '  at least 1h 2m',
        '',
      ].join('\n'),
    );
  });

  test('--json prints the documented shape, field by field', () => {
    const run = cli('plan', '--json', fixture('routed-canary.yaml'), fixture('blue-green.yaml'));
    expect(run.status).toBe(0);
    const plans = JSON.parse(run.stdout);
    expect(plans).toHaveLength(2);
    const [web, api] = plans;
    expect(web.rollout).toBe('shop/web');
    expect(web.strategy).toBe('canary');
    expect(web.replicas).toBe(4);
    expect(web.trafficRouting).toBe(true);
    expect(web.minimumSeconds).toBeNull();
    expect(web.steps).toHaveLength(10);
    const expected = [
      // index, kind, weight, canaryPods, stablePods, seconds
      [0, 'setCanaryScale', 0, 1, 4, 0],
      [1, 'setWeight', 10, 1, 4, 0],
      [2, 'pause', 10, 1, 4, 120],
      [3, 'setCanaryScale', 10, 2, 4, 0],
      [4, 'setWeight', 25, 2, 4, 0],
      [5, 'analysis', 25, 2, 4, 180],
      [6, 'setCanaryScale', 25, 1, 4, 0],
      [7, 'setWeight', 50, 2, 4, 0],
      [8, 'pause', 50, 2, 4, null],
      [9, 'setWeight', 100, 4, 4, 0],
    ];
    web.steps.forEach((step: Record<string, unknown>, i: number) => {
      const [index, kind, weight, canaryPods, stablePods, seconds] = expected[i];
      expect(step.index).toBe(index);
      expect(step.kind).toBe(kind);
      expect(step.weight).toBe(weight);
      expect(step.canaryPods).toBe(canaryPods);
      expect(step.stablePods).toBe(stablePods);
      expect(step.seconds).toBe(seconds);
    });
    expect(api.rollout).toBe('api');
    expect(api.strategy).toBe('blueGreen');
    expect(api.replicas).toBe(3);
    expect(api.trafficRouting).toBe(false);
    expect(api.steps).toEqual([]);
    expect(api.minimumSeconds).toBe(0);
  });

  test('--markdown prints the table and a Mermaid timeline', () => {
    const run = cli('plan', '--markdown', fixture('basic-canary.yaml'));
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^### Rollout rollouts-demo: canary, 5 replicas, no traffic routing\n/);
    expect(run.stdout).toContain('| 1 | pause | 20% | 1 | 4 | until promoted |\n');
    expect(run.stdout).toContain('```mermaid\ngantt\n');
    expect(run.stdout).toContain('  1 pause (1 canary, 4 stable) until promoted :milestone, s1, 0, 0s\n');
  });

  test('--svg OUT draws every Rollout into OUT, one mark per step', () => {
    const out = path.join(tmp, 'plan.svg');
    const run = cli('plan', fixture('basic-canary.yaml'), fixture('routed-canary.yaml'), '--svg', out);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${out}: 2 Rollouts, 18 steps\n`);
    const svg = fs.readFileSync(out, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<g class="step" /g)).toHaveLength(18);
  });

  test('reads a template from another file, and multi-document files with empty documents', () => {
    const [template, rollout] = fs.readFileSync(fixture('routed-canary.yaml'), 'utf8').split('\n---\n');
    fs.writeFileSync(path.join(tmp, 'template.yaml'), `---\n# nothing here\n---\n${template}\n---\n`);
    fs.writeFileSync(path.join(tmp, 'rollout.yaml'), rollout);
    const run = cli('plan', '--json', path.join(tmp, 'rollout.yaml'), path.join(tmp, 'template.yaml'));
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)[0].steps[5].seconds).toBe(180);
  });

  test('bad YAML: the file, line and column, exit 1', () => {
    const run = cli('plan', fixture('bad-yaml.yaml'));
    expect(run).toEqual({
      status: 1,
      stdout: '',
      stderr:
        `error: ${fixture('bad-yaml.yaml')}: not valid YAML at line 7, column 1 (document 1): ` +
        'Flow sequence in block collection must be sufficiently indented and end with a ]\n',
    });
    fs.writeFileSync(path.join(tmp, 'dup.yaml'), 'kind: Rollout\nkind: Service\n');
    expect(cli('plan', path.join(tmp, 'dup.yaml')).stderr).toMatch(
      /^error: .*dup\.yaml: not valid YAML at line 2, column 1 \(document 1\): Map keys must be unique/,
    );
  });

  test('a Rollout it cannot plan: the file and the object, exit 1', () => {
    expect(cli('plan', fixture('missing-template.yaml'))).toEqual({
      status: 1,
      stdout: '',
      stderr:
        `error: ${fixture('missing-template.yaml')}: Rollout shop/orders: ` +
        'runs the AnalysisTemplate "error-rate", which is not among the objects read\n',
    });
  });

  test('no Rollout, a missing file, usage mistakes', () => {
    fs.writeFileSync(path.join(tmp, 'service.yaml'), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n');
    expect(cli('plan', path.join(tmp, 'service.yaml'))).toEqual({
      status: 1,
      stdout: '',
      stderr: `error: no argoproj.io/v1alpha1 Rollout in ${path.join(tmp, 'service.yaml')}\n`,
    });
    expect(cli('plan', path.join(tmp, 'nope.yaml')).stderr).toBe(
      `error: ${path.join(tmp, 'nope.yaml')}: cannot read it (ENOENT)\n`,
    );
    expect(cli('plan').status).toBe(2);
    expect(cli('plan', '--json', '--markdown', fixture('basic-canary.yaml')).stderr).toMatch(
      /^error: give at most one of --json, --markdown, --svg\n/,
    );
    expect(cli('deploy', 'x.yaml').stderr).toMatch(/^error: unknown command "deploy"\n/);
    const help = cli('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: cdk8s-delivery plan FILE\.\.\. \[--json \| --markdown \| --svg OUT\.svg\]\n/);
  });

  test('npm run plan -- FILE runs it, and the package names it as its bin', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ 'cdk8s-delivery': 'build/lib/cli/main.js' });
    expect(fs.readFileSync(path.join(REPO, 'lib/cli/main.ts'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    const run = spawnSync('npm', ['run', '--silent', 'plan', '--', fixture('dynamic-stable.yaml'), '--json'], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)[0].minimumSeconds).toBe(3720);
  });
});
