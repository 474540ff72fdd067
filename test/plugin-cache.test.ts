import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ValidationContext as Context } from 'cdk8s-cli/lib/plugins/validation';
import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';
import { buildApp } from '../bench/apps';
import { isManifest } from '../lib/output/kustomization';
import { OUTPUT_MARKER, synthesizeApp } from '../lib/output/synthesize';
import { buildExamples } from '../main';

// The plugin requires the compiled checkers from build/; here they are this working tree's sources, so the cache is
// tested without building the package (test/plugin.test.ts runs the plugin as the package ships it).
jest.mock('../build/lib/safety/policy-checker.js', () => jest.requireActual('../lib/safety/policy-checker'), {
  virtual: true,
});
jest.mock('../build/lib/safety/wiring-checks.js', () => jest.requireActual('../lib/safety/wiring-checks'), {
  virtual: true,
});
jest.mock('../build/lib/safety/rules.js', () => jest.requireActual('../lib/safety/rules'), { virtual: true });

const ROOT = path.resolve(__dirname, '..');
// The CLI's own context class (its package "exports" hide the file from a bare import): its parseManifest is the parse.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ValidationContext } = require(path.join(ROOT, 'node_modules/cdk8s-cli/lib/plugins/validation.js'));
type ValidationContext = Context;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the plugin as the CLI loads it, by path
const { PolicyValidation } = require(path.join(ROOT, 'plugin/index.js')) as {
  PolicyValidation: new (properties?: Record<string, unknown>) => {
    validate(context: ValidationContext): Promise<void>;
  };
};

// The cache lives below the current folder: each test runs in a fresh one.
const CACHE = 'node_modules/.cache/cdk8s-delivery/manifests';
const cwd = process.cwd();
let work: string;
beforeEach(() => {
  // What the cdk8s CLI sets when cdk8s.yaml lists validations: only then does synthesizeApp record the objects.
  process.env.CDK8S_RECORD_CONSTRUCT_METADATA = 'true';
  work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-cache-')));
  // A project with installed packages: synthesizeApp keeps its cache only where node_modules exists.
  fs.mkdirSync(path.join(work, 'node_modules'));
  process.chdir(work);
});
afterEach(() => {
  delete process.env.CDK8S_RECORD_CONSTRUCT_METADATA;
  process.chdir(cwd);
  fs.rmSync(work, { recursive: true, force: true });
});

/** synthesizeApp into `work/<name>`; the manifest files written, absolute. */
function synth(app: App, name: string): string[] {
  const outdir = path.join(work, name);
  return synthesizeApp(app, { outdir, log: () => undefined })
    .filter(isManifest)
    .map(f => path.join(outdir, f));
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const entryOf = (file: string) => path.join(work, CACHE, `${sha256(file)}.json`);
const entries = () => (fs.existsSync(path.join(work, CACHE)) ? fs.readdirSync(path.join(work, CACHE)).sort() : []);
const contextFor = (files: string[]): ValidationContext =>
  new ValidationContext(files, 'cdk8s-delivery', '0.1.0', {}, false);

const restrictedPod = {
  automountServiceAccountToken: false,
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [
    {
      name: 'web',
      image: 'web:1.0',
      ports: [{ name: 'http', containerPort: 8080 }],
      resources: { requests: { cpu: '100m', memory: '64Mi' } },
      readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
      livenessProbe: { httpGet: { path: '/live', port: 'http' }, failureThreshold: 6 },
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      },
    },
  ],
};
const deployment = (name: string, podSpec: object) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec } },
});

/** Plain cdk8s objects, one chart each: a Deployment run as root, a Service selecting nothing, a passing Deployment. */
function objectsApp(): App {
  const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const root = { ...restrictedPod, securityContext: { ...restrictedPod.securityContext, runAsUser: 0 } };
  new ApiObject(new Chart(app, 'root'), 'root', deployment('root', root));
  new ApiObject(new Chart(app, 'svc'), 'svc', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { selector: { app: 'wbe' }, ports: [{ name: 'http', port: 80 }] },
  });
  new ApiObject(new Chart(app, 'web'), 'web', deployment('web', restrictedPod));
  return app;
}

