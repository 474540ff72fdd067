// The library's constructs beside cdk8s-plus-27, in the five directions a cdk8s user tries: a cdk8s-plus autoscaler
// on a library workload, an Autoscaler on a cdk8s-plus workload, a VersionedService serving one, a HostIngress
// routing to a cdk8s-plus Service, and a cdk8s-plus Ingress routing to a VersionedService. This file is compiled by
// tsc (npm test runs tsc --noEmit over test/), so each direction is checked by the type checker as well as run.
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch, Size, Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import * as kplus from 'cdk8s-plus-27';
import {
  Autoscaler,
  CanaryDeployment,
  checkPolicy,
  checkWiring,
  enableWiringChecks,
  Cpu,
  HostIngress,
  Memory,
  PipelineStage,
  Rollout,
  RolloutStrategy,
  ScalingMetric,
  StableDeployment,
  VersionedService,
  warningsOf,
} from '../lib';
import { notPartOf, runDocsExample } from './support/docs-example';
import { schemaProblems } from './support/schemas';
import { find, newChart, synth } from './support/synth';

const requests = { cpu: { request: Cpu.millis(100) }, memory: { request: Memory.mebibytes(64) } };
const shop = (chart: Chart, extra: object = {}) =>
  new StableDeployment(chart, 'stable', { app: 'shop', image: 'shop:1.0', port: 8080, resources: requests, ...extra });
const cpu70 = [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))];

