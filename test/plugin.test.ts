import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ValidationContext as Context } from 'cdk8s-cli/lib/plugins/validation';
import { ApiObject, Chart, Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { constructMetadataResources } from '../lib/safety/findings';
import { sharedPackage } from './support/shared-package';

// The plugin is plain JavaScript that requires the compiled checker from build/: loaded from the package as `npm
// pack` makes it from this working tree (built once per test run, test/support/shared-package.ts).
const ROOT = path.resolve(__dirname, '..');
// The CLI's own context class; its package "exports" hide the file from a bare import.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ValidationContext } = require(path.join(ROOT, 'node_modules/cdk8s-cli/lib/plugins/validation.js'));
type ValidationContext = Context;
let pkg: string;
let PolicyValidation: new (properties?: Record<string, unknown>) => {
  validate(context: ValidationContext): Promise<void>;
};

beforeAll(() => {
  pkg = sharedPackage().unpacked;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the plugin as the CLI loads it, by path
  PolicyValidation = require(path.join(pkg, 'plugin/index.js')).PolicyValidation;
}, 10 * 60_000);

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
const deployment = (name: string, podSpec: object, annotations?: Record<string, string>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, annotations },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec } },
});

const manifestDirs: string[] = [];
afterAll(() => {
  for (const dir of manifestDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function contextFor(manifests: object[], metadata: Record<string, { path: string }> = {}): ValidationContext {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-manifests-'));
  manifestDirs.push(dir);
  const file = path.join(dir, 'app.k8s.yaml');
  fs.writeFileSync(file, manifests.map(m => yaml.dump(m)).join('---\n'));
  return new ValidationContext([file], 'cdk8s-delivery', '0.1.0', metadata, false);
}

describe("PolicyValidation plugin, called with the CLI's ValidationContext", () => {
  it('passes restricted, hygienic manifests', async () => {
    const ctx = contextFor([deployment('web', restrictedPod)]);
    await new PolicyValidation().validate(ctx);
    expect(ctx.report.success).toBe(true);
    expect(ctx.report.toJson().violations).toEqual([]);
  });

  it('fails on a Pod Security violation, naming the rule, the resource, its construct path, the field and the value', async () => {
    const bad = deployment('root', {
      ...restrictedPod,
      securityContext: { runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' }, runAsNonRoot: true },
    });
    const ctx = contextFor([bad, deployment('web', restrictedPod)], { root: { path: 'app/root/Resource' } });
    await new PolicyValidation().validate(ctx);
    expect(ctx.report.success).toBe(false);
    const violations = ctx.report.toJson().violations;
    expect(violations.map(v => v.ruleName)).toEqual(['pss-run-as-non-root (error)']);
    expect(violations[0].violatingConstructs).toEqual([
      expect.objectContaining({
        resourceName: 'root',
        constructPath: 'app/root/Resource',
        manifestPath: expect.stringMatching(/app\.k8s\.yaml$/),
        locations: [
          "Deployment/root 'spec.template.spec.securityContext.runAsUser' is 0: must not be 0 (root) under the restricted standard",
        ],
      }),
    ]);
    expect(violations[0].fix).toMatch(/cdk8s-delivery\.io\/suppress\.pss-run-as-non-root: "<reason>"/);
  });

  it('runs the wiring checks too, unless turned off', async () => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'wbe' }, ports: [{ name: 'http', port: 80 }] },
    };
    const on = contextFor([deployment('web', restrictedPod), svc]);
    await new PolicyValidation().validate(on);
    expect(on.report.toJson().violations.map(v => v.ruleName)).toEqual(['service-selects-nothing (error)']);
    const off = contextFor([deployment('web', restrictedPod), svc]);
    await new PolicyValidation({ wiring: false }).validate(off);
    expect(off.report.success).toBe(true);
  });

  it('reports warnings without failing, unless failOn says so; honours suppression annotations', async () => {
    const noProbes = {
      ...restrictedPod,
      containers: [{ ...restrictedPod.containers[0], readinessProbe: undefined, livenessProbe: undefined }],
    };
    const ctx = contextFor([deployment('web', noProbes)]);
    await new PolicyValidation().validate(ctx);
    expect(ctx.report.success).toBe(true);
    expect(ctx.report.toJson().violations.map(v => v.ruleName)).toEqual([
      'readiness-probe (warning)',
      'liveness-probe (info)',
    ]);
    const strict = contextFor([deployment('web', noProbes)]);
    await new PolicyValidation({ failOn: 'warning' }).validate(strict);
    expect(strict.report.success).toBe(false);
    const suppressed = contextFor([
      deployment('web', noProbes, { 'cdk8s-delivery.io/suppress.readiness-probe': 'batch consumer, no traffic' }),
    ]);
    await new PolicyValidation({ failOn: 'warning' }).validate(suppressed);
    expect(suppressed.report.toJson().violations.map(v => v.ruleName)).toEqual(['liveness-probe (info)']);
    expect(suppressed.report.success).toBe(true);
  });

  describe('objects that share a name across kinds', () => {
    // Deployment "x" breaks the restricted standard; Service "x" beside it is fine.
    const bad = deployment('x', {
      ...restrictedPod,
      securityContext: { runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' }, runAsNonRoot: true },
    });
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'x' },
      spec: { selector: { app: 'x' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    };
    const pathsOf = (ctx: ValidationContext) =>
      ctx.report
        .toJson()
        .violations.flatMap(v => v.violatingConstructs.map(c => `${c.resourceName} ${c.constructPath}`));

    it('reports the Deployment at its own construct path, from the metadata synthesizeApp records', async () => {
      const app = Testing.app();
      const chart = new Chart(app, 'app');
      const objects = [new ApiObject(chart, 'deployment', bad), new ApiObject(chart, 'service', svc)];
      const metadata = constructMetadataResources(objects);
      // The name alone points at the object synthesized last, the Service.
      expect(metadata.x).toEqual({ path: 'app/service' });
      const ctx = contextFor([bad, svc], metadata);
      await new PolicyValidation().validate(ctx);
      expect(pathsOf(ctx)).toEqual(['Deployment/x app/deployment']);
    });

    it("reports no construct path rather than the Service's, when only names are recorded (plain app.synth())", async () => {
      const ctx = contextFor([bad, svc], { x: { path: 'app/service' } });
      await new PolicyValidation().validate(ctx);
      expect(pathsOf(ctx)).toEqual(['Deployment/x undefined']);
    });

    it('still reports a name used once by its name', async () => {
      const ctx = contextFor([bad], { x: { path: 'app/deployment' } });
      await new PolicyValidation().validate(ctx);
      expect(pathsOf(ctx)).toEqual(['x app/deployment']);
    });
  });

  it('fails if a property is unknown or has a bad value, naming it and the value', () => {
    expect(() => new PolicyValidation({ podsecurity: 'restricted' })).toThrow(
      /property 'podsecurity' is unknown: use podSecurity, failOn/,
    );
    expect(() => new PolicyValidation({ failOn: 'fatal' })).toThrow(
      /property 'failOn' is "fatal": must be one of "info", "warning", "error"/,
    );
  });
});

describe('PolicyValidation plugin through `cdk8s synth`', () => {
  function synthApp(appCode: string): { status: number | null; out: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-app-'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    fs.writeFileSync(path.join(dir, 'main.js'), appCode);
    fs.writeFileSync(
      path.join(dir, 'cdk8s.yaml'),
      [
        'language: typescript',
        'app: node main.js',
        'output: dist',
        'validations:',
        `  - package: ${path.join(pkg, 'plugin')}`,
        '    class: PolicyValidation',
        '    version: 0.1.0',
        '',
      ].join('\n'),
    );
    const r = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules/cdk8s-cli/bin/cdk8s'), 'synth', '--no-check-upgrade'],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
      },
    );
    fs.rmSync(dir, { recursive: true, force: true });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  }

  it('fails synth of a plain cdk8s-plus-27 app that misses the restricted standard, with construct paths', () => {
    const { status, out } = synthApp(`
      const { App, Chart } = require('cdk8s');
      const kplus = require('cdk8s-plus-27');
      const app = new App();
      new kplus.Deployment(new Chart(app, 'web'), 'frontend', { containers: [{ image: 'nginx:1.25', portNumber: 8080 }] });
      app.synth();
    `);
    expect(status).toBe(2);
    expect(out).toMatch(/pss-seccomp \(error\)/);
    expect(out).toMatch(/Construct Path: web\/frontend\/Resource/);
    expect(out).toMatch(
      /'spec\.template\.spec\.containers\[0\]\.securityContext\.capabilities\.drop' is undefined: must contain ALL/,
    );
  });

  it('passes synth of an app whose pods meet it', () => {
    const { status, out } = synthApp(`
      const { App, Chart, ApiObject } = require('cdk8s');
      const app = new App();
      new ApiObject(new Chart(app, 'web'), 'web', ${JSON.stringify(deployment('web', restrictedPod))});
      app.synth();
    `);
    expect(out).toMatch(/Validations ended succesfully/);
    expect(status).toBe(0);
  });
});