describe('synthesizeApp records the objects of each manifest file for the validation plugin', () => {
  it.each(
    (['FILE_PER_CHART', 'FILE_PER_APP', 'FILE_PER_RESOURCE', 'FOLDER_PER_CHART_FILE_PER_RESOURCE'] as const).map(
      name => [name, YamlOutputType[name]] as const,
    ),
  )('exactly what parsing the file gives, for every manifest of the example apps (%s)', (_name, type) => {
    const app = new App({ yamlOutputType: type });
    buildExamples(app);
    new Chart(app, 'empty'); // a file without objects (`---` only), in the layouts with a file per chart
    const files = [...synth(app, 'examples'), ...synth(buildApp('lib', 'multi', 3, 'unused'), 'bench')];
    expect(files.length).toBeGreaterThan(type === YamlOutputType.FILE_PER_APP ? 1 : 8);
    const ctx = contextFor(files);
    for (const file of files) {
      const cached = JSON.parse(fs.readFileSync(entryOf(file), 'utf8'));
      const parsed = ctx.parseManifest(file);
      expect(cached).toStrictEqual(parsed);
      // Same key order too (the checkers' messages follow it).
      expect(JSON.stringify(cached)).toBe(JSON.stringify(parsed));
    }
  });

  it('leaves to parsing a file whose YAML the CLI reads as other values than the objects; keeps others', () => {
    const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_CHART });
    const configMap = (id: string, data: Record<string, unknown>) =>
      new ApiObject(new Chart(app, id), id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id }, data });
    // YAML 1.1 (the writer) leaves `0o17` plain; YAML 1.2 (the CLI's parser) reads it as the number 15.
    configMap('octal', { mode: '0o17' });
    configMap('key', { '0o17': 'x' });
    configMap('hostile', {
      numbers: '8080',
      empty: '',
      tilde: '~',
      yes: 'yes',
      bool: 'True',
      float: '1e3',
      hex: '0x1F',
      lines: 'a\n b\n\n',
      quotes: `'"\\`,
      comment: 'a #b',
      controls: '\u0000\t\u0085\u2028\ufeff',
      emoji: '😀',
    });
    new ApiObject(new Chart(app, 'numbers'), 'numbers', {
      apiVersion: 'example.com/v1',
      kind: 'Numbers',
      metadata: { name: 'numbers' },
      spec: { tenth: 0.1, large: 1e21, small: 1e-7, negative: -5, unsafe: 2 ** 60, yes: true, no: false },
    });
    const files = synth(app, 'out');
    const ctx = contextFor(files);
    const byName = (name: string) => files.find(f => path.basename(f) === `${name}.k8s.yaml`)!;
    expect(ctx.parseManifest(byName('octal'))[0].data).toEqual({ mode: 15 });
    expect(fs.existsSync(entryOf(byName('octal')))).toBe(false);
    expect(fs.existsSync(entryOf(byName('key')))).toBe(false);
    for (const name of ['hostile', 'numbers']) {
      expect(JSON.parse(fs.readFileSync(entryOf(byName(name)), 'utf8'))).toStrictEqual(ctx.parseManifest(byName(name)));
    }
  });

  it('writes nothing into the output folder, and keeps the latest run of each existing output folder', () => {
    const one = (name: string) => {
      const app = new App();
      new ApiObject(new Chart(app, 'web'), 'web', deployment(name, restrictedPod));
      return app;
    };
    const first = synth(one('a'), 'out');
    // construct-metadata.json is cdk8s's own, written because the CLI asks for it (as it does with validations).
    expect(fs.readdirSync(path.join(work, 'out')).sort()).toEqual(
      [OUTPUT_MARKER, 'construct-metadata.json', 'kustomization.yml', 'web.k8s.yaml'].sort(),
    );
    const hashA = sha256(first[0]);
    expect(entries()).toEqual([`${hashA}.json`]);
    // A new run into the same folder replaces the entries of the earlier one.
    const hashB = sha256(synth(one('b'), 'out')[0]);
    expect(entries()).toEqual([`${hashB}.json`]);
    // Another folder's run keeps them while that folder exists.
    const hashC = sha256(synth(one('c'), 'other')[0]);
    expect(entries()).toEqual([`${hashB}.json`, `${hashC}.json`].sort());
    fs.rmSync(path.join(work, 'out'), { recursive: true });
    synth(one('c'), 'other');
    expect(entries()).toEqual([`${hashC}.json`]);
  });

  it('writes no entry for a Helm chart, whose escaping changes what the files parse to', () => {
    fs.mkdirSync(path.join(work, 'chart'));
    fs.writeFileSync(path.join(work, 'chart/Chart.yaml'), 'apiVersion: v2\nname: x\nversion: 0.1.0\n');
    const files = synth(objectsApp(), 'chart/templates');
    expect(files.length).toBe(3);
    expect(entries()).toEqual([]);
  });

  it('writes the same output when the cache cannot be written', () => {
    const files = synth(objectsApp(), 'cached');
    const withCache = files.map(f => fs.readFileSync(f, 'utf8'));
    expect(entries().length).toBe(3);
    const blocked = path.join(work, 'blocked');
    fs.mkdirSync(blocked);
    fs.writeFileSync(path.join(blocked, 'node_modules'), 'a file where the cache folder would go');
    process.chdir(blocked);
    const again = synth(objectsApp(), 'plain');
    expect(again.map(f => path.relative(path.join(work, 'plain'), f))).toEqual(
      files.map(f => path.relative(path.join(work, 'cached'), f)),
    );
    expect(again.map(f => fs.readFileSync(f, 'utf8'))).toEqual(withCache);
  });

  it('records nothing unless the cdk8s CLI asks for construct metadata, which it does exactly when validations are set', () => {
    delete process.env.CDK8S_RECORD_CONSTRUCT_METADATA;
    synth(objectsApp(), 'plain');
    expect(entries()).toEqual([]);
  });

  it('creates no node_modules folder where the project has none', () => {
    const bare = path.join(work, 'bare');
    fs.mkdirSync(bare);
    process.chdir(bare);
    expect(synth(objectsApp(), 'out').length).toBeGreaterThan(0); // written under the test's folder, not here
    expect(fs.readdirSync(bare)).toEqual([]);
  });
});