/** The message synthesis fails with, or '' when it succeeds. */
function synthError(app: App): string {
  try {
    app.synth();
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

/** A cdk8s-plus Deployment of nginx on 8080 with a CPU request and no default resources. */
function nginx(chart: Chart, id = 'web', extra: Partial<kplus.DeploymentProps> = {}): kplus.Deployment {
  return new kplus.Deployment(chart, id, {
    containers: [{ image: 'nginx:1.25', portNumber: 8080, resources: { cpu: { request: kplus.Cpu.millis(200) } } }],
    ...extra,
  });
}

describe('1. a cdk8s-plus HorizontalPodAutoscaler on a library workload', () => {
  test('targets the StableDeployment, whose manifest then leaves replicas to it', () => {
    const chart = newChart();
    const stable = shop(chart, { replicas: undefined });
    new kplus.HorizontalPodAutoscaler(chart, 'hpa', {
      target: stable,
      minReplicas: 3,
      maxReplicas: 10,
      metrics: cpu70,
    });
    const out = synth(chart);
    expect(find(out, 'HorizontalPodAutoscaler').spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-stable' },
      minReplicas: 3,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ],
      // cdk8s-plus writes its own default behaviour.
      behavior: {
        scaleUp: {
          policies: [
            { type: 'Pods', value: 4, periodSeconds: 60 },
            { type: 'Percent', value: 200, periodSeconds: 60 },
          ],
          selectPolicy: 'Max',
          stabilizationWindowSeconds: 0,
        },
        scaleDown: {
          policies: [{ type: 'Pods', value: 3, periodSeconds: 300 }],
          selectPolicy: 'Max',
          stabilizationWindowSeconds: 300,
        },
      },
    });
    expect(find(out, 'Deployment').spec).not.toHaveProperty('replicas');
    expect(stable.isAutoscaled).toBe(true);
    expect(stable.hasAutoscaler).toBe(true);
    expect(stable.autoscalingRange).toEqual({ min: 3, max: 10 });
    expect(schemaProblems(out)).toEqual([]);
  });

  test('likewise a CanaryDeployment, a Rollout and a PipelineStage', () => {
    const chart = newChart();
    const stable = shop(chart);
    const canary = new CanaryDeployment(chart, 'canary', { stable, image: 'shop:2.0' });
    const rollout = new Rollout(chart, 'rollout', {
      app: 'cart',
      image: 'cart:1.0',
      port: 8080,
      resources: requests,
      strategy: RolloutStrategy.canary(),
    });
    const stage = new PipelineStage(chart, 'stage', {
      name: 'mapper',
      image: 'example/mapper:1.0',
      natsUrl: 'nats://bus:4222',
      resources: requests,
    });
    for (const [id, target] of [
      ['canary-hpa', canary],
      ['rollout-hpa', rollout],
      ['stage-hpa', stage],
    ] as const) {
      new kplus.HorizontalPodAutoscaler(chart, id, { target, maxReplicas: 4, metrics: cpu70 });
    }
    const out = synth(chart);
    const refs = out.filter(m => m.kind === 'HorizontalPodAutoscaler').map(m => m.spec.scaleTargetRef);
    expect(refs).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-canary' },
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'cart' },
      { apiVersion: 'apps/v1', kind: 'Deployment', name: stage.name },
    ]);
    expect(find(out, 'Deployment', 'shop-canary').spec).not.toHaveProperty('replicas');
    expect(find(out, 'Rollout').spec).not.toHaveProperty('replicas');
    expect(find(out, 'Deployment', stage.name).spec).not.toHaveProperty('replicas');
    // The stable is not autoscaled and keeps its count.
    expect(find(out, 'Deployment', 'shop-stable').spec.replicas).toBe(1);
  });

  test('toScalingTarget gives cdk8s-plus the kind, name, replicas and the containers with their requests', () => {
    const chart = newChart();
    const stable = shop(chart, {
      resources: { cpu: { request: Cpu.millis(250), limit: Cpu.of('1.5') }, memory: { request: Memory.mebibytes(64) } },
    });
    const target = stable.toScalingTarget();
    expect({ ...target, containers: undefined }).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'shop-stable',
      replicas: 1,
      containers: undefined,
    });
    expect(target.containers.map(c => [c.name, c.image])).toEqual([['shop', 'shop:1.0']]);
    const [c] = target.containers;
    expect([c.resources?.cpu?.request?.amount, c.resources?.cpu?.limit?.amount]).toEqual(['250m', '1500m']);
    expect(c.resources?.memory?.request?.toMebibytes()).toBe(64);
    expect(c.resources?.memory?.limit).toBeUndefined();
  });

  test('the canary share warning reads the cdk8s-plus autoscaler bounds', () => {
    const chart = newChart();
    const stable = shop(chart);
    const canary = new CanaryDeployment(chart, 'canary', { stable, image: 'shop:2.0', replicas: 1 });
    new VersionedService(chart, 'svc', { serves: [stable, canary], port: 80 });
    new kplus.HorizontalPodAutoscaler(chart, 'hpa', { target: stable, minReplicas: 3, maxReplicas: 9, metrics: cpu70 });
    Testing.synth(chart);
    chart.node.validate();
    expect(warningsOf(canary).join('\n')).toContain(
      '1 canary pod(s) beside 3..9 stable pods is 25% down to 10% of the traffic of the Service at test/svc',
    );
  });

  test('fails synth when the workload sets replicas beside it', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    new kplus.HorizontalPodAutoscaler(chart, 'hpa', { target: shop(chart, { replicas: 3 }), maxReplicas: 5 });
    expect(synthError(app)).toMatch(
      /\[test\/stable\] 'replicas' is 3: must be left unset: test\/hpa owns the replica count/,
    );
  });

  test('refuses a second autoscaler on the same workload, either way round', () => {
    const chart = newChart();
    const stable = shop(chart);
    new Autoscaler(chart, 'ours', { target: stable, maxReplicas: 5 });
    expect(() => new kplus.HorizontalPodAutoscaler(chart, 'theirs', { target: stable, maxReplicas: 5 })).toThrow(
      "test/theirs: 'target' is construct test/stable: is already scaled by test/ours; two autoscalers on one workload fight each other",
    );
    const other = shop(newChart());
    new kplus.HorizontalPodAutoscaler(other.node.scope!, 'theirs', { target: other, maxReplicas: 5 });
    expect(() => new Autoscaler(other.node.scope!, 'ours', { target: other, maxReplicas: 5 })).toThrow(
      "test/ours: 'target' is construct test/stable: is already scaled by test/theirs; two autoscalers on one workload fight each other",
    );
  });

  test('checks its utilization metrics against the requests of every container, as an Autoscaler does', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    const memoryOnly = { resources: { memory: { request: Memory.mebibytes(64) } } };
    new kplus.HorizontalPodAutoscaler(chart, 'hpa', {
      target: shop(chart, memoryOnly),
      maxReplicas: 5,
      metrics: [
        kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(80)),
        kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70)),
        kplus.Metric.resourceCpu(kplus.MetricTarget.averageValue(0.2)),
      ],
    });
    const noMetrics = new StableDeployment(chart, 'cart', { app: 'cart', image: 'cart:1.0', ...memoryOnly });
    new kplus.HorizontalPodAutoscaler(chart, 'cart-hpa', { target: noMetrics, maxReplicas: 5 });
    const message = synthError(app);
    expect(message).toContain(
      `[test/hpa] 'metrics[1]' is "cpu utilization": needs a cpu request on test/stable: utilization is usage divided by the request; set resources.cpu.request there`,
    );
    expect(message).toContain(
      `[test/cart-hpa] 'metrics' is undefined: means Kubernetes' default, 80% CPU utilization, which needs a cpu request on test/cart: utilization is usage divided by the request; set resources.cpu.request there`,
    );
    expect(message).not.toContain('metrics[0]');
    expect(message).not.toContain('metrics[2]');
  });
});

