import { ApiObject, App, Chart, Duration, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  Autoscaler,
  CanaryDeployment,
  CanaryStep,
  checkPolicy,
  checkWiring,
  Cpu,
  HostIngress,
  IntOrPercent,
  Manifest,
  Memory,
  NatsPipeline,
  PodSecurity,
  Probe,
  Rollout,
  RolloutStrategy,
  ScalingMetric,
  StableDeployment,
  UpdateStrategy,
  validateSchemasSync,
  VersionedService,
} from '../lib';

// Random valid props for each construct family; every app they build must pass the wiring
// checks, the restricted Pod Security profile and the schemas.

const name = fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/);
const tag = fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 })).map(([a, b]) => `${a}.${b}`);
const port = fc.integer({ min: 1024, max: 65535 });
const portName = fc.constantFrom('http', 'web', 'api', 'http-alt');
const resources = fc
  .record({
    cpu: fc.integer({ min: 1, max: 4000 }),
    cpuLimitExtra: fc.option(fc.integer({ min: 0, max: 4000 })),
    memory: fc.integer({ min: 16, max: 4096 }),
  })
  .map(r => ({
    cpu: {
      request: Cpu.millis(r.cpu),
      limit: r.cpuLimitExtra === null ? undefined : Cpu.millis(r.cpu + r.cpuLimitExtra),
    },
    memory: { request: Memory.mebibytes(r.memory) },
  }));
const security = fc
  .option(fc.integer({ min: 1, max: 65535 }))
  .map(uid => PodSecurity.restricted(uid === null ? {} : { runAsUser: uid }));
const strategy = fc.oneof(
  fc.constant(UpdateStrategy.recreate()),
  fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 100 })).map(([surge, unavailable]) =>
    UpdateStrategy.rollingUpdate({
      maxSurge: IntOrPercent.percent(surge),
      maxUnavailable: IntOrPercent.percent(unavailable),
    }),
  ),
);
const container = fc.record({
  app: name,
  tag,
  port,
  portName,
  resources,
  security,
  strategy,
  probes: fc.boolean(),
  automount: fc.boolean(),
});
type ContainerSample = typeof container extends fc.Arbitrary<infer T> ? T : never;

function stableFrom(c: Chart, s: ContainerSample, extra: { replicas?: number } = {}): StableDeployment {
  return new StableDeployment(c, 'stable', {
    app: s.app,
    image: `example/${s.app}:${s.tag}`,
    port: s.port,
    portName: s.portName,
    resources: s.resources,
    security: s.security,
    strategy: s.strategy,
    automountServiceAccountToken: s.automount,
    readiness: s.probes ? Probe.http('/ready') : undefined,
    liveness: s.probes ? Probe.http('/live', { initialDelay: Duration.seconds(10), failureThreshold: 6 }) : undefined,
    ...extra,
  });
}

/** Whole-pod canary splits: weights that `totalReplicas` pods meet exactly. */
const split = fc
  .constantFrom(2, 4, 5, 10)
  .chain(total => fc.integer({ min: 0, max: total }).map(canary => ({ total, weight: (canary * 100) / total })));

