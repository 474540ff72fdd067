/**
 * What GitOps tools read from this app: the output folder of `cdk8s synth` (one file per chart,
 * a kustomization, deterministic bytes), `cdk8s synth --format helm` and `cdk8s synth --stdout`.
 * The synth runs go through the cdk8s CLI and main.ts, as a user's would, into temporary folders;
 * the repo's dist/ is never touched.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import { finishOutput, KUSTOMIZATION_FILE, OUTPUT_MARKER } from '../lib';
import { buildExamples } from '../main';
import { describeWithTool } from './support/tools';
import { escapeForHelm, isHelmTemplates, kustomizationFor } from '../lib/output/kustomization';

const REPO = path.resolve(__dirname, '..');
const CDK8S = path.join(REPO, 'node_modules', '.bin', 'cdk8s');
// The app command of cdk8s.yaml, with absolute paths so it also runs from another folder.
const APP = `node -r ${path.join(REPO, 'scripts', 'swc-register.js')} ${path.join(REPO, 'main.ts')} --cdk8s-cli`;
const ENV = { ...process.env, CDK8S_CHECK_UPGRADE: 'false' };
const SYNTH_TIMEOUT_MS = 120_000;

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-delivery-gitops-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function cdk8s(args: readonly string[], cwd = REPO): string {
  try {
    return execFileSync(CDK8S, ['synth', '--app', APP, ...args], {
      cwd,
      env: ENV,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`cdk8s synth ${args.join(' ')} failed:\n${err.stdout ?? ''}\n${err.stderr ?? err.message}`);
  }
}

/** Every file below `dir` (relative, `/`-separated) with its bytes. */
function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else files.set(rel, fs.readFileSync(path.join(dir, rel)));
    }
  };
  walk('');
  return files;
}

const manifestFiles = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.k8s.yaml'))
    .sort();

function docs(text: string): any[] {
  return yaml.loadAll(text).filter(d => d !== null && d !== undefined);
}