describe('native sidecars count, for either autoscaler', () => {
  const sidecar = (resources: object) => ({
    sidecars: [{ name: 'log-shipper', image: 'fluent/fluent-bit:3.1', resources }],
  });

  test("a sidecar's requests are among the workload's containerRequests and its cdk8s-plus scaling target", () => {
    const stable = shop(newChart(), sidecar({ cpu: { request: Cpu.millis(20) } }));
    expect(stable.containerRequests.map(c => [c.container, c.resources?.cpu?.request?.text])).toEqual([
      ['shop', '100m'],
      ['log-shipper', '20m'],
    ]);
    expect(stable.toScalingTarget().containers.map(c => [c.name, c.image, c.resources?.cpu?.request?.amount])).toEqual([
      ['shop', 'shop:1.0', '100m'],
      ['log-shipper', 'fluent/fluent-bit:3.1', '20m'],
    ]);
  });

  test('a sidecar without the request fails an Autoscaler at once and a cdk8s-plus autoscaler at synth', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    const expected =
      'needs a cpu request on every container of test/stable, native sidecars included (utilization is the pod\'s usage divided by the sum of their requests): "log-shipper" has none; set resources.cpu.request there';
    const stable = shop(chart, sidecar({ memory: { request: Memory.mebibytes(32) } }));
    expect(() => new Autoscaler(chart, 'ours', { target: stable, maxReplicas: 5 })).toThrow(
      `test/ours: 'metrics[0]' is "cpu utilization 80%": ${expected}`,
    );
    new kplus.HorizontalPodAutoscaler(chart, 'hpa', { target: stable, maxReplicas: 5, metrics: cpu70 });
    expect(synthError(app)).toContain(`[test/hpa] 'metrics[0]' is "cpu utilization": ${expected}`);
  });
});

describe("a Rollout on a Deployment's pods (workloadRef)", () => {
  test("counts the Deployment's containers, for either autoscaler", () => {
    const chart = newChart();
    const stable = shop(chart, { resources: { memory: { request: Memory.mebibytes(64) } } });
    const rollout = new Rollout(chart, 'rollout', { workloadRef: stable, strategy: RolloutStrategy.canary() });
    expect(rollout.containerRequests.map(c => c.container)).toEqual(['shop']);
    expect(rollout.toScalingTarget().containers.map(c => c.image)).toEqual(['shop:1.0']);
    expect(() => new Autoscaler(chart, 'hpa', { target: rollout, maxReplicas: 5 })).toThrow(
      'test/hpa: \'metrics[0]\' is "cpu utilization 80%": needs a cpu request on test/rollout: utilization is usage divided by the request; set resources.cpu.request there',
    );
  });
});

