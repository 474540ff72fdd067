/**
 * cdk8s validates the whole app once at the start of `app.synth()` and once more for every chart it renders. The
 * library's whole-app checks, wiring checks and canary share warning do their work once per synthesis, and a
 * second synthesis sees the app as it is then.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing, YamlOutputType } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { addLibService } from '../bench/apps';
import {
  Autoscaler,
  CanaryDeployment,
  Cpu,
  enableWiringChecks,
  StableDeployment,
  synthesizeApp,
  VersionedService,
  warningsOf,
} from '../lib';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synthesize-once-test-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** An app of `n` library services, one chart each, with the wiring checks on. */
function appOf(n: number): App {
  const app = new App({ outdir: path.join(tmp, 'dist') });
  for (let i = 0; i < n; i++) addLibService(new Chart(app, `svc-${i}`), `svc-${i}`);
  enableWiringChecks(app);
  return app;
}

/** A ConfigMap named `name` in `chart`. */
function configMap(chart: Chart, id: string, name: string): ApiObject {
  return new ApiObject(chart, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
}

const SHOP = { app: 'shop', image: 'shop:1.0', port: 8080, resources: { cpu: { request: Cpu.millis(100) } } };

const DUPLICATE =
  '\'metadata.name\' is "shared": svc-0/config already makes ConfigMap "shared" in namespace "default" (an unset namespace counts as "default"), so kubectl apply would merge the two into one object and kustomize refuses the pair; give one of them another name';

describe('app.synth() with a chart per service', () => {
  test('renders each object for the checks once, not once per chart (cdk8s renders it once more to write it)', () => {
    const app = appOf(5);
    const probe = configMap(Chart.of(app.node.findChild('svc-3')) as Chart, 'probe', 'probe');
    const toJson = jest.spyOn(probe, 'toJson');
    app.synth();
    // One rendering shared by the whole-app checks, the wiring checks and the canary share warning; one by cdk8s.
    expect(toJson).toHaveBeenCalledTimes(2);
  });

  test('reports a whole-app error once, at its construct, as a single pass would', () => {
    const app = appOf(3);
    configMap(app.node.findChild('svc-0') as Chart, 'config', 'shared');
    configMap(app.node.findChild('svc-2') as Chart, 'config', 'shared');
    expect(() => app.synth()).toThrow(`Validation failed with the following errors:\n  [svc-2/config] ${DUPLICATE}`);
  });

  test('a second synth sees a change made after the first: a new error fails it, a removed one is gone', () => {
    const app = appOf(3);
    app.synth();
    const third = app.node.findChild('svc-2') as Chart;
    configMap(app.node.findChild('svc-0') as Chart, 'config', 'shared');
    configMap(third, 'config', 'shared');
    expect(() => app.synth()).toThrow(`[svc-2/config] ${DUPLICATE}`);
    third.node.tryRemoveChild('config');
    expect(() => app.synth()).not.toThrow();
  });

  test('a change between app.synth() and Testing.synth in the same tick is seen', () => {
    const app = appOf(2);
    app.synth();
    configMap(app.node.findChild('svc-0') as Chart, 'config', 'shared');
    configMap(app.node.findChild('svc-1') as Chart, 'config', 'shared');
    expect(() => Testing.synth(app.node.findChild('svc-0') as Chart)).toThrow(
      '[svc-1/config] \'metadata.name\' is "shared": svc-0/config already makes ConfigMap "shared"',
    );
  });

  test('the canary share warning appears once a Service of both tracks is added between two synths', () => {
    const app = new App({ outdir: path.join(tmp, 'dist') });
    const chart = new Chart(app, 'shop');
    const stable = new StableDeployment(chart, 'stable', SHOP);
    new CanaryDeployment(chart, 'canary', { stable, image: 'shop:2.0', replicas: 1 });
    new Autoscaler(chart, 'hpa', { target: stable, minReplicas: 1, maxReplicas: 10 });
    new Chart(app, 'other');
    app.synth();
    expect(warningsOf(app)).toEqual([]);
    new k8s.KubeService(app.node.findChild('other') as Chart, 'plain', {
      metadata: { name: 'shop' },
      spec: { selector: { 'app.kubernetes.io/name': 'shop' }, ports: [{ port: 80 }] },
    });
    app.synth();
    expect(warningsOf(app)).toEqual([
      "[shop/canary] the canary's traffic share moves while shop/stable autoscales: 1 canary pod(s) beside 1..10 stable pods is 50% down to 9.09% of the traffic of the Service at other/plain, which selects both tracks. Use ingress weights (a HostIngress canary over one Service per track) for a fixed share.",
    ]);
  });

  test('the share warning names the first Service of both tracks in construct order, in the canary namespace only', () => {
    const app = new App({ outdir: path.join(tmp, 'dist') });
    const chart = new Chart(app, 'shop');
    const stable = new StableDeployment(chart, 'stable', SHOP);
    const canary = new CanaryDeployment(chart, 'canary', { stable, image: 'shop:2.0', replicas: 1 });
    new Autoscaler(chart, 'hpa', { target: stable, minReplicas: 1, maxReplicas: 10 });
    const elsewhere = new Chart(app, 'elsewhere', { namespace: 'other' });
    const service = (scope: Chart, id: string, selector: Record<string, string>) =>
      new k8s.KubeService(scope, id, { metadata: { name: id }, spec: { selector, ports: [{ port: 80 }] } });
    service(elsewhere, 'a-other-namespace', { 'app.kubernetes.io/name': 'shop' });
    service(chart, 'b-stable-only', { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/track': 'stable' });
    new VersionedService(chart, 'c-both', { serves: [stable, canary], port: 80 });
    service(chart, 'd-both-too', { 'app.kubernetes.io/name': 'shop' });
    app.synth();
    expect(warningsOf(app)).toEqual([expect.stringContaining('of the traffic of the Service at shop/c-both, which')]);
  });
});

/** Every file below `dir`, relative, with its text. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of (fs.readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isFile()) out[f] = fs.readFileSync(p, 'utf8');
  }
  return out;
}

/** An app of library services over several charts, nested and depending on each other. */
function tangledApp(outdir: string, yamlOutputType: YamlOutputType): App {
  const app = new App({ outdir, yamlOutputType });
  const charts = [0, 1, 2, 3].map(i => new Chart(app, `c${i}`));
  charts.forEach((c, i) => addLibService(c, `svc-${i}`));
  const nested = new Chart(charts[1], 'nested');
  configMap(nested, 'config', 'nested-config');
  charts[0].addDependency(charts[2]);
  configMap(charts[3], 'first', 'first').addDependency(charts[3].node.findChild('svc-3-ingress'));
  enableWiringChecks(app);
  return app;
}

describe('app.synth() of an app using the library renders each chart once', () => {
  test.each([
    ['FILE_PER_CHART', YamlOutputType.FILE_PER_CHART],
    ['FILE_PER_APP', YamlOutputType.FILE_PER_APP],
    ['FILE_PER_RESOURCE', YamlOutputType.FILE_PER_RESOURCE],
    ['FOLDER_PER_CHART_FILE_PER_RESOURCE', YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE],
  ])('and writes the bytes plain cdk8s writes for the same app (%s)', (_, type) => {
    const ours = path.join(tmp, 'ours');
    const plain = path.join(tmp, 'plain');
    tangledApp(ours, type).synth();
    // cdk8s's own synth, past the app's wrapper: validation and dependency resolution again for every chart.
    App.prototype.synth.call(tangledApp(plain, type));
    const written = tree(ours);
    expect(written).toEqual(tree(plain));
    const text = Object.values(written).join('\n');
    expect([text.includes('name: nested-config'), text.match(/^kind: /gm)?.length]).toEqual([true, 4 * 6 + 2]);
  });

  test('and synthYaml() gives the string plain cdk8s gives', () => {
    expect(tangledApp(tmp, YamlOutputType.FILE_PER_CHART).synthYaml()).toBe(
      App.prototype.synthYaml.call(tangledApp(tmp, YamlOutputType.FILE_PER_CHART)),
    );
  });

  test("runs a user's validation once per synth, not once more per chart", () => {
    const app = appOf(3);
    const validate = jest.fn(() => []);
    (app.node.findChild('svc-1') as Chart).node.addValidation({ validate });
    app.synth();
    expect(validate).toHaveBeenCalledTimes(1);
    app.synth();
    expect(validate).toHaveBeenCalledTimes(2);
  });

  test('leaves a chart class that overrides toJson its own rendering, and the charts as they were after synth', () => {
    class Extra extends Chart {
      public toJson(): any[] {
        return [...super.toJson(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra' } }];
      }
    }
    const app = appOf(1);
    const extra = new Extra(app, 'extra');
    app.synth();
    expect(fs.readFileSync(path.join(tmp, 'dist', 'extra.k8s.yaml'), 'utf8')).toContain('name: extra');
    expect(app.node.findAll().filter(c => Object.prototype.hasOwnProperty.call(c, 'toJson'))).toEqual([]);
    expect(extra.toJson()).toHaveLength(1);
  });
});

describe('synthesizeApp', () => {
  test('renders each object once for the checks and once to write it', () => {
    const app = appOf(3);
    const probe = configMap(app.node.findChild('svc-1') as Chart, 'probe', 'probe');
    const toJson = jest.spyOn(probe, 'toJson');
    synthesizeApp(app, { outdir: path.join(tmp, 'out'), log: () => undefined });
    expect(toJson).toHaveBeenCalledTimes(2);
  });
});
