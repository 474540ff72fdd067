import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, DependencyGraph, Lazy, Testing, Yaml, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { buildApp } from '../bench/apps';
import { manifestDifferences } from '../bench/compare';
import { manifestYaml } from '../lib/output/manifest-yaml';
import {
  KUSTOMIZATION_FILE,
  OUTPUT_MARKER,
  Autoscaler,
  CanaryDeployment,
  Cpu,
  HostIngress,
  StableDeployment,
  synthesizeApp,
  VersionedService,
} from '../lib';
import { addWarning } from '../lib/core/warnings';
import { dependencyOrder } from '../lib/output/synthesize';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synthesize-test-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/**
 * synthesizeApp's output as app.synth() writes it: without what finishOutput adds for GitOps
 * (the kustomization, and a `---` at the start of every manifest file; tested on their own).
 */
function unfinished(dir: string): Record<string, string> {
  const tree = readTree(dir);
  delete tree[KUSTOMIZATION_FILE];
  delete tree[OUTPUT_MARKER];
  for (const f of Object.keys(tree)) tree[f] = tree[f].replace(/^---\n/, '');
  return tree;
}

/** Every file below `dir` with its bytes. */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of (fs.readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const full = path.join(dir, f);
    if (fs.statSync(full).isFile()) out[f] = fs.readFileSync(full, 'utf8');
  }
  return out;
}

function service(scope: Construct, name: string): { stable: StableDeployment; svc: VersionedService } {
  const stable = new StableDeployment(scope, `${name}-stable`, {
    app: name,
    image: `${name}:1.0`,
    port: 8080,
    resources: { cpu: { request: Cpu.millis(100) } },
  });
  const canary = new CanaryDeployment(scope, `${name}-canary`, { stable, image: `${name}:1.1` });
  const svc = new VersionedService(scope, `${name}-service`, { serves: [stable, canary], port: 80 });
  new HostIngress(scope, `${name}-ingress`, { rules: [{ host: `${name}.example.com`, service: svc }] });
  new Autoscaler(scope, `${name}-autoscaler`, { target: stable, maxReplicas: 3 });
  return { stable, svc };
}

/**
 * Charts that exercise every ordering rule of cdk8s: a chart nested in another, a chart-level
 * dependency, an object-level dependency across charts, a dependency inside a chart, and
 * chart ids that are array indexes (ordered first by JavaScript objects).
 */
function multiChartApp(props: AppProps): App {
  const app = new App(props);
  const shared = new Chart(app, 'shared');
  const sharedService = service(shared, 'shared');
  const web = new Chart(app, 'web');
  const webService = service(web, 'web');
  const nested = new Chart(web, 'web-extras');
  service(nested, 'extras');
  const api = new Chart(app, 'api');
  const apiService = service(api, 'api');
  apiService.stable.node.addDependency(sharedService.svc);
  web.addDependency(api);
  webService.svc.node.addDependency(webService.stable);
  service(new Chart(app, '10'), 'ten');
  service(new Chart(app, '2'), 'two');
  return app;
}

