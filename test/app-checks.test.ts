import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { buildExamples } from '../main';
import {
  CanaryDeployment,
  HostIngress,
  NatsPipeline,
  NatsServer,
  PipelineStage,
  PodSecurity,
  StableDeployment,
  synthesizeApp,
  VersionedService,
} from '../lib';
import { appCheckProblems, MAX_CONFIG_DATA_BYTES, MAX_OBJECT_BYTES } from '../lib/safety/app-checks';

const security = PodSecurity.restricted({ runAsUser: 1000 });
const web = { app: 'web', image: 'web:1.0', port: 8080 };
const stage = (name: string) => ({ name, image: `example/${name}:1.0`, security });

function chart(app: App = Testing.app(), id = 'app', props = {}): Chart {
  return new Chart(app, id, props);
}
function deployment(
  name: string,
  labels: Record<string, string>,
  extra: { ns?: string; selector?: unknown; kind?: string; apiVersion?: string; spec?: object } = {},
) {
  return {
    apiVersion: extra.apiVersion ?? 'apps/v1',
    kind: extra.kind ?? 'Deployment',
    metadata: { name, namespace: extra.ns },
    spec: {
      selector: extra.selector ?? { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'web:1.0' }] } },
      ...extra.spec,
    },
  };
}
const configMap = (name: string, extra: object = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  ...extra,
});