describe('2. an Autoscaler on a cdk8s-plus workload', () => {
  test('scales a kplus.Deployment, whose manifest then leaves replicas to it', () => {
    const chart = newChart();
    const web = nginx(chart);
    const hpa = new Autoscaler(chart, 'hpa', {
      target: web,
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [ScalingMetric.cpuUtilization(60)],
    });
    const out = synth(chart);
    expect(hpa.name).toBe(`${web.name}-autoscaler`);
    expect(find(out, 'HorizontalPodAutoscaler').spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: web.name },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
      ],
    });
    expect(find(out, 'Deployment').spec).not.toHaveProperty('replicas');
    expect(web.hasAutoscaler).toBe(true);
    expect(schemaProblems(out)).toEqual([]);
  });

  test('scales a kplus.StatefulSet', () => {
    const chart = newChart();
    const db = new kplus.StatefulSet(chart, 'db', {
      containers: [{ image: 'postgres:16.4', portNumber: 5432, resources: { memory: { request: Size.gibibytes(1) } } }],
    });
    new Autoscaler(chart, 'hpa', { target: db, maxReplicas: 3, metrics: [ScalingMetric.memoryUtilization(75)] });
    const out = synth(chart);
    expect(find(out, 'HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      name: db.name,
    });
    expect(find(out, 'StatefulSet').spec).not.toHaveProperty('replicas');
  });

  test('makes the same request checks, counting every container', () => {
    const chart = newChart();
    const noCpu = new kplus.Deployment(chart, 'no-cpu', {
      containers: [{ image: 'nginx:1.25', resources: { memory: { request: Size.mebibytes(64) } } }],
    });
    expect(() => new Autoscaler(chart, 'hpa', { target: noCpu, maxReplicas: 3 })).toThrow(
      'test/hpa: \'metrics[0]\' is "cpu utilization 80%": needs a cpu request on test/no-cpu: utilization is usage divided by the request; set resources.cpu.request there',
    );
    const two = new kplus.Deployment(chart, 'two', {
      containers: [
        { name: 'app', image: 'nginx:1.25', resources: { cpu: { request: kplus.Cpu.millis(100) } } },
        { name: 'proxy', image: 'envoyproxy/envoy:v1.31.0', resources: {} },
      ],
    });
    expect(() => new Autoscaler(chart, 'hpa2', { target: two, maxReplicas: 3 })).toThrow(
      'test/hpa2: \'metrics[0]\' is "cpu utilization 80%": needs a cpu request on every container of test/two, native sidecars included (utilization is the pod\'s usage divided by the sum of their requests): "proxy" has none; set resources.cpu.request there',
    );
  });

  test('refuses a workload that sets replicas, or that another autoscaler scales', () => {
    const chart = newChart();
    const fixed = nginx(chart, 'fixed', { replicas: 3 });
    expect(() => new Autoscaler(chart, 'hpa', { target: fixed, maxReplicas: 5 })).toThrow(
      `test/hpa: 'target' is construct test/fixed: sets replicas (3): leave it unset, test/hpa owns the replica count (its minReplicas is the starting count); cdk8s-plus's own autoscaler refuses a fixed count too`,
    );
    const web = nginx(chart);
    new kplus.HorizontalPodAutoscaler(chart, 'theirs', { target: web, maxReplicas: 5 });
    expect(() => new Autoscaler(chart, 'ours', { target: web, maxReplicas: 5 })).toThrow(
      "test/ours: 'target' is construct test/web: is already scaled by test/theirs; two autoscalers on one workload fight each other",
    );
    const again = nginx(chart, 'again');
    new Autoscaler(chart, 'first', { target: again, maxReplicas: 5 });
    expect(() => new Autoscaler(chart, 'second', { target: again, maxReplicas: 5 })).toThrow(
      "test/second: 'target' is construct test/again: is already scaled by test/first; two autoscalers on one workload fight each other",
    );
  });
});