/** Objects in a canonical order, so two streams can be compared whatever order they came in. */
function canonical(objects: readonly any[]): any[] {
  const key = (o: any) => `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
  return [...objects].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function objectsOf(dir: string): any[] {
  return manifestFiles(dir).flatMap(f => docs(fs.readFileSync(path.join(dir, f), 'utf8')));
}

describe('kustomizationFor', () => {
  it('lists the manifests in name order and leaves other files out', () => {
    expect(
      kustomizationFor([
        'nats-pipeline.k8s.yaml',
        'dummy-api.k8s.yaml',
        'construct-metadata.json',
        'kustomization.yml',
      ]),
    ).toBe(
      [
        '# Written by cdk8s-delivery on every synth: every manifest of this folder, in name order.',
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources:',
        '  - dummy-api.k8s.yaml',
        '  - nats-pipeline.k8s.yaml',
        '',
      ].join('\n'),
    );
  });

  it('orders by code unit, not by locale', () => {
    const listed = (yaml.load(kustomizationFor(['b.k8s.yaml', 'B.k8s.yaml', 'a.k8s.yaml'])) as any).resources;
    expect(listed).toEqual(['B.k8s.yaml', 'a.k8s.yaml', 'b.k8s.yaml']);
  });

  it('quotes a file name YAML would otherwise misread', () => {
    const listed = (yaml.load(kustomizationFor(['#1: odd.k8s.yaml', 'sub/x.k8s.yaml'])) as any).resources;
    expect(listed).toEqual(['#1: odd.k8s.yaml', 'sub/x.k8s.yaml']);
  });

  it('writes an empty resource list for a folder without manifests', () => {
    expect((yaml.load(kustomizationFor(['construct-metadata.json'])) as any).resources).toEqual([]);
  });
});

describe('escapeForHelm', () => {
  it('turns every {{ into a Go template action that prints {{', () => {
    expect(escapeForHelm('query: "{{args.service-name}}"\nsummary: "{{ $labels.pod }} {{x}}"')).toBe(
      'query: "{{"{{"}}args.service-name}}"\nsummary: "{{"{{"}} $labels.pod }} {{"{{"}}x}}"',
    );
  });

  it('leaves text without {{ alone', () => {
    expect(escapeForHelm('a: "}} {"\n')).toBe('a: "}} {"\n');
  });
});

describe('finishOutput', () => {
  const manifestA = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n';
  const manifestB = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  t: "{{x}}"\n';

  function folder(name: string): string {
    const dir = path.join(work, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'b.k8s.yaml'), manifestB);
    fs.writeFileSync(path.join(dir, 'a.k8s.yaml'), manifestA);
    return dir;
  }

  it('starts every manifest with --- so that files joined end to end stay separate documents', () => {
    const dir = folder('joined');
    finishOutput(dir);
    const joined =
      fs.readFileSync(path.join(dir, 'a.k8s.yaml'), 'utf8') + fs.readFileSync(path.join(dir, 'b.k8s.yaml'), 'utf8');
    expect(docs(joined).map(d => d.metadata.name)).toEqual(['a', 'b']);
    expect(fs.readFileSync(path.join(dir, 'a.k8s.yaml'), 'utf8')).toBe(`---\n${manifestA}`);
  });

  it("writes a kustomization beside the manifests and returns the folder's files", () => {
    const dir = folder('plain');
    expect(finishOutput(dir)).toEqual(['a.k8s.yaml', 'b.k8s.yaml', KUSTOMIZATION_FILE]);
    expect((yaml.load(fs.readFileSync(path.join(dir, KUSTOMIZATION_FILE), 'utf8')) as any).resources).toEqual([
      'a.k8s.yaml',
      'b.k8s.yaml',
    ]);
  });

  it('lists manifests in sub-folders by relative path', () => {
    const dir = folder('nested');
    fs.mkdirSync(path.join(dir, 'chart'));
    fs.writeFileSync(path.join(dir, 'chart', 'ConfigMap.c.k8s.yaml'), manifestA.replace('name: a', 'name: c'));
    finishOutput(dir);
    expect((yaml.load(fs.readFileSync(path.join(dir, KUSTOMIZATION_FILE), 'utf8')) as any).resources).toEqual([
      'a.k8s.yaml',
      'b.k8s.yaml',
      'chart/ConfigMap.c.k8s.yaml',
    ]);
  });

  it("escapes {{ and writes no kustomization in a Helm chart's templates folder", () => {
    const chart = path.join(work, 'helm-chart');
    const templates = folder('helm-chart/templates');
    fs.writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: x\nversion: 1.0.0\n');
    expect(isHelmTemplates(templates)).toBe(true);
    expect(finishOutput(templates)).toEqual(['a.k8s.yaml', 'b.k8s.yaml']);
    expect(fs.readFileSync(path.join(templates, 'b.k8s.yaml'), 'utf8')).toContain('t: "{{"{{"}}x}}"');
  });

  it('treats a folder named templates without a Chart.yaml beside it as plain output', () => {
    const templates = folder('not-helm/templates');
    expect(isHelmTemplates(templates)).toBe(false);
    expect(finishOutput(templates)).toContain(KUSTOMIZATION_FILE);
  });

  it('decides on the final folder when the manifests are staged elsewhere first', () => {
    const chart = path.join(work, 'staged-chart');
    fs.mkdirSync(path.join(chart, 'templates'), { recursive: true });
    fs.writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: x\nversion: 1.0.0\n');
    const staging = folder('staged-chart/.templates.staging-1');
    expect(finishOutput(staging, path.join(chart, 'templates'))).toEqual(['a.k8s.yaml', 'b.k8s.yaml']);
  });
});

describe('the example app synthesized by `cdk8s synth`', () => {
  let first: string;
  let second: string;
  beforeAll(() => {
    first = path.join(work, 'first');
    second = path.join(work, 'second');
    cdk8s(['--output', first]);
    cdk8s(['--output', second]);
  }, SYNTH_TIMEOUT_MS);

  it('is byte-identical in two synths in a row, file names included', () => {
    const a = tree(first);
    const b = tree(second);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [file, bytes] of a) expect({ file, same: bytes.equals(b.get(file)!) }).toEqual({ file, same: true });
  });

  it('writes one manifest file per chart, named for the chart, a kustomization and the marker', () => {
    const app = new App();
    buildExamples(app);
    const expected = app.charts.map(c => `${c.node.id}.k8s.yaml`).sort();
    expect(fs.readdirSync(first).sort()).toEqual([...expected, KUSTOMIZATION_FILE, OUTPUT_MARKER].sort());
  });

  it('has a kustomization listing every manifest file', () => {
    const kustomization = yaml.load(fs.readFileSync(path.join(first, KUSTOMIZATION_FILE), 'utf8')) as any;
    expect(kustomization).toMatchObject({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' });
    expect(kustomization.resources).toEqual(manifestFiles(first));
  });

  it('contains no timestamps, hashed names or hashed labels', () => {
    const text = manifestFiles(first)
      .map(f => fs.readFileSync(path.join(first, f), 'utf8'))
      .join('\n');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    expect(text).not.toMatch(/creationTimestamp/);
    expect(text).not.toMatch(/cdk8s\.io\/metadata\.addr/);
    const hashedNames = objectsOf(first)
      .map(o => o.metadata?.name as string)
      .filter(n => /-c8[0-9a-f]{6}$/.test(n));
    expect(hashedNames).toEqual([]);
  });

  describeWithTool(
    'kubectl',
    'apt-get install -y kubernetes-client (Debian), or kubectl from pkgs.k8s.io',
    'kubectl kustomize',
    kubectl => {
      it('builds a copy of the output folder offline into exactly the synthesized objects', () => {
        const copy = path.join(work, 'kustomize-copy');
        fs.cpSync(first, copy, { recursive: true });
        const out = execFileSync(kubectl, ['kustomize', copy], {
          encoding: 'utf8',
          env: { ...process.env, KUBECONFIG: '/dev/null' },
          maxBuffer: 64 * 1024 * 1024,
        });
        expect(canonical(docs(out))).toEqual(canonical(objectsOf(first)));
      });
    },
  );
});

describe('`cdk8s synth --format helm --chart-version 1.0.0`', () => {
  let chart: string;
  let plain: string;
  beforeAll(() => {
    chart = path.join(work, 'helm');
    plain = path.join(work, 'helm-plain');
    cdk8s(['--format', 'helm', '--chart-version', '1.0.0', '--output', chart]);
    cdk8s(['--output', plain]);
  }, SYNTH_TIMEOUT_MS);

  it('writes a v2 Chart.yaml with the chart version given', () => {
    const meta = yaml.load(fs.readFileSync(path.join(chart, 'Chart.yaml'), 'utf8')) as any;
    expect(meta).toMatchObject({ apiVersion: 'v2', version: '1.0.0', type: 'application' });
  });

  it("puts every chart's manifest file in templates/, and no kustomization", () => {
    // The marker holds YAML comments only, which render to no object.
    expect(fs.readdirSync(path.join(chart, 'templates')).sort()).toEqual([OUTPUT_MARKER, ...manifestFiles(plain)]);
    expect(fs.readFileSync(path.join(chart, 'templates', OUTPUT_MARKER), 'utf8')).toMatch(/^(#[^\n]*\n)+$/);
  });

  it('leaves no {{ for Helm to evaluate, and renders to the plain output once unescaped', () => {
    for (const file of manifestFiles(plain)) {
      const template = fs.readFileSync(path.join(chart, 'templates', file), 'utf8');
      expect({ file, unescaped: template.split('{{"{{"}}').join('').includes('{{') }).toEqual({
        file,
        unescaped: false,
      });
      expect(template.split('{{"{{"}}').join('{{')).toBe(fs.readFileSync(path.join(plain, file), 'utf8'));
    }
  });
});

describe('`cdk8s synth --stdout`', () => {
  let stdout: string;
  let project: string;
  let plain: string;
  beforeAll(() => {
    // A copy of this project's cdk8s.yaml with an existing output folder, to see what the CLI does to it.
    project = path.join(work, 'stdout-project');
    fs.mkdirSync(path.join(project, 'dist'), { recursive: true });
    fs.copyFileSync(path.join(REPO, 'cdk8s.yaml'), path.join(project, 'cdk8s.yaml'));
    fs.writeFileSync(path.join(project, 'dist', 'committed.k8s.yaml'), 'kept: true\n');
    stdout = cdk8s(['--stdout'], project);
    plain = path.join(work, 'stdout-plain');
    cdk8s(['--output', plain]);
  }, SYNTH_TIMEOUT_MS);

  it('prints every synthesized object as its own document', () => {
    expect(canonical(docs(stdout))).toEqual(canonical(objectsOf(plain)));
  });

  it('prints no Kustomization object', () => {
    expect(docs(stdout).filter(d => d.kind === 'Kustomization')).toEqual([]);
  });

  it("leaves the project's output folder alone", () => {
    expect(fs.existsSync(path.join(project, 'dist', 'committed.k8s.yaml'))).toBe(true);
  });
});

describe('`cdk8s synth` of an app that fails', () => {
  function failing(args: readonly string[]) {
    const run = spawnSync(CDK8S, ['synth', '--app', APP, ...args], {
      cwd: REPO,
      env: { ...ENV, FLAKY_UPDATE_TAG: 'Bad Tag' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    return {
      status: run.status,
      stdout: run.stdout,
      errors: run.stderr.split('\n').filter(l => l !== '' && !l.startsWith('warning: ')),
    };
  }
  const errorLine = /^error: flaky-update\/[\w/-]+: '[\w.]+' is "[^"]*Bad Tag": /;

  it('uses the app command tested here', () => {
    expect(fs.readFileSync(path.join(REPO, 'cdk8s.yaml'), 'utf8')).toContain(
      '\napp: node -r ./scripts/swc-register.js main.ts --cdk8s-cli\n',
    );
  });

  it(
    "prints each error once and the CLI's one-line failure, no stack trace, and exits 1",
    () => {
      const out = path.join(work, 'failing');
      const run = failing(['--output', out]);
      expect(run.status).toBe(1);
      expect(run.errors).toHaveLength(2);
      expect(run.errors[0]).toMatch(errorLine);
      expect(run.errors[1]).toBe(`ERROR: synthesis failed, app expected to create "${out}"`);
      expect(fs.existsSync(out)).toBe(false);
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'with --stdout, prints no manifest, only the errors, and exits 1',
    () => {
      const run = failing(['--stdout']);
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.errors).toHaveLength(2);
      expect(run.errors[0]).toMatch(errorLine);
      expect(run.errors[1]).toMatch(/^ERROR: synthesis failed, app expected to create ".*cdk8s-\w+"$/);
    },
    SYNTH_TIMEOUT_MS,
  );
});
