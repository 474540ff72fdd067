/**
 * The package as another cdk8s app gets it, both ways it can be had without a registry:
 *
 * - `npm pack` this repo and install the tarball (what `npm publish` would ship);
 * - `npm install git+file://...` of a git repository holding this working tree (what
 *   `npm install git+https://...` does: npm clones, installs the dev dependencies, runs the
 *   `prepare` script, which builds, and installs the result).
 *
 * Each into a fresh app outside the repo with the peers (from npm's cache when it can): compile
 * the README's first ```ts block there as the app's main.ts, run `cdk8s synth`, and compare the
 * kinds and names it wrote with the first ```yaml block after that example in the README. So the
 * README example, the published files and the types can never drift apart unnoticed.
 *
 * The tarball and the git repository come from test/support/shared-package.ts (one `npm pack` per test run, built
 * in the background while other tests run). Slow (the git install builds again, three npm installs, about a
 * minute): `npm run test:consumer` runs it alone.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { SharedPackage, sharedPackage } from './support/shared-package';

const REPO = path.resolve(__dirname, '..');
const BIN = path.join(REPO, 'node_modules', '.bin');
const PEERS = ['cdk8s', 'constructs', 'cdk8s-plus-27'];
// What `cdk8s init typescript-app` gives an app besides the peers; type declarations only.
const APP_DEV_DEPENDENCIES = ['@types/node'];
const SETUP_TIMEOUT_MS = 5 * 60_000;

interface Example {
  readonly typescript: string;
  readonly yaml: string;
}

/** The README's first TypeScript block and the first YAML block after it. */
function readmeExample(): Example {
  const readme = path.join(REPO, 'README.md');
  const contract =
    "the consumer test runs the README's first ```ts block as a cdk8s app and compares its output with the first ```yaml block after it";
  if (!fs.existsSync(readme)) throw new Error(`README.md is missing: ${contract}`);
  const text = fs.readFileSync(readme, 'utf8');
  const ts = /^```(?:ts|typescript)[ \t]*\n([\s\S]*?)^```/m.exec(text);
  if (!ts) throw new Error(`README.md has no \`\`\`ts code block: ${contract}`);
  const rest = text.slice(ts.index + ts[0].length);
  const yml = /^```ya?ml[ \t]*\n([\s\S]*?)^```/m.exec(rest);
  if (!yml) throw new Error(`README.md has no \`\`\`yaml block after its first \`\`\`ts block: ${contract}`);
  return { typescript: ts[1], yaml: yml[1] };
}

/** `kind/name` of every document in a YAML stream, sorted. */
function kindsAndNames(text: string): string[] {
  return yaml
    .loadAll(text)
    .filter((d): d is { kind: string; metadata: { name: string } } => d !== null && d !== undefined)
    .map(d => `${d.kind}/${d.metadata?.name}`)
    .sort();
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', npm_config_update_notifier: 'false', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(' ')} failed in ${cwd}:\n${err.stdout ?? ''}\n${err.stderr ?? err.message}`,
    );
  }
}

/** Every installed copy of package `name` below `nodeModules`. */
function copiesOf(nodeModules: string, name: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const full = path.join(dir, entry.name);
      if (entry.name.startsWith('@')) {
        walk(full);
        continue;
      }
      const manifest = path.join(full, 'package.json');
      if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === name) found.push(full);
      walk(path.join(full, 'node_modules'));
    }
  };
  walk(nodeModules);
  return found;
}

const installedVersion = (name: string): string =>
  JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', name, 'package.json'), 'utf8')).version;

// Runs in the fresh app: are the package's cdk8s and constructs the app's own?
const INSTANCEOF_CHECK = `
const path = require('path');
const { ApiObject, Chart, Testing } = require('cdk8s');
const { Construct } = require('constructs');
const { StableDeployment } = require('cdk8s-delivery');
const chart = Testing.chart();
const web = new StableDeployment(chart, 'web', { app: 'web', image: 'nginx:1.27.0', port: 8080 });
const packageDir = path.dirname(require.resolve('cdk8s-delivery'));
const resolvedFromPackage = m => require.resolve(m, { paths: [packageDir] });
console.log(JSON.stringify({
  constructIsConstruct: web instanceof Construct,
  deploymentIsApiObject: web.deployment instanceof ApiObject,
  chartOfDeployment: Chart.of(web.deployment) === chart,
  cdk8s: [require.resolve('cdk8s'), resolvedFromPackage('cdk8s')],
  constructs: [require.resolve('constructs'), resolvedFromPackage('constructs')],
}));
`;