describe('3. a VersionedService serving a cdk8s-plus workload', () => {
  test('selects its pods by its match labels and targets its first container port', () => {
    const chart = newChart();
    const web = nginx(chart);
    const svc = new VersionedService(chart, 'svc', { serves: [web], port: 80 });
    const out = synth(chart);
    const service = find(out, 'Service');
    expect(service).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: web.name },
      spec: {
        type: 'ClusterIP',
        selector: web.matchLabels,
        ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
      },
    });
    expect(Object.keys(web.matchLabels)).toEqual(['cdk8s.io/metadata.addr']);
    // The selector really catches the pod template.
    const podLabels = find(out, 'Deployment').spec.template.metadata.labels;
    expect(Object.entries(service.spec.selector).every(([k, v]) => podLabels[k] === v)).toBe(true);
    expect(svc.app).toBeUndefined();
    expect(svc.workloads).toEqual([web]);
    expect(checkWiring(out).filter(f => f.severity === 'error')).toEqual([]);
  });

  test("takes the port's name, another port when told, and a name", () => {
    const chart = newChart();
    const web = new kplus.Deployment(chart, 'web', {
      containers: [
        {
          image: 'nginx:1.25',
          ports: [
            { number: 8080, name: 'web' },
            { number: 9090, name: 'metrics' },
          ],
        },
      ],
    });
    new VersionedService(chart, 'svc', { name: 'web', serves: web, port: 80 });
    new VersionedService(chart, 'metrics', { name: 'web-metrics', serves: web, port: 9090, targetPort: 9090 });
    const out = synth(chart);
    expect(find(out, 'Service', 'web').spec.ports).toEqual([
      { name: 'web', port: 80, targetPort: 8080, protocol: 'TCP' },
    ]);
    expect(find(out, 'Service', 'web-metrics').spec.ports).toEqual([
      { name: 'metrics', port: 9090, targetPort: 9090, protocol: 'TCP' },
    ]);
  });

  test('serves a cdk8s-plus workload beside the library ones by the labels their selectors share', () => {
    const chart = newChart();
    const stable = shop(chart);
    const legacy = nginx(chart, 'legacy');
    legacy.select(kplus.LabelSelector.of({ labels: { 'app.kubernetes.io/name': 'shop' } }));
    new VersionedService(chart, 'svc', { serves: [stable, legacy], port: 80 });
    const service = find(synth(chart), 'Service');
    expect(service.metadata).toEqual({ name: 'shop', labels: { 'app.kubernetes.io/name': 'shop' } });
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'shop' });
  });

  test('refuses workloads whose selectors share no label, and a target port a workload does not listen on', () => {
    const chart = newChart();
    const stable = shop(chart);
    const web = nginx(chart);
    expect(() => new VersionedService(chart, 'svc', { serves: [stable, web], port: 80 })).toThrow(
      `test/svc: 'serves[1]' is construct test/web: selects its pods by ${JSON.stringify(web.matchLabels)}, which shares no label with {"app.kubernetes.io/name":"shop","app.kubernetes.io/track":"stable"}`,
    );
    expect(() => new VersionedService(chart, 'svc2', { serves: web, port: 80, targetPort: 9000 })).toThrow(
      "test/svc2: 'targetPort' is 9000: must be a port the pods listen on: test/web listens on 8080",
    );
  });
});