describe('whole-app checks', () => {
  it('pass the four example charts, in one app as main.ts builds them', () => {
    const app = Testing.app();
    buildExamples(app);
    expect(appCheckProblems(app)).toEqual([]);
    expect(() => app.synthYaml()).not.toThrow();
  });

  describe('duplicates: one group, kind, namespace and name', () => {
    it('fails if a stable gets a second canary of the same name, naming both construct paths', () => {
      const c = chart();
      const stable = new StableDeployment(c, 'web', web);
      new CanaryDeployment(c, 'canary', { stable, image: 'web:2.0' });
      new CanaryDeployment(c, 'canary2', { stable, image: 'web:3.0' });
      expect(appCheckProblems(c)).toEqual(
        expect.arrayContaining([
          `[app/canary2] 'metadata.name' is "web-canary": app/canary already makes Deployment "web-canary" in namespace "default" (an unset namespace counts as "default"), so kubectl apply would merge the two into one object and kustomize refuses the pair; give one of them another name`,
        ]),
      );
    });

    it('fails if one workload gets two Services of the same name', () => {
      const c = chart();
      const stable = new StableDeployment(c, 'web', web);
      new VersionedService(c, 'svc', { serves: stable, port: 80 });
      new VersionedService(c, 'svc2', { serves: stable, port: 81 });
      expect(appCheckProblems(c)).toEqual([
        `[app/svc2] 'metadata.name' is "web-stable": app/svc already makes Service "web-stable" in namespace "default" (an unset namespace counts as "default"), so kubectl apply would merge the two into one object and kustomize refuses the pair; give one of them another name`,
      ]);
    });

    it('fails if Ingress ids differ only in case (Ing and ing both name the Ingress "ing")', () => {
      const c = chart();
      const service = new VersionedService(c, 'svc', { serves: new StableDeployment(c, 'web', web), port: 80 });
      new HostIngress(c, 'Ing', { rules: [{ host: 'a.example.com', service }] });
      new HostIngress(c, 'ing', { rules: [{ host: 'b.example.com', service }] });
      expect(appCheckProblems(c)).toEqual([
        expect.stringMatching(
          /^\[app\/ing\] 'metadata\.name' is "ing": app\/Ing already makes Ingress "ing" in namespace "default"/,
        ),
      ]);
    });

    it('fails for plain cdk8s objects too, across charts, with an unset namespace meeting "default"', () => {
      const app = Testing.app();
      new StableDeployment(chart(app, 'lib'), 'web', web);
      new ApiObject(chart(app, 'one'), 'cm', configMap('settings'));
      new ApiObject(chart(app, 'two', { namespace: 'default' }), 'cm', configMap('settings'));
      expect(appCheckProblems(app)).toEqual([
        `[two/cm] 'metadata.name' is "settings": one/cm already makes ConfigMap "settings" in namespace "default" (an unset namespace counts as "default"), so kubectl apply would merge the two into one object and kustomize refuses the pair; give one of them another name`,
      ]);
    });

    it('passes the same name in another namespace, kind or API group; compares cluster-scoped kinds without namespace', () => {
      const app = Testing.app();
      new StableDeployment(chart(app, 'lib'), 'web', web);
      const c = chart(app, 'plain');
      new ApiObject(c, 'a', configMap('x'));
      new ApiObject(c, 'b', { ...configMap('x'), metadata: { name: 'x', namespace: 'other' } });
      new ApiObject(c, 'c', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } });
      new ApiObject(c, 'd', { apiVersion: 'example.com/v1', kind: 'ConfigMap', metadata: { name: 'x' } });
      expect(appCheckProblems(app)).toEqual([]);
      new ApiObject(c, 'ns1', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
      new ApiObject(c, 'ns2', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'team', namespace: 'ignored' },
      });
      expect(appCheckProblems(app)).toEqual([
        `[plain/ns2] 'metadata.name' is "team": plain/ns1 already makes Namespace "team", so kubectl apply would merge the two into one object and kustomize refuses the pair; give one of them another name`,
      ]);
    });

    it('runs in app.synth(), app.synthYaml(), Testing.synth and synthesizeApp, reporting each problem once', () => {
      const build = () => {
        const app = Testing.app();
        const c = chart(app);
        const stable = new StableDeployment(c, 'web', web);
        new VersionedService(c, 'svc', { serves: stable, port: 80 });
        new VersionedService(c, 'svc2', { serves: stable, port: 81 });
        return { app, c };
      };
      const line = /\[app\/svc2\] 'metadata\.name' is "web-stable"/g;
      const messageOf = (f: () => unknown) => {
        try {
          f();
        } catch (e) {
          return (e as Error).message;
        }
        throw new Error('synthesized without an error');
      };
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-checks-'));
      try {
        for (const run of [
          ({ app }: { app: App }) => app.synth(),
          ({ app }: { app: App }) => app.synthYaml(),
          ({ c }: { c: Chart }) => Testing.synth(c),
          ({ app }: { app: App }) => synthesizeApp(app, { outdir: path.join(dir, 'dist'), log: () => undefined }),
        ]) {
          expect(messageOf(() => run(build())).match(line)).toHaveLength(1);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('runs for plain cdk8s apps through synthesizeApp', () => {
      const app = Testing.app();
      const c = chart(app);
      new ApiObject(c, 'a', configMap('x'));
      new ApiObject(c, 'b', configMap('x'));
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-checks-'));
      try {
        expect(() => synthesizeApp(app, { outdir: path.join(dir, 'dist'), log: () => undefined })).toThrow(
          /\[app\/b\] 'metadata\.name' is "x": app\/a already makes ConfigMap "x"/,
        );
        expect(fs.readdirSync(dir)).toEqual([]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("selectors that catch another workload's pods", () => {
    it("fails if a pipeline stage is named like the NATS server: its StatefulSet, Services and budget catch the stage's pods", () => {
      const c = chart();
      const server = new NatsServer(c, 'server');
      new PipelineStage(c, 'stage', { ...stage('nats'), natsUrl: server.url });
      const caught = 'app/stage (Deployment/nats)';
      const sharing = `also catches the pods of ${caught}, which it was not made for (it was made for app/server (StatefulSet/nats)); rename one of them or give them labels that tell them apart`;
      expect(appCheckProblems(c)).toEqual([
        `[app/server] 'spec.selector' is {"matchLabels":{"app.kubernetes.io/name":"nats"}}: also matches the pods of ${caught}, so two controllers claim the same pods and fight over them; give each workload a label the other's pods lack and select on it`,
        `[app/server/Service] 'spec.selector' is {"app.kubernetes.io/name":"nats"}: ${sharing}`,
        `[app/server/Headless] 'spec.selector' is {"app.kubernetes.io/name":"nats"}: ${sharing}`,
        `[app/server/Budget] 'spec.selector' is {"matchLabels":{"app.kubernetes.io/name":"nats"}}: ${sharing}`,
      ]);
    });

    it("fails if the pipeline's NetworkPolicy catches the pods of a stage outside it named like its server", () => {
      const c = chart();
      const pipeline = new NatsPipeline(c, 'pipeline', { stages: [stage('fetcher')] });
      new PipelineStage(c, 'rogue', { ...stage('nats'), natsUrl: pipeline.natsUrl });
      expect(appCheckProblems(c)).toContain(
        `[app/pipeline/NetworkPolicy] 'spec.podSelector' is {"matchLabels":{"app.kubernetes.io/name":"nats"}}: also catches the pods of app/rogue (Deployment/nats), which it was not made for (it was made for app/pipeline/Server (StatefulSet/nats)); rename one of them or give them labels that tell them apart`,
      );
    });

    it('passes deliberate sharing: one Service over the stable and canary tracks, NATS client and headless Services over the servers', () => {
      const c = chart();
      const stable = new StableDeployment(c, 'web', web);
      const canary = new CanaryDeployment(c, 'canary', { stable, image: 'web:2.0' });
      new VersionedService(c, 'all', { serves: [stable, canary], port: 80 });
      new NatsPipeline(c, 'pipeline', { stages: [stage('fetcher'), stage('saver')] });
      expect(appCheckProblems(c)).toEqual([]);
    });

    it('fails if a library Service catches a plain workload that shares its app label', () => {
      const c = chart();
      new VersionedService(c, 'svc', { serves: new StableDeployment(c, 'web', web), port: 80 });
      // Another tool's pods, labelled like the stable track but selected by their own controller.
      new ApiObject(
        c,
        'other',
        deployment(
          'other',
          { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/track': 'stable', team: 'x' },
          { selector: { matchLabels: { team: 'x' } } },
        ),
      );
      expect(appCheckProblems(c)).toEqual([
        `[app/web] 'spec.selector' is {"matchLabels":{"app.kubernetes.io/name":"web","app.kubernetes.io/track":"stable"}}: also matches the pods of app/other (Deployment/other), so two controllers claim the same pods and fight over them; give each workload a label the other's pods lack and select on it`,
        `[app/svc] 'spec.selector' is {"app.kubernetes.io/name":"web","app.kubernetes.io/track":"stable"}: also catches the pods of app/other (Deployment/other), which it was not made for (it was made for app/web (Deployment/web-stable)); rename one of them or give them labels that tell them apart`,
      ]);
    });

    it('fails for plain workload controllers (matchLabels and matchExpressions, ReplicaSets, manual Job selectors), in one namespace only', () => {
      const app = Testing.app();
      new StableDeployment(chart(app, 'lib'), 'web', web);
      const c = chart(app, 'plain');
      new ApiObject(c, 'a', deployment('a', { app: 'a', tier: 'x' }));
      new ApiObject(
        c,
        'b',
        deployment(
          'b',
          { app: 'b' },
          { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }] } },
        ),
      );
      new ApiObject(
        c,
        'rs',
        deployment('rs', { app: 'rs' }, { kind: 'ReplicaSet', selector: { matchLabels: { tier: 'x' } } }),
      );
      new ApiObject(
        c,
        'job',
        deployment(
          'job',
          { app: 'job', tier: 'x' },
          {
            apiVersion: 'batch/v1',
            kind: 'Job',
            spec: { manualSelector: true },
            selector: { matchLabels: { app: 'job' } },
          },
        ),
      );
      new ApiObject(
        c,
        'auto',
        deployment(
          'auto',
          { app: 'a' },
          { apiVersion: 'batch/v1', kind: 'Job', selector: { matchLabels: { app: 'a' } } },
        ),
      );
      new ApiObject(c, 'elsewhere', deployment('elsewhere', { app: 'a' }, { ns: 'other' }));
      const fight = (p: string, sel: object, other: string) =>
        `[plain/${p}] 'spec.selector' is ${JSON.stringify(sel)}: also matches the pods of plain/${other}, so two controllers claim the same pods and fight over them; give each workload a label the other's pods lack and select on it`;
      expect(appCheckProblems(app)).toEqual([
        fight('b', { matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }] }, 'a (Deployment/a)'),
        fight('b', { matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }] }, 'auto (Job/auto)'),
        fight('rs', { matchLabels: { tier: 'x' } }, 'a (Deployment/a)'),
        fight('rs', { matchLabels: { tier: 'x' } }, 'job (Job/job)'),
      ]);
    });

    it("passes a Rollout beside the Deployment it replaces (same name) or names in workloadRef: Argo's migration", () => {
      const app = Testing.app();
      new StableDeployment(chart(app, 'lib'), 'web', web);
      const c = chart(app, 'plain');
      new ApiObject(c, 'dep', deployment('web', { app: 'web' }));
      new ApiObject(
        c,
        'rollout',
        deployment('web', { app: 'web' }, { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' }),
      );
      new ApiObject(c, 'old', deployment('old', { app: 'old' }));
      new ApiObject(c, 'ref', {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata: { name: 'new' },
        spec: {
          selector: { matchLabels: { app: 'old' } },
          workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'old' },
        },
      });
      expect(appCheckProblems(app)).toEqual([]);
      new ApiObject(
        c,
        'stranger',
        deployment('stranger', { app: 'web' }, { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' }),
      );
      expect(appCheckProblems(app)).toEqual(
        expect.arrayContaining([
          `[plain/stranger] 'spec.selector' is {"matchLabels":{"app":"web"}}: also matches the pods of plain/dep (Deployment/web), so two controllers claim the same pods and fight over them; give each workload a label the other's pods lack and select on it`,
        ]),
      );
    });

    it('leaves malformed selectors to schema validation instead of failing with a TypeError', () => {
      const c = chart();
      new StableDeployment(c, 'web', web);
      new ApiObject(
        c,
        'odd',
        deployment('odd', { 'app.kubernetes.io/name': 'web' }, { selector: { matchExpressions: { key: 'x' } } }),
      );
      new ApiObject(c, 'odder', deployment('odder', { 'app.kubernetes.io/name': 'web' }, { selector: 'web' }));
      new ApiObject(c, 'svc', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'odd', labels: 'x' as any },
        spec: { selector: { app: 3 } },
      });
      expect(appCheckProblems(c)).toEqual([]);
    });

    it('leaves Services, budgets and policies that the app writes by hand to the opt-in wiring checks', () => {
      const app = Testing.app();
      new StableDeployment(chart(app, 'lib'), 'web', web);
      const c = chart(app, 'plain');
      new kplus.Deployment(c, 'blue', {
        containers: [{ image: 'web:1.0' }],
        podMetadata: { labels: { app: 'shop', color: 'blue' } },
      });
      new kplus.Deployment(c, 'green', {
        containers: [{ image: 'web:2.0' }],
        podMetadata: { labels: { app: 'shop', color: 'green' } },
      });
      new ApiObject(c, 'svc', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'shop' },
        spec: { selector: { app: 'shop' }, ports: [{ port: 80 }] },
      });
      expect(appCheckProblems(app)).toEqual([]);
    });
  });

  describe('size limits', () => {
    it('fails if a ConfigMap holds more than 1 MiB of data and binaryData, counting keys and decoded bytes', () => {
      const c = chart();
      new StableDeployment(c, 'web', web);
      new ApiObject(c, 'fits', configMap('fits', { data: { a: 'x'.repeat(MAX_CONFIG_DATA_BYTES - 1) } }));
      new ApiObject(
        c,
        'over',
        configMap('over', {
          data: { a: 'x'.repeat(MAX_CONFIG_DATA_BYTES - 100) },
          binaryData: { b: Buffer.alloc(100).toString('base64') },
        }),
      );
      expect(appCheckProblems(c)).toEqual([
        `[app/over] 'data + binaryData' is ${MAX_CONFIG_DATA_BYTES + 2} bytes: ConfigMap/over can hold at most 1048576 bytes (1 MiB) of data, so the API server refuses it; split the data over several ConfigMaps or ship it another way (an image, a volume)`,
      ]);
    });

    it('fails if a Secret holds more than 1 MiB, counting base64 data decoded', () => {
      const c = chart();
      new StableDeployment(c, 'web', web);
      // 1 MiB encoded is only 768 KiB of data: it fits.
      new ApiObject(c, 'fits', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'fits' },
        data: { a: Buffer.alloc(MAX_CONFIG_DATA_BYTES).toString('base64').slice(0, MAX_CONFIG_DATA_BYTES) },
      });
      new ApiObject(c, 'over', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'over' },
        data: { a: Buffer.alloc(MAX_CONFIG_DATA_BYTES).toString('base64') },
        stringData: { b: 'x' },
      });
      expect(appCheckProblems(c)).toEqual([
        `[app/over] 'data + stringData' is ${MAX_CONFIG_DATA_BYTES + 1} bytes: Secret/over can hold at most 1048576 bytes (1 MiB) of data, so the API server refuses it; split the data over several Secrets or ship it another way (an image, a volume)`,
      ]);
    });

    it('fails if any object is over 1.5 MiB as JSON, whoever made it', () => {
      const c = chart();
      new StableDeployment(c, 'web', web);
      const blob = (name: string, size: number) => ({
        apiVersion: 'example.com/v1',
        kind: 'Blob',
        metadata: { name },
        spec: { text: 'x'.repeat(size) },
      });
      const overhead = JSON.stringify(blob('fits', 0)).length;
      new ApiObject(c, 'fits', blob('fits', MAX_OBJECT_BYTES - overhead));
      new ApiObject(c, 'over', blob('over', MAX_OBJECT_BYTES - overhead + 1));
      expect(appCheckProblems(c)).toEqual([
        `[app/over] 'Blob/over' is ${MAX_OBJECT_BYTES + 1} bytes as JSON: must be at most 1572864 bytes (1.5 MiB), the largest object the API server stores; split it into several objects`,
      ]);
    });
  });

  it('costs one linear pass: 8 times the objects take far less than 64 times as long', () => {
    const build = (n: number) => {
      const app = Testing.app();
      new StableDeployment(chart(app, 'lib'), 'web', web);
      for (let ch = 0; ch < n / 100; ch++) {
        const c = chart(app, `c${ch}`);
        for (let i = 0; i < 100; i++) {
          const name = `w${ch}-${i}`;
          new ApiObject(c, `d${i}`, deployment(name, { app: name, tier: 'web' }));
          new ApiObject(c, `s${i}`, {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name },
            spec: { selector: { app: name, tier: 'web' } },
          });
        }
      }
      return app;
    };
    const time = (n: number) => {
      const app = build(n);
      const start = process.hrtime.bigint();
      expect(appCheckProblems(app)).toEqual([]);
      return Number(process.hrtime.bigint() - start);
    };
    time(200);
    const small = Math.min(time(400), time(400));
    const large = Math.min(time(3200), time(3200));
    expect(large / small).toBeLessThan(24);
  });
});