interface Consumer {
  readonly example: Example;
  /** The app folder: package.json, main.ts, node_modules/cdk8s-delivery. */
  readonly app: string;
  readonly outdir: string;
  readonly seconds: Record<string, number>;
}

const seconds: Record<string, number> = {};
function timed<T>(step: string, f: () => T): T {
  const start = Date.now();
  try {
    return f();
  } finally {
    seconds[step] = (Date.now() - start) / 1000;
  }
}

/** A fresh cdk8s app in `app` that installs `spec` (a tarball path or a git URL), compiled and synthesized. */
function consumerApp(label: string, app: string, spec: string, example: Example): Consumer {
  fs.mkdirSync(app);
  fs.writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({ name: 'consumer-app', version: '0.0.0', private: true }, null, 2),
  );
  fs.writeFileSync(path.join(app, 'cdk8s.yaml'), 'language: typescript\napp: node main.js\noutput: dist\n');
  fs.writeFileSync(path.join(app, 'main.ts'), example.typescript);
  fs.writeFileSync(path.join(app, 'check.js'), INSTANCEOF_CHECK);
  fs.writeFileSync(
    path.join(app, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'commonjs',
          moduleResolution: 'node',
          lib: ['ES2022'],
          strict: true,
          esModuleInterop: true,
          skipLibCheck: false,
          types: ['node'],
        },
        files: ['main.ts'],
      },
      null,
      2,
    ),
  );

  // Peers at the versions this repo tests with, so npm's cache can serve them.
  const npmInstall = (...args: string[]) =>
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...args], app);
  timed(`${label}: install`, () => {
    npmInstall(spec, ...PEERS.map(p => `${p}@${installedVersion(p)}`));
    npmInstall('--save-dev', ...APP_DEV_DEPENDENCIES.map(p => `${p}@${installedVersion(p)}`));
  });

  const tsc = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  timed(`${label}: compile`, () => {
    run(process.execPath, [tsc, '-p', '.'], app);
    // A consumer on Node16 resolution reads the package's `exports` map instead of `types`.
    run(
      process.execPath,
      [tsc, '-p', '.', '--noEmit', '--skipLibCheck', '--module', 'node16', '--moduleResolution', 'node16'],
      app,
    );
  });
  const outdir = path.join(app, 'dist');
  timed(`${label}: synth`, () =>
    run(path.join(BIN, 'cdk8s'), ['synth', '--app', 'node main.js', '--output', outdir], app),
  );
  return { example, app, outdir, seconds };
}

const consumers: Record<'tarball' | 'git', Consumer> = {} as Record<'tarball' | 'git', Consumer>;
let packed: SharedPackage;
let gitUrl: string;
let work: string | undefined;

beforeAll(() => {
  const example = readmeExample();
  work = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'cdk8s-delivery-consumer-'));
  // Outside the repo, so nothing resolves from the repo's node_modules by walking up.
  if (!path.relative(REPO, work).startsWith('..')) throw new Error(`temporary folder ${work} is inside ${REPO}`);

  // `npm pack` builds first (the prepack script), as `npm publish` does; made once per test run, in a snapshot of
  // this working tree that is also the git repository installed below.
  packed = timed('build and pack (shared, waited for)', () => sharedPackage());
  seconds['build and pack (shared, took)'] = packed.seconds;
  consumers.tarball = consumerApp('tarball', path.join(work, 'app'), packed.tarball, example);

  gitUrl = packed.gitUrl;
  consumers.git = consumerApp('git', path.join(work, 'git-app'), gitUrl, example);
}, SETUP_TIMEOUT_MS);