const families: Record<string, fc.Arbitrary<(app: App) => void>> = {
  'StableDeployment + VersionedService + HostIngress': fc
    .record({
      s: container,
      replicas: fc.integer({ min: 1, max: 10 }),
      svcPort: port,
      hosts: fc.uniqueArray(name, { minLength: 1, maxLength: 3 }),
    })
    .map(({ s, replicas, svcPort, hosts }) => (app: App) => {
      const c = new Chart(app, 'fuzz');
      const stable = stableFrom(c, s, { replicas });
      const svc = new VersionedService(c, 'svc', { serves: stable, port: svcPort });
      new HostIngress(c, 'ingress', {
        className: 'nginx',
        rules: hosts.map(h => ({ host: `${h}.example.com`, service: svc })),
      });
    }),
  'CanaryDeployment by weight or by replicas, one Service for both tracks': fc
    .record({
      s: container,
      split,
      byWeight: fc.boolean(),
      canaryReplicas: fc.integer({ min: 0, max: 3 }),
      canaryTag: tag,
    })
    .map(({ s, split: sp, byWeight, canaryReplicas, canaryTag }) => (app: App) => {
      const c = new Chart(app, 'fuzz');
      const stable = stableFrom(c, s);
      const canary = new CanaryDeployment(c, 'canary', {
        stable,
        image: `example/${s.app}:${canaryTag}-rc`,
        ...(byWeight ? { weight: sp.weight, totalReplicas: sp.total } : { replicas: canaryReplicas }),
      });
      new VersionedService(c, 'svc', { serves: [stable, canary], port: 80 });
      new VersionedService(c, 'canary-svc', { serves: canary, port: 80 });
    }),
  'Autoscaler on a StableDeployment': fc
    .record({
      s: container,
      min: fc.integer({ min: 1, max: 5 }),
      extra: fc.integer({ min: 0, max: 20 }),
      target: fc.integer({ min: 10, max: 200 }),
    })
    .map(({ s, min, extra, target }) => (app: App) => {
      const c = new Chart(app, 'fuzz');
      const stable = stableFrom(c, s);
      new VersionedService(c, 'svc', { serves: stable, port: 80 });
      new Autoscaler(c, 'hpa', {
        target: stable,
        minReplicas: min,
        maxReplicas: min + extra,
        metrics: [ScalingMetric.cpuUtilization(target)],
      });
    }),
  'Rollout canary with weights and pauses': fc
    .record({
      s: container,
      replicas: fc.integer({ min: 1, max: 10 }),
      weights: fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 4 }),
      pause: fc.integer({ min: 1, max: 600 }),
    })
    .map(({ s, replicas, weights, pause }) => (app: App) => {
      const c = new Chart(app, 'fuzz');
      const steps = [...weights]
        .sort((a, b) => a - b)
        .flatMap(w => [CanaryStep.setWeight(w), CanaryStep.pause(Duration.seconds(pause))]);
      const rollout = new Rollout(c, 'rollout', {
        app: s.app,
        image: `example/${s.app}:${s.tag}`,
        port: s.port,
        portName: s.portName,
        resources: s.resources,
        security: s.security,
        replicas,
        strategy: RolloutStrategy.canary({ steps: [...steps, CanaryStep.setWeight(100)] }),
      });
      new VersionedService(c, 'svc', { serves: rollout, port: 80 });
    }),
  'NatsPipeline with stages': fc
    .record({
      stages: fc.uniqueArray(name, { minLength: 1, maxLength: 3 }),
      replicas: fc.integer({ min: 1, max: 5 }),
      single: fc.boolean(),
      t: tag,
      uid: fc.integer({ min: 1, max: 65535 }),
      release: fc.option(name),
    })
    .map(({ stages, replicas, single, t, uid, release }) => (app: App) => {
      const c = new Chart(app, 'fuzz');
      if (release !== null) {
        // The ServiceMonitor must carry the label this Prometheus selects by; the wiring checks verify it.
        new ApiObject(c, 'prometheus', {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'Prometheus',
          metadata: { name: 'prometheus' },
          spec: { serviceMonitorSelector: { matchLabels: { release } } },
        });
      }
      new NatsPipeline(c, 'pipeline', {
        monitoring: release === null ? undefined : { prometheusLabels: { release } },
        stages: stages.map((n, i) => ({
          name: n,
          image: `example/${n}:${t}`,
          security: PodSecurity.restricted({ runAsUser: uid }),
          ...(i === 0 && single ? { singleInstance: true } : { replicas }),
        })),
      });
    }),
};

function manifestsOf(build: (app: App) => void): Manifest[] {
  const app = Testing.app();
  build(app);
  // app.synth() would run every validation; synthYaml does too, without touching the disk.
  app.synthYaml();
  return app.charts.flatMap(ch => Testing.synth(ch));
}

const NUM_RUNS = 25;

describe.each(Object.entries(families))('%s with random valid props', (_, arb) => {
  it('passes the wiring checks and the restricted Pod Security profile', () => {
    fc.assert(
      fc.property(arb, build => {
        const manifests = manifestsOf(build);
        const wiring = checkWiring(manifests).filter(f => f.severity === 'error');
        const policy = checkPolicy(manifests).filter(f => f.severity === 'error' || f.rule.startsWith('pss-'));
        expect([...wiring, ...policy]).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

it('every family with random valid props passes schema validation (newest Kubernetes, 1.27 kinds, Argo Rollouts, prometheus-operator, unknown fields)', () => {
  // One child process for all samples: each schema check starts Node and loads the schema packages.
  const manifests = Object.values(families).flatMap(arb => fc.sample(arb, { numRuns: 10 }).flatMap(manifestsOf));
  expect([...new Set(manifests.map(m => m.kind))]).toEqual(
    expect.arrayContaining([
      'Deployment',
      'Service',
      'Ingress',
      'HorizontalPodAutoscaler',
      'Rollout',
      'StatefulSet',
      'ConfigMap',
      'NetworkPolicy',
      'ServiceMonitor',
      'Prometheus',
    ]),
  );
  expect(validateSchemasSync(manifests)).toEqual([]);
});