describe('synthesizeApp writes what app.synth() writes', () => {
  test.each([
    ['FILE_PER_CHART', YamlOutputType.FILE_PER_CHART],
    ['FILE_PER_APP', YamlOutputType.FILE_PER_APP],
    ['FILE_PER_RESOURCE', YamlOutputType.FILE_PER_RESOURCE],
    ['FOLDER_PER_CHART_FILE_PER_RESOURCE', YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE],
  ])('byte for byte, for a multi-chart app with dependencies (%s)', (_name, yamlOutputType) => {
    const byCdk8s = path.join(tmp, 'cdk8s');
    const ours = path.join(tmp, 'ours');
    multiChartApp({ yamlOutputType, outdir: byCdk8s, recordConstructMetadata: true }).synth();
    const files = synthesizeApp(multiChartApp({ yamlOutputType, recordConstructMetadata: true }), {
      outdir: ours,
      log: () => undefined,
    });

    const expected = readTree(byCdk8s);
    expect(Object.keys(expected).length).toBeGreaterThan(1);
    const actual = unfinished(ours);
    // construct-metadata.json: cdk8s keys objects by name only; ours adds `Kind/namespace/name`
    // keys so objects sharing a name across kinds keep their own path, and agrees on every name key.
    const cdk8sMetadata = JSON.parse(expected['construct-metadata.json']);
    const ourMetadata = JSON.parse(actual['construct-metadata.json']);
    expect(ourMetadata).toEqual({
      version: cdk8sMetadata.version,
      resources: expect.objectContaining(cdk8sMetadata.resources),
    });
    expect(ourMetadata.resources['Deployment/web-stable']).toEqual({ path: 'web/web-stable/Resource' });
    delete expected['construct-metadata.json'];
    delete actual['construct-metadata.json'];
    expect(actual).toEqual(expected);
    expect(files.filter(f => f !== KUSTOMIZATION_FILE && f !== 'construct-metadata.json')).toEqual(
      Object.keys(expected),
    );
  });

  test('with the chart files in dependency order, numbered as cdk8s numbers them', () => {
    const files = synthesizeApp(multiChartApp({}), { outdir: path.join(tmp, 'out'), log: () => undefined }).filter(
      f => f !== KUSTOMIZATION_FILE,
    );
    // api before web (web depends on it), shared before api, the nested chart before its parent.
    const order = files.map(f => f.replace(/^\d{4}-/, '').replace('.k8s.yaml', ''));
    expect(order.indexOf('shared')).toBeLessThan(order.indexOf('api'));
    expect(order.indexOf('api')).toBeLessThan(order.indexOf('web'));
    expect(order.indexOf('web-web-extras')).toBeLessThan(order.indexOf('web'));
    expect(files.every(f => /^\d{4}-/.test(f))).toBe(true);
  });

  test('for the benchmark apps, one chart and one chart per service', () => {
    for (const layout of ['single', 'multi'] as const) {
      const byCdk8s = path.join(tmp, `${layout}-cdk8s`);
      buildApp('lib', layout, 5, byCdk8s).synth();
      synthesizeApp(buildApp('lib', layout, 5, 'unused'), { outdir: path.join(tmp, layout), log: () => undefined });
      expect(unfinished(path.join(tmp, layout))).toEqual(readTree(byCdk8s));
    }
  });

  test('including a chart class that overrides toJson', () => {
    class Extra extends Chart {
      public toJson(): any[] {
        return [...super.toJson(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'added-by-tojson' } }];
      }
    }
    const build = (outdir?: string) => {
      const app = new App({ outdir });
      service(new Extra(app, 'extra'), 'x');
      return app;
    };
    build(path.join(tmp, 'cdk8s')).synth();
    synthesizeApp(build(), { outdir: path.join(tmp, 'ours'), log: () => undefined });
    expect(unfinished(path.join(tmp, 'ours'))).toEqual(readTree(path.join(tmp, 'cdk8s')));
    expect(readTree(path.join(tmp, 'ours'))['extra.k8s.yaml']).toContain('added-by-tojson');
  });
});

describe('dependencyOrder', () => {
  test('orders constructs as cdk8s DependencyGraph.topology() does, for random acyclic dependencies', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: 1, maxLength: 14 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 20 }),
        (parents, edges) => {
          const chart = Testing.chart();
          const nodes: Construct[] = [];
          parents.forEach((p, i) => {
            const scope = i === 0 ? chart : nodes[p % i];
            // Ids mix words and array indexes, whose key order differs in JavaScript objects.
            const id = i % 3 === 0 ? String(i) : `c${i}`;
            nodes.push(
              i % 2 ? new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap' }) : new Construct(scope, id),
            );
          });
          // Edges only from a later to an earlier construct, so there is no cycle.
          for (const [a, b] of edges) {
            const from = a % nodes.length;
            const to = b % nodes.length;
            if (from > to) nodes[from].node.addDependency(nodes[to]);
          }
          const expected = new DependencyGraph(chart.node).topology().map(c => c.node.path);
          expect(dependencyOrder(chart).map(c => c.node.path)).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('fails if constructs depend on each other in a cycle, naming both paths', () => {
    const chart = Testing.chart();
    const a = new Construct(chart, 'first');
    const b = new Construct(chart, 'second');
    a.node.addDependency(b);
    b.node.addDependency(a);
    expect(() => dependencyOrder(chart)).toThrow(
      /Dependency cycle detected: .*first => .*second => .*first|Dependency cycle detected: .*second => .*first => .*second/,
    );
  });
});