describe('4. a HostIngress routing to a cdk8s-plus Service', () => {
  test('routes a host to the kplus.Service and its port', () => {
    const chart = newChart();
    const web = nginx(chart);
    const service = new kplus.Service(chart, 'svc', {
      metadata: { name: 'web' },
      selector: web,
      ports: [{ port: 80, targetPort: 8080 }],
    });
    const ing = new HostIngress(chart, 'ing', { rules: [{ host: 'a.example.com', service, tlsSecret: 'a-tls' }] });
    const out = synth(chart);
    expect(find(out, 'Ingress').spec).toEqual({
      tls: [{ hosts: ['a.example.com'], secretName: 'a-tls' }],
      rules: [
        {
          host: 'a.example.com',
          http: {
            paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }],
          },
        },
      ],
    });
    expect(ing.routes).toEqual([{ host: 'a.example.com', path: '/', service, port: 80 }]);
    expect(checkWiring(out).filter(f => f.severity === 'error')).toEqual([]);
  });

  test('a Service of several ports needs the port, by number or name', () => {
    const chart = newChart();
    const service = new kplus.Service(chart, 'svc', {
      metadata: { name: 'web' },
      ports: [
        { port: 80, name: 'http' },
        { port: 9090, name: 'metrics' },
      ],
    });
    expect(() => new HostIngress(chart, 'ing', { rules: [{ host: 'a.example.com', service }] })).toThrow(
      `test/ing: 'rules[0].port' is undefined: must be given: Service "web" has http/80, metrics/9090`,
    );
    new HostIngress(chart, 'ok', { rules: [{ host: 'b.example.com', service, port: 'http' }] });
    expect(find(synth(chart), 'Ingress').spec.rules[0].http.paths[0].backend).toEqual({
      service: { name: 'web', port: { name: 'http' } },
    });
    expect(() => new HostIngress(chart, 'bad', { rules: [{ host: 'c.example.com', service, port: 8443 }] })).toThrow(
      `test/bad: 'rules[0].port' is 8443: must be a port of test/svc (Service "web" has http/80, metrics/9090)`,
    );
  });
});

describe('5. a cdk8s-plus Ingress routing to a VersionedService', () => {
  test('toIngressBackend gives the Service as a kplus.IngressBackend', () => {
    const chart = newChart();
    const stable = shop(chart);
    const service = new VersionedService(chart, 'svc', { serves: stable, port: 80 });
    const ingress = new kplus.Ingress(chart, 'ing', {
      metadata: { name: 'shop' },
      rules: [{ host: 'shop.example.com', path: '/', backend: service.toIngressBackend() }],
    });
    ingress.addHostRule('www.shop.example.com', '/', service.toIngressBackend(), kplus.HttpIngressPathType.EXACT);
    const out = synth(chart);
    const backend = { service: { name: 'shop-stable', port: { number: 80 } } };
    expect(find(out, 'Ingress').spec.rules).toEqual([
      { host: 'shop.example.com', http: { paths: [{ backend, path: '/', pathType: 'Prefix' }] } },
      { host: 'www.shop.example.com', http: { paths: [{ backend, path: '/', pathType: 'Exact' }] } },
    ]);
    expect(checkWiring(out).filter(f => f.severity === 'error')).toEqual([]);
  });
});