afterAll(() => {
  process.stdout.write(`consumer test timings (s): ${JSON.stringify(seconds)}\n`);
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the compiled library, its declarations and the generated imports it uses', () => {
    const files = packed.files.map(f => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'build/lib/index.js',
        'build/lib/index.d.ts',
        'build/imports/argoproj.io.js',
        'build/imports/argoproj.io.d.ts',
        'build/imports/monitoring.coreos.com.js',
        'build/imports/monitoring.coreos.com.d.ts',
      ]),
    );
  });

  it('leaves out sources, tests, examples and synthesized output', () => {
    const files = packed.files.map(f => f.path);
    const stray = files.filter(
      f =>
        /^(lib|imports|test|examples|dist|docs|scripts|bench)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')),
    );
    expect(stray).toEqual([]);
  });

  it('ships the validation plugin and the CRD files the schema helper reads, and only those CRD files', () => {
    const files = packed.files.map(f => f.path);
    expect(files).toContain('plugin/index.js');
    expect(files.filter(f => f.startsWith('crds/')).sort()).toEqual([
      'crds/PROVENANCE.md',
      'crds/argoproj.io.yaml',
      'crds/gateway.networking.k8s.io.yaml',
      'crds/monitoring.coreos.com.yaml',
    ]);
  });

  it('points main and types at files it contains', () => {
    const pkg = JSON.parse(
      fs.readFileSync(path.join(consumers.tarball.app, 'node_modules', 'cdk8s-delivery', 'package.json'), 'utf8'),
    );
    const files = packed.files.map(f => f.path);
    expect(files).toContain(pkg.main);
    expect(files).toContain(pkg.types);
    expect(files).toContain(pkg.exports['.'].default.replace(/^\.\//, ''));
    expect(files).toContain(pkg.exports['.'].types.replace(/^\.\//, ''));
  });

  it('says where the repository and its issues live', () => {
    const pkg = JSON.parse(
      fs.readFileSync(path.join(consumers.tarball.app, 'node_modules', 'cdk8s-delivery', 'package.json'), 'utf8'),
    );
    expect(pkg.repository).toEqual({ type: 'git', url: expect.stringMatching(/^git\+https:\/\/.+\.git$/) });
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs).toEqual({ url: expect.stringMatching(/^https:\/\//) });
  });
});

describe('installed from a git URL (npm install git+file://...)', () => {
  it('was built by the prepare script: the same files as the tarball, and no sources', () => {
    const installed = path.join(consumers.git.app, 'node_modules', 'cdk8s-delivery');
    const lock = JSON.parse(fs.readFileSync(path.join(consumers.git.app, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/cdk8s-delivery'].resolved).toMatch(
      new RegExp(`^${gitUrl.replace(/[.+]/g, '\\$&')}#[0-9a-f]{40}$`),
    );
    const list = (dir: string, prefix = ''): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap(e => (e.isDirectory() ? list(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
    const files = list(installed)
      .filter(f => !f.startsWith('node_modules/'))
      .sort();
    expect(files).toEqual(packed.files.map(f => f.path).sort());
  });
});

describe.each(['tarball', 'git'] as const)('a fresh cdk8s app that installs the package (%s)', source => {
  it('synthesizes the kinds and names the README shows for its first example', () => {
    const consumer = consumers[source];
    const written = fs.readdirSync(consumer.outdir).filter(f => f.endsWith('.yaml'));
    expect(written.length).toBeGreaterThan(0);
    const produced = written.flatMap(f => kindsAndNames(fs.readFileSync(path.join(consumer.outdir, f), 'utf8'))).sort();
    expect(produced).toEqual(kindsAndNames(consumer.example.yaml));
  });

  it('has one copy of cdk8s and constructs, shared with the package', () => {
    const consumer = consumers[source];
    const nodeModules = path.join(consumer.app, 'node_modules');
    expect(copiesOf(nodeModules, 'cdk8s')).toHaveLength(1);
    expect(copiesOf(nodeModules, 'constructs')).toHaveLength(1);
    const check = JSON.parse(run(process.execPath, ['check.js'], consumer.app));
    expect(check.cdk8s[1]).toBe(check.cdk8s[0]);
    expect(check.constructs[1]).toBe(check.constructs[0]);
  });

  it("sees the package's constructs as instances of its own cdk8s and constructs classes", () => {
    const check = JSON.parse(run(process.execPath, ['check.js'], consumers[source].app));
    expect(check).toMatchObject({ constructIsConstruct: true, deploymentIsApiObject: true, chartOfDeployment: true });
  });

  it('runs without a TypeScript runtime', () => {
    const app = consumers[source].app;
    const pkg = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'cdk8s-delivery', 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies ?? {})).not.toContain('typescript');
    expect(Object.keys(pkg.dependencies ?? {})).not.toContain('ts-node');
    expect(fs.existsSync(path.join(app, 'node_modules', 'typescript'))).toBe(false);
    expect(fs.existsSync(path.join(app, 'node_modules', 'ts-node'))).toBe(false);
  });
});