describe('synthesizeApp replaces the output folder only on success', () => {
  /** An earlier output of synthesizeApp (a folder it did not write is refused: test/synthesize-safety.test.ts). */
  function previousOutput(outdir: string): Record<string, string> {
    const app = new App({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
    new ApiObject(new Chart(app, 'old'), 'old', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old' } });
    synthesizeApp(app, { outdir, log: () => undefined });
    const tree = readTree(outdir);
    expect(Object.keys(tree)).toEqual([OUTPUT_MARKER, KUSTOMIZATION_FILE, 'old/ConfigMap.old.k8s.yaml']);
    return tree;
  }

  test('fails if validation fails, leaving the previous output and no staging folder', () => {
    const outdir = path.join(tmp, 'dist');
    const before = previousOutput(outdir);
    const app = new App();
    service(new Chart(app, 'good'), 'good');
    new Chart(app, 'bad').node.addValidation({ validate: () => ["'rules' is []: must hold at least one host rule"] });

    expect(() => synthesizeApp(app, { outdir, log: () => undefined })).toThrow(
      "Validation failed with the following errors:\n  [bad] 'rules' is []: must hold at least one host rule",
    );
    expect(readTree(outdir)).toEqual(before);
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test('fails if rendering a manifest throws after other files were written, leaving the previous output', () => {
    const outdir = path.join(tmp, 'dist');
    const before = previousOutput(outdir);
    const app = new App();
    service(new Chart(app, 'a-first'), 'first');
    new ApiObject(new Chart(app, 'z-broken'), 'broken', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      data: Lazy.any({
        produce: () => {
          throw new Error('cannot render data');
        },
      }),
    });

    expect(() => synthesizeApp(app, { outdir, log: () => undefined })).toThrow(/z-broken\/broken.*cannot render data/);
    expect(readTree(outdir)).toEqual(before);
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test('on success, replaces the whole folder: stale files are gone, nothing is left beside it', () => {
    const outdir = path.join(tmp, 'dist');
    previousOutput(outdir);
    const app = new App();
    service(new Chart(app, 'web'), 'web');

    expect(synthesizeApp(app, { outdir, log: () => undefined })).toEqual([KUSTOMIZATION_FILE, 'web.k8s.yaml']);
    expect(Object.keys(readTree(outdir))).toEqual([OUTPUT_MARKER, KUSTOMIZATION_FILE, 'web.k8s.yaml']);
    expect(readTree(outdir)['web.k8s.yaml']).toMatch(/^---\napiVersion: /);
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test('reports each chart after the swap: its files, objects and warnings', () => {
    const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_APP });
    const web = new Chart(app, 'web');
    new ApiObject(web, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    new ApiObject(web, 'b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
    addWarning(web, 'one');
    addWarning(new Construct(web, 'inner'), 'two');
    const nested = new Chart(web, 'nested');
    new ApiObject(nested, 'c', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    const outdir = path.join(tmp, 'dist');
    const seen: unknown[] = [];
    synthesizeApp(app, {
      outdir,
      log: () => undefined,
      onChart: c => seen.push({ ...c, swapped: fs.existsSync(path.join(outdir, 'app.k8s.yaml')) }),
    });
    expect(seen).toEqual([
      { path: 'web/nested', files: ['app.k8s.yaml'], objects: 1, warnings: 0, swapped: true },
      { path: 'web', files: ['app.k8s.yaml'], objects: 2, warnings: 2, swapped: true },
    ]);
  });

  test('prints every warning to the log', () => {
    const app = new App();
    const chart = new Chart(app, 'web');
    service(chart, 'web');
    addWarning(chart, 'something to look at');
    const lines: string[] = [];
    synthesizeApp(app, { outdir: path.join(tmp, 'dist'), log: line => lines.push(line) });
    expect(lines).toContain('warning: [web] something to look at');
  });
});

describe('benchmark apps', () => {
  test('the library and the hand-written L1 objects give equal manifests (what `npm run bench` asserts before timing)', () => {
    for (const layout of ['single', 'multi'] as const) {
      const lib = path.join(tmp, `${layout}-lib`);
      const l1 = path.join(tmp, `${layout}-l1`);
      synthesizeApp(buildApp('lib', layout, 3, lib), { outdir: lib, log: () => undefined });
      buildApp('l1', layout, 3, l1).synth();
      expect(manifestDifferences(lib, l1)).toEqual([]);
      expect(fs.readdirSync(lib).filter(f => f !== KUSTOMIZATION_FILE && f !== OUTPUT_MARKER).length).toBe(
        layout === 'single' ? 1 : 3,
      );
    }
  });
});

describe('manifestYaml', () => {
  const word = fc.constantFrom(
    'a',
    'app',
    'e0',
    'E-5',
    'e+3',
    'y',
    'yes',
    'No',
    'on',
    'null',
    'true',
    '1',
    '0777',
    '1:20',
    '1.0',
    '2001-12-14',
    '0x1f',
    '1_000',
    '',
    ' ',
    'a b',
    'a: b',
    'a #b',
    '#',
    '- a',
    '-a',
    '%',
    '@',
    '*a',
    '&a',
    '!a',
    '|',
    '>',
    "'",
    '"',
    'a\nb',
    'a\tb',
    '.inf',
    '~',
    '<<',
    'registry.example.com/svc:1.4.2',
    'app.kubernetes.io/name',
    '25%',
    '500m',
    'ü',
    '---',
    '...',
    'a,b',
    '[a',
    '{a',
    '?',
    ':a',
    'a:',
  );
  const text = fc.oneof(word, fc.string({ maxLength: 8 }), fc.stringMatching(/^[A-Za-z0-9._/:%# -]{1,10}$/));
  const scalarValue = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(-0));
  const { doc } = fc.letrec(tie => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarValue, tie('map'), tie('list')),
    map: fc.dictionary(text, tie('value'), { maxKeys: 4 }),
    list: fc.array(tie('value'), { maxLength: 3 }),
    doc: fc.oneof(fc.dictionary(text, tie('value'), { maxKeys: 5 }), tie('value')),
  }));

  // Shaped like manifests (plain keys, one-line scalars), so that most documents take the fast path.
  const manifestKey = fc.oneof(
    { arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9._/-]{0,12}$/), weight: 30 },
    { arbitrary: fc.constantFrom('y', 'on', 'null', '80', 'a b'), weight: 1 },
  );
  const oneLine = fc
    .oneof(word, fc.stringMatching(/^[^\n\r]{0,10}$/), fc.stringMatching(/^[A-Za-z0-9._/:%# -]{1,10}$/))
    .filter(t => !t.includes('\n'));
  const { manifest } = fc.letrec(tie => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(oneLine, fc.integer(), fc.double(), fc.boolean()),
      tie('map'),
      tie('list'),
    ),
    map: fc.dictionary(manifestKey, tie('value'), { maxKeys: 4 }),
    list: fc.array(fc.oneof(fc.oneof(oneLine, fc.integer()), tie('map')), { maxLength: 3 }),
    manifest: fc.dictionary(manifestKey, tie('value'), { minKeys: 1, maxKeys: 6 }),
  }));

  test('writes the bytes cdk8s Yaml.stringify writes, for random manifest-shaped documents', () => {
    fc.assert(
      fc.property(fc.array(manifest, { minLength: 1, maxLength: 3 }), docs => {
        expect(manifestYaml(docs)).toBe(Yaml.stringify(...docs));
      }),
      { numRuns: 1000 },
    );
  });

  test('writes the bytes cdk8s Yaml.stringify writes, for random documents', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(doc, fc.constant(undefined)), { maxLength: 3 }), docs => {
        expect(manifestYaml(docs)).toBe(Yaml.stringify(...docs));
      }),
      { numRuns: 2000 },
    );
  });

  test('writes every short word as Yaml.stringify does, as a key and as a value', () => {
    const alphabet = [...'aeEnNoOyYtTfFxb019.-/_:'];
    const words = [...alphabet];
    for (const a of alphabet) for (const b of alphabet) words.push(a + b, ...alphabet.map(c => a + b + c));
    const docs = words.map(w => ({ [w]: w, list: [w] }));
    expect(manifestYaml(docs)).toBe(Yaml.stringify(...docs));
  });

  test('writes the bytes of Yaml.stringify for documents with a shared object, nulls and nested lists', () => {
    const shared = { a: 'b' };
    const docs = [{ x: shared, y: shared }, { list: [[1, 2], []], n: null, u: undefined }, { s: 'line one\nline two' }];
    expect(manifestYaml(docs)).toBe(Yaml.stringify(...docs));
  });
});