describe('a mixed app', () => {
  /** Library and cdk8s-plus constructs in every direction, in two charts. */
  function mixedApp() {
    const app = Testing.app();
    const chart = new Chart(app, 'shop');
    const stable = shop(chart);
    const canary = new CanaryDeployment(chart, 'canary', { stable, image: 'shop:2.0', replicas: 1 });
    const plusHpa = new kplus.HorizontalPodAutoscaler(chart, 'hpa', {
      target: stable,
      minReplicas: 3,
      maxReplicas: 10,
      metrics: cpu70,
    });
    const service = new VersionedService(chart, 'svc', { serves: [stable, canary], port: 80 });
    new kplus.Ingress(chart, 'plus-ingress', {
      metadata: { name: 'shop-plus' },
      rules: [{ host: 'plus.shop.example.com', backend: service.toIngressBackend() }],
    });

    const legacy = new Chart(app, 'legacy');
    const web = nginx(legacy, 'web');
    // cdk8s-plus leaves out the seccomp profile and the capability drop of the restricted standard.
    ApiObject.of(web).addJsonPatch(
      JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
      JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }),
    );
    const hpa = new Autoscaler(legacy, 'hpa', { target: web, minReplicas: 2, maxReplicas: 4 });
    const plusService = new kplus.Service(legacy, 'plus-svc', {
      metadata: { name: 'web' },
      selector: web,
      ports: [{ port: 80, targetPort: 8080 }],
    });
    new VersionedService(legacy, 'svc', { name: 'web-internal', serves: web, port: 8080 });
    new HostIngress(legacy, 'ing', { name: 'web', rules: [{ host: 'web.example.com', service: plusService }] });
    return { app, names: { plusHpa: plusHpa.name, web: web.name, hpa: hpa.name } };
  }

  test('passes schema validation, the wiring checks and the policy checker (no errors) on every object', () => {
    const { app, names } = mixedApp();
    const out = app.charts.flatMap(c => Testing.synth(c));
    expect(out.map(m => `${m.kind}/${m.metadata.name}`)).toEqual([
      'Deployment/shop-stable',
      'Deployment/shop-canary',
      `HorizontalPodAutoscaler/${names.plusHpa}`,
      'Service/shop',
      'Ingress/shop-plus',
      `Deployment/${names.web}`,
      `HorizontalPodAutoscaler/${names.hpa}`,
      'Service/web',
      'Service/web-internal',
      'Ingress/web',
    ]);
    expect(names.hpa).toBe(`${names.web}-autoscaler`);
    expect(schemaProblems(out)).toEqual([]);
    // The one finding is about the cdk8s-plus autoscaler: the canary's share moves while it scales the stable.
    expect(checkWiring(out).map(f => `${f.severity} ${f.rule} ${f.object}: ${f.message}`)).toEqual([
      `warning hpa-canary-share Deployment/shop-canary: 'spec.replicas' is 1: is a share of Service "shop" that drifts while HorizontalPodAutoscaler/${names.plusHpa} scale(s) Deployment/shop-stable: 1 pod(s) beside 3..10 autoscaled pods is 25% down to 9.09% of the traffic; use ingress weights for a fixed share`,
    ]);
    expect(checkPolicy(out).filter(f => f.severity === 'error')).toEqual([]);
  });

  test('the wiring checks at synth cover the cdk8s-plus objects too', () => {
    const { app } = mixedApp();
    enableWiringChecks(app);
    // A cdk8s-plus Service whose selector matches nothing, beside the rest.
    const stray = new Chart(app, 'stray');
    new kplus.Service(stray, 'svc', {
      metadata: { name: 'stray' },
      selector: kplus.Pods.select(stray, 'none', { labels: { app: 'nothing' } }),
      ports: [{ port: 80 }],
    });
    const message = synthError(app);
    expect(message).toMatch(
      /\[stray\/svc\] Service\/stray 'spec\.selector' is \{"app":"nothing"\}: matches no pod template/,
    );
    expect(message).not.toMatch(/\[shop\/|\[legacy\//);
  });
});

describe('docs/guide/cdk8s-plus.md', () => {
  const guide = fs.readFileSync(path.join(__dirname, '..', 'docs', 'guide', 'cdk8s-plus.md'), 'utf8');
  // Each whole program (one that calls app.synth()) is followed by a YAML excerpt of what it writes.
  const pairs = [...guide.matchAll(/```ts\n((?:(?!```)[\s\S])*)```\s*```yaml\n([\s\S]*?)```/g)].map(
    m => [m[1], m[2]] as const,
  );

  test('shows one example per direction', () => {
    expect(pairs).toHaveLength(5);
    expect(pairs.every(([ts]) => ts.includes('app.synth()'))).toBe(true);
  });

  test.each(pairs.map(([ts, shown], i) => [i, ts, shown] as const))(
    'example %i writes the YAML shown under it',
    (_, ts, shown) => {
      const out = runDocsExample(ts);
      const docs = yaml.loadAll(shown) as any[];
      expect(docs.length).toBeGreaterThan(0);
      for (const doc of docs) {
        const object = `${doc.kind}/${doc.metadata.name}`;
        expect({ object, problems: notPartOf(doc, find(out, doc.kind, doc.metadata.name)) }).toEqual({
          object,
          problems: [],
        });
      }
    },
  );
});