describe('the validation plugin reads the recorded objects instead of parsing', () => {
  it('reports the same findings with and without the cache, and parses no file it has an entry for', async () => {
    const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_CHART });
    buildExamples(app);
    const files = [...synth(app, 'examples'), ...synth(objectsApp(), 'objects')];

    const cached = contextFor(files);
    const parse = jest.spyOn(cached, 'parseManifest');
    await new PolicyValidation().validate(cached);
    expect(parse).not.toHaveBeenCalled();

    fs.rmSync(path.join(work, CACHE), { recursive: true });
    const parsed = contextFor(files);
    const parseAll = jest.spyOn(parsed, 'parseManifest');
    await new PolicyValidation().validate(parsed);
    expect(parseAll).toHaveBeenCalledTimes(files.length);

    const report = cached.report.toJson();
    expect(report.violations.map(v => v.ruleName)).toEqual(
      expect.arrayContaining(['pss-run-as-non-root (error)', 'service-selects-nothing (error)']),
    );
    expect(report).toEqual(parsed.report.toJson());
  });

  it('parses a manifest edited after synth (its bytes no longer match an entry)', async () => {
    const files = synth(objectsApp(), 'out');
    const web = files.find(f => path.basename(f) === 'web.k8s.yaml')!;
    const before = entryOf(web);
    const text = fs.readFileSync(web, 'utf8');
    expect(text).toContain('allowPrivilegeEscalation: false');
    fs.writeFileSync(web, text.replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true'));
    // The entry of the file as written is still there; the edited bytes have none.
    expect(fs.existsSync(before)).toBe(true);
    expect(fs.existsSync(entryOf(web))).toBe(false);

    const ctx = contextFor([web]);
    const parse = jest.spyOn(ctx, 'parseManifest');
    await new PolicyValidation().validate(ctx);
    expect(parse.mock.calls).toEqual([[web]]);
    expect(ctx.report.toJson().violations.map(v => v.ruleName)).toEqual(['pss-allow-privilege-escalation (error)']);
  });

  it('parses a file whose entry is not a list of documents', async () => {
    const files = synth(objectsApp(), 'out');
    const web = files.find(f => path.basename(f) === 'web.k8s.yaml')!;
    fs.writeFileSync(entryOf(web), '{"cut off');
    const ctx = contextFor([web]);
    const parse = jest.spyOn(ctx, 'parseManifest');
    await new PolicyValidation().validate(ctx);
    expect(parse.mock.calls).toEqual([[web]]);
    expect(ctx.report.success).toBe(true);
  });
});
