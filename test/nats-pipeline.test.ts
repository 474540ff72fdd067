import * as fs from 'fs';
import * as path from 'path';
import { transformSync } from '@swc/core';
import * as cdk8s from 'cdk8s';
import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as yaml from 'js-yaml';
import { NatsPipelineChart } from '../examples/nats-pipeline';
import * as lib from '../lib';
import {
  Autoscaler,
  Cpu,
  DeliveryError,
  IntOrPercent,
  NatsCredentials,
  NatsMonitoring,
  NatsPipeline,
  NatsPipelineProps,
  NatsServer,
  PipelineStage,
  PipelineStageOptions,
  PodSecurity,
  UpdateStrategy,
} from '../lib';
import { schemaProblems } from './support/schemas';
import { find, newChart, selects, synth } from './support/synth';

function example() {
  const chart = new NatsPipelineChart(Testing.app(), 'nats-pipeline');
  return { chart, out: Testing.synth(chart) };
}

const stage = (name: string, extra: Partial<PipelineStageOptions> = {}): PipelineStageOptions => ({
  name,
  image: `example/${name}:1.0`,
  security: PodSecurity.restricted({ runAsUser: 1000 }),
  ...extra,
});

function pipeline(props: Partial<NatsPipelineProps> = {}, chart: Chart = newChart()) {
  const p = new NatsPipeline(chart, 'pipeline', {
    stages: [stage('fetcher', { singleInstance: true }), stage('mapper'), stage('saver')],
    ...props,
  });
  return { chart, pipeline: p };
}

/** Pod templates of every workload in the output, by workload name. */
function podTemplates(out: any[]): Array<{ name: string; labels: Record<string, string>; spec: any }> {
  return out
    .filter(m => m.kind === 'Deployment' || m.kind === 'StatefulSet')
    .map(m => ({ name: m.metadata.name, labels: m.spec.template.metadata.labels, spec: m.spec.template.spec }));
}

/**
 * Workloads whose pods a NetworkPolicy lets reach `port` on the pods it guards (same namespace, pod selectors only).
 */
function podsAllowedOn(policy: any, out: any[], port: number): string[] {
  const rules = policy.spec.ingress.filter((r: any) => r.ports.some((p: any) => p.port === port));
  return podTemplates(out)
    .filter(w =>
      rules.some((r: any) =>
        r.from.some((f: any) => f.podSelector && !f.namespaceSelector && selects(f.podSelector.matchLabels, w.labels)),
      ),
    )
    .map(w => w.name)
    .sort();
}

describe('nats-pipeline example chart (second seed)', () => {
  test('matches the snapshot', () => {
    expect(example().out).toMatchSnapshot();
  });

  test('keeps the course names: three Deployments, the my-nats release, monitoring-nats and the dashboard', () => {
    const names = example().out.map(m => `${m.kind}/${m.metadata.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'Deployment/fetcher-dep',
        'Deployment/mapper-dep',
        'Deployment/saver-dep',
        'Service/my-nats',
        'StatefulSet/my-nats',
        'ServiceMonitor/monitoring-nats',
        'ConfigMap/my-nats-dashboard',
      ]),
    );
  });

  test('the course values: replicas 1/10/1, the course images, container names and app labels', () => {
    const { out } = example();
    for (const [name, replicas] of [
      ['fetcher', 1],
      ['mapper', 10],
      ['saver', 1],
    ] as const) {
      const d = find(out, 'Deployment', `${name}-dep`);
      expect(d.spec.replicas).toBe(replicas);
      const c = d.spec.template.spec.containers[0];
      expect(c.name).toBe(name);
      expect(c.image).toBe(`jakousa/dwk-app9-${name}:0bcd6794804c367684a9a79bb142bb4455096974`);
      expect(d.spec.template.metadata.labels.app).toBe(name);
      expect(selects(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
    }
  });

  test('every stage gets NATS_URL=nats://my-nats:4222, and that host and port are the NATS client Service', () => {
    const { out } = example();
    for (const name of ['fetcher-dep', 'mapper-dep', 'saver-dep']) {
      const env = find(out, 'Deployment', name).spec.template.spec.containers[0].env;
      expect(env).toEqual([{ name: 'NATS_URL', value: 'nats://my-nats:4222' }]);
      const url = new URL(env[0].value);
      const svc = find(out, 'Service', url.hostname);
      const port = svc.spec.ports.find((p: any) => p.port === Number(url.port));
      expect(port).toBeDefined();
      // The Service port leads to the server container's client port.
      const nats = podTemplates(out).filter(w => selects(svc.spec.selector, w.labels));
      expect(nats.map(w => w.name)).toEqual(['my-nats']);
      const containerPorts = nats[0].spec.containers.flatMap((c: any) => c.ports);
      expect(containerPorts.find((p: any) => p.name === port.targetPort).containerPort).toBe(4222);
    }
  });

  test('the course images run as root, so the stages set a non-root uid under the restricted profile', () => {
    const { out } = example();
    for (const name of ['fetcher-dep', 'mapper-dep', 'saver-dep']) {
      const spec = find(out, 'Deployment', name).spec.template.spec;
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(spec.containers[0].securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
    }
  });

  test('the single-instance fetcher is replaced with Recreate, so a rollout never runs two fetchers', () => {
    const { out } = example();
    expect(find(out, 'Deployment', 'fetcher-dep').spec.strategy).toEqual({ type: 'Recreate' });
    expect(find(out, 'Deployment', 'mapper-dep').spec.strategy.type).toBe('RollingUpdate');
  });

  test('the ServiceMonitor validates against the prometheus-operator schema', () => {
    const sm = find(example().out, 'ServiceMonitor', 'monitoring-nats');
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(schemaProblems([sm])).toEqual([]);
  });

  test('the ServiceMonitor carries the Prometheus release label and scrapes /metrics every 10s', () => {
    const sm = find(example().out, 'ServiceMonitor', 'monitoring-nats');
    expect(sm.metadata).toMatchObject({
      namespace: 'prometheus',
      labels: { release: 'prometheus-operator-1593782473' },
    });
    expect(sm.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '10s' }]);
  });

  test('the ServiceMonitor selects exactly the NATS client Service, in its namespace, whose metrics port leads to the exporter', () => {
    const { out } = example();
    const sm = find(out, 'ServiceMonitor', 'monitoring-nats');
    const services = out.filter(m => m.kind === 'Service');
    const namespaceOf = (m: any) => m.metadata.namespace ?? 'default';
    const selected = services.filter(
      s =>
        selects(sm.spec.selector.matchLabels, s.metadata.labels) &&
        sm.spec.namespaceSelector.matchNames.includes(namespaceOf(s)),
    );
    expect(selected.map(s => s.metadata.name)).toEqual(['my-nats']);
    const port = selected[0].spec.ports.find((p: any) => p.name === sm.spec.endpoints[0].port);
    expect(port).toBeDefined();
    const pods = podTemplates(out).filter(w => selects(selected[0].spec.selector, w.labels));
    const target = pods[0].spec.containers.find((c: any) => c.ports?.some((p: any) => p.name === port.targetPort));
    expect(target.args).toContain('-prefix=nats');
  });

  test('the NetworkPolicy lets only the stages reach 4222, only NATS peers reach 6222, only the prometheus namespace reach 7777', () => {
    const { out } = example();
    const policy = find(out, 'NetworkPolicy');
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(
      podTemplates(out)
        .filter(w => selects(policy.spec.podSelector.matchLabels, w.labels))
        .map(w => w.name),
    ).toEqual(['my-nats']);
    expect(podsAllowedOn(policy, out, 4222)).toEqual(['fetcher-dep', 'mapper-dep', 'saver-dep']);
    expect(podsAllowedOn(policy, out, 6222)).toEqual(['my-nats']);
    expect(podsAllowedOn(policy, out, 7777)).toEqual([]);
    const metricsRules = policy.spec.ingress.filter((r: any) => r.ports.some((p: any) => p.port === 7777));
    expect(metricsRules.flatMap((r: any) => r.from)).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'prometheus' } } },
    ]);
    expect(policy.spec.ingress.flatMap((r: any) => r.ports.map((p: any) => p.port)).sort()).toEqual([4222, 6222, 7777]);
  });

  test('the dashboard ConfigMap is where the Grafana sidecar looks: labelled grafana_dashboard "1", in the prometheus namespace', () => {
    const cm = find(example().out, 'ConfigMap', 'my-nats-dashboard');
    expect(cm.metadata).toMatchObject({ namespace: 'prometheus', labels: { grafana_dashboard: '1' } });
    expect(Object.keys(cm.data)).toEqual(['my-nats-dashboard.json']);
  });

  test('every object validates against the Kubernetes and prometheus-operator schemas', () => {
    expect(schemaProblems(example().out)).toEqual([]);
  });

  test('exposes each stage and everything it creates', () => {
    const { chart } = example();
    expect(chart.pipeline.stages.map(s => s.name)).toEqual(['fetcher-dep', 'mapper-dep', 'saver-dep']);
    expect([chart.fetcher, chart.mapper, chart.saver]).toEqual([...chart.pipeline.stages]);
    expect(chart.pipeline.server?.name).toBe('my-nats');
    expect(chart.pipeline.natsUrl).toBe('nats://my-nats:4222');
    expect(chart.pipeline.monitoring?.name).toBe('monitoring-nats');
    expect(chart.pipeline.dashboard?.name).toBe('my-nats-dashboard');
    expect(chart.pipeline.networkPolicy).toBeDefined();
  });
});

describe('NatsPipeline', () => {
  test('a scalable stage accepts an Autoscaler, which then owns its replica count', () => {
    const { chart, pipeline: p } = pipeline({
      stages: [stage('mapper', { resources: { cpu: { request: Cpu.millis(100) } } })],
    });
    new Autoscaler(chart, 'hpa', { target: p.stage('mapper'), maxReplicas: 10 });
    const out = synth(chart);
    expect(find(out, 'Deployment', 'mapper').spec.replicas).toBeUndefined();
    expect(find(out, 'HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'mapper',
    });
  });

  test('stages keep the declared order', () => {
    const { chart } = pipeline({ stages: [stage('saver'), stage('fetcher'), stage('mapper')] });
    expect(
      synth(chart)
        .filter(m => m.kind === 'Deployment')
        .map(m => m.metadata.name),
    ).toEqual(['saver', 'fetcher', 'mapper']);
  });

  test('with serverUrl the stages use that URL and no server, Service or NetworkPolicy is rendered', () => {
    const { chart, pipeline: p } = pipeline({ serverUrl: 'nats://nats.shared:4222' });
    const out = synth(chart);
    expect(out.map(m => m.kind)).toEqual(['Deployment', 'Deployment', 'Deployment']);
    for (const d of out)
      expect(d.spec.template.spec.containers[0].env).toEqual([{ name: 'NATS_URL', value: 'nats://nats.shared:4222' }]);
    expect(p.server).toBeUndefined();
    expect(p.networkPolicy).toBeUndefined();
  });

  test('the NetworkPolicy is on by default, can be turned off, and opens 7777 only when monitoring is on', () => {
    const on = synth(pipeline().chart);
    const policy = find(on, 'NetworkPolicy');
    expect(policy.spec.ingress.flatMap((r: any) => r.ports.map((p: any) => p.port))).toEqual([4222, 6222]);
    expect(on.some(m => m.kind === 'ServiceMonitor')).toBe(false);
    expect(synth(pipeline({ networkPolicy: false }).chart).some(m => m.kind === 'NetworkPolicy')).toBe(false);
  });

  test('the dashboard can be turned off while the ServiceMonitor stays', () => {
    const off = synth(pipeline({ monitoring: { prometheusLabels: { release: 'kps' }, dashboard: false } }).chart);
    expect(off.some(m => m.kind === 'ConfigMap' && m.metadata.labels?.grafana_dashboard)).toBe(false);
    expect(off.some(m => m.kind === 'ServiceMonitor')).toBe(true);
  });

  test("a PipelineStage works on its own with a NatsServer's URL", () => {
    const chart = newChart();
    const server = new NatsServer(chart, 'nats', { name: 'bus' });
    new PipelineStage(chart, 'worker', {
      name: 'worker',
      image: 'example/worker:2.1',
      natsUrl: server.url,
      natsUrlEnv: 'BUS_URL',
    });
    expect(find(synth(chart), 'Deployment', 'worker').spec.template.spec.containers[0].env).toEqual([
      { name: 'BUS_URL', value: 'nats://bus:4222' },
    ]);
  });

  test('a stage may be called server, monitoring or dashboard (the ids of the other children)', () => {
    const { chart } = pipeline({
      stages: [stage('server'), stage('monitoring'), stage('dashboard')],
      monitoring: { prometheusLabels: { release: 'kps' } },
    });
    expect(
      synth(chart)
        .filter(m => m.kind === 'Deployment')
        .map(m => m.metadata.name),
    ).toEqual(['server', 'monitoring', 'dashboard']);
  });

  test("a stage may share the server's name when the two use different app label keys", () => {
    const { chart } = pipeline({ stages: [stage('nats', { labelKeys: { app: 'app' } })] });
    const out = synth(chart);
    const server = find(out, 'StatefulSet', 'nats');
    expect(
      selects(server.spec.selector.matchLabels, find(out, 'Deployment', 'nats').spec.template.metadata.labels),
    ).toBe(false);
  });

  test('a user-given env stays next to NATS_URL', () => {
    const { chart } = pipeline({ stages: [stage('mapper', { env: { CHUNK_SIZE: '100' } })] });
    expect(find(synth(chart), 'Deployment', 'mapper').spec.template.spec.containers[0].env).toEqual([
      { name: 'CHUNK_SIZE', value: '100' },
      { name: 'NATS_URL', value: 'nats://nats:4222' },
    ]);
  });

  test('credentials come from a Secret: user and password through secretKeyRef, never as values', () => {
    const { chart } = pipeline({
      serverUrl: 'tls://nats.messaging.svc:4222',
      credentials: NatsCredentials.fromSecret('nats-auth', { userKey: 'username' }),
      stages: [
        stage('fetcher'),
        stage('mapper', { credentials: NatsCredentials.credsFile('mapper-creds', { key: 'mapper.creds' }) }),
      ],
    });
    const out = synth(chart);
    expect(find(out, 'Deployment', 'fetcher').spec.template.spec.containers[0].env).toEqual([
      { name: 'NATS_URL', value: 'tls://nats.messaging.svc:4222' },
      { name: 'NATS_USER', valueFrom: { secretKeyRef: { name: 'nats-auth', key: 'username' } } },
      { name: 'NATS_PASSWORD', valueFrom: { secretKeyRef: { name: 'nats-auth', key: 'password' } } },
    ]);
    // A stage's own credentials replace the pipeline's: a creds file, mounted read-only, its path in NATS_CREDS.
    const mapper = find(out, 'Deployment', 'mapper').spec.template.spec;
    expect(mapper.containers[0].env).toEqual([
      { name: 'NATS_URL', value: 'tls://nats.messaging.svc:4222' },
      { name: 'NATS_CREDS', value: '/etc/nats-creds/nats.creds' },
    ]);
    expect(mapper.containers[0].volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'nats-creds', mountPath: '/etc/nats-creds', readOnly: true },
    ]);
    expect(mapper.volumes).toContainEqual({
      name: 'nats-creds',
      secret: { secretName: 'mapper-creds', items: [{ key: 'mapper.creds', path: 'nats.creds' }] },
    });
    // Still the restricted profile.
    expect(mapper.containers[0].securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
    });
    expect(schemaProblems(out)).toEqual([]);
  });

  test.each([
    'nats://my-nats:4222',
    'tls://nats.messaging.svc.cluster.local:4222',
    'nats://my-nats',
    'nats://10.0.0.5:4222',
    'nats://[fd00::1]:4222',
    'nats://nats:65535',
  ])('accepts the NATS URL %s', url => {
    expect(
      find(synth(pipeline({ serverUrl: url, stages: [stage('mapper')] }).chart), 'Deployment', 'mapper').spec.template
        .spec.containers[0].env,
    ).toEqual([{ name: 'NATS_URL', value: url }]);
  });

  test.each([
    'nats://',
    'nats://my_nats:4222',
    'NATS://nats:4222',
    'wss://nats:443',
    'http://nats:4222',
    'nats://nats:0',
    'nats://nats:4222/',
    'nats://nats:4222?x=1',
    'nats://999.1.1.1:4222',
    'nats://[zz::1]:4222',
    'nats://a:4222,nats://b:4222',
    ' nats://nats:4222',
    'nats://nats:+4222',
  ])('refuses the NATS URL %s', url => {
    expect(() => pipeline({ serverUrl: url })).toThrow(
      new DeliveryError(
        'test/pipeline',
        'serverUrl',
        url,
        'must be a NATS URL: nats:// or tls://, a host name or IP address and an optional port from 1 to 65535, nothing else, e.g. "nats://my-nats:4222"',
      ).message,
    );
  });

  test.each([
    ['nats://app:s3cret@nats:4222', 'nats://***@nats:4222'],
    ['tls://t0ken@nats:4222', 'tls://***@nats:4222'],
    ['nats://a%40b:p@ss@nats', 'nats://***@nats'],
  ])('refuses credentials in the URL %s without printing them', (url, shown) => {
    let message = '';
    try {
      pipeline({ serverUrl: url });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      `test/pipeline: 'serverUrl' is ${JSON.stringify(shown)}: must not carry credentials (they would sit in plain text in the manifests): keep them in a Secret and give credentials: NatsCredentials.fromSecret("<secret>") or NatsCredentials.credsFile("<secret>")`,
    );
  });

  describe('fails if', () => {
    test('fails if a single-instance stage is given an Autoscaler', () => {
      const { chart, pipeline: p } = pipeline();
      expect(() => new Autoscaler(chart, 'hpa', { target: p.stage('fetcher'), maxReplicas: 3 })).toThrow(
        /^test\/hpa: 'target' is construct test\/pipeline\/fetcher: runs a fixed number of pods \(declared single-instance\) and cannot be autoscaled/,
      );
    });

    test('fails if a single-instance stage is given more than one replica', () => {
      expect(() => pipeline({ stages: [stage('fetcher', { singleInstance: true, replicas: 2 })] })).toThrow(
        /^test\/pipeline\/fetcher: 'replicas' is 2: must be 1: the stage is declared singleInstance/,
      );
    });

    test('fails if a single-instance stage rolls out with a surge pod', () => {
      expect(() =>
        pipeline({
          stages: [
            stage('fetcher', {
              singleInstance: true,
              strategy: UpdateStrategy.rollingUpdate({ maxSurge: IntOrPercent.count(1) }),
            }),
          ],
        }),
      ).toThrow(/^test\/pipeline\/fetcher: 'strategy.maxSurge' is 1: must be 0 for a singleInstance stage/);
    });

    test('fails if serverUrl comes with server props, naming exactly those props', () => {
      const run = () => pipeline({ serverUrl: 'nats://nats.shared:4222', server: { replicas: 3, jetstream: {} } });
      expect(run).toThrow(
        /^test\/pipeline: 'serverUrl' is "nats:\/\/nats.shared:4222": cannot be combined with server.replicas, server.jetstream: they shape/,
      );
      expect(() =>
        pipeline({ serverUrl: 'nats://nats.shared:4222', monitoring: { prometheusLabels: { release: 'kps' } } }),
      ).toThrow(/'serverUrl' is "nats:\/\/nats.shared:4222": cannot be combined with monitoring:/);
    });

    test('fails if monitoring is on without the Prometheus selector label', () => {
      expect(() => pipeline({ monitoring: { prometheusLabels: {} } })).toThrow(
        /^test\/pipeline\/Monitoring: 'prometheusLabels' is \{\}: must hold the label\(s\) the Prometheus instance selects ServiceMonitors on/,
      );
    });

    test('fails if two stages share a name', () => {
      expect(() => pipeline({ stages: [stage('fetcher'), stage('mapper'), stage('mapper')] })).toThrow(
        /^test\/pipeline: 'stages\[2\].name' is "mapper": must be unique: stages\[1\] already uses it/,
      );
    });

    test('fails if two stages share a Deployment name', () => {
      expect(() =>
        pipeline({
          stages: [stage('fetcher', { deploymentName: 'worker' }), stage('mapper', { deploymentName: 'worker' })],
        }),
      ).toThrow(/^test\/pipeline: 'stages\[1\].deploymentName' is "worker": must be unique/);
    });

    test('fails if a stage name is not a DNS label, before it could clash with another child', () => {
      expect(() => pipeline({ stages: [stage('Server')] })).toThrow(
        /^test\/pipeline: 'stages\[0\].name' is "Server": must be a DNS-1123 label/,
      );
    });

    test('fails if there are no stages', () => {
      expect(() => pipeline({ stages: [] })).toThrow(/^test\/pipeline: 'stages' is \[\]: must list at least one stage/);
    });

    test('fails if a stage sets NATS_URL itself', () => {
      expect(() => pipeline({ stages: [stage('mapper', { env: { NATS_URL: 'nats://elsewhere:4222' } })] })).toThrow(
        /^test\/pipeline\/mapper: 'env.NATS_URL' is "nats:\/\/elsewhere:4222": must be left out: the stage sets NATS_URL/,
      );
    });

    test('fails if serverUrl is not a NATS URL', () => {
      expect(() => pipeline({ serverUrl: 'http://nats:4222' })).toThrow(
        /^test\/pipeline: 'serverUrl' is "http:\/\/nats:4222": must be a NATS URL/,
      );
    });

    test('fails if an autoscaled stage also sets replicas', () => {
      const { chart, pipeline: p } = pipeline({
        stages: [stage('mapper', { replicas: 10, resources: { cpu: { request: Cpu.millis(100) } } })],
      });
      new Autoscaler(chart, 'hpa', { target: p.stage('mapper'), maxReplicas: 10 });
      expect(() => synth(chart)).toThrow(
        /\[test\/pipeline\/mapper\] 'replicas' is 10: must be left unset: test\/hpa owns the replica count/,
      );
    });

    test('fails if a stage is named like the server, whose selectors would take its pods for NATS servers', () => {
      expect(() => pipeline({ stages: [stage('fetcher'), stage('nats')] })).toThrow(
        new DeliveryError(
          'test/pipeline',
          'stages[1].name',
          'nats',
          "must differ from the NATS server's name: the server's StatefulSet, Services, PodDisruptionBudget and NetworkPolicy select pods labelled app.kubernetes.io/name=nats, and would take the stage's pods for NATS servers",
        ).message,
      );
      expect(() => pipeline({ stages: [stage('my-nats')], server: { name: 'my-nats' } })).toThrow(
        /^test\/pipeline: 'stages\[0\].name' is "my-nats": must differ from the NATS server's name/,
      );
    });

    test('fails if asked for a stage it does not have', () => {
      expect(() => pipeline().pipeline.stage('loader')).toThrow(
        /^test\/pipeline: 'stage' is "loader": must be one of the pipeline's stages: fetcher, mapper, saver/,
      );
    });
  });
});

describe('NatsMonitoring on its own', () => {
  function monitored(chart: Chart = newChart()) {
    const server = new NatsServer(chart, 'nats', { name: 'bus', replicas: 3 });
    const monitoring = new NatsMonitoring(chart, 'monitoring', { server, prometheusLabels: { release: 'kps' } });
    return { chart, monitoring, out: synth(chart) };
  }

  test("defaults: named after the server, in the chart's namespace, scraping every 30s", () => {
    const { out } = monitored(new Chart(Testing.app(), 'c', { namespace: 'messaging' }));
    const sm = find(out, 'ServiceMonitor', 'bus-monitoring');
    expect(sm.metadata).toMatchObject({ namespace: 'messaging', labels: { release: 'kps' } });
    expect(sm.spec.namespaceSelector).toEqual({ matchNames: ['messaging'] });
    expect(sm.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
    expect(schemaProblems([sm])).toEqual([]);
  });

  test('selects only the client Service, not the headless one, although both carry the app label', () => {
    const { out } = monitored();
    const sm = find(out, 'ServiceMonitor');
    const services = out.filter(m => m.kind === 'Service');
    expect(services.map(s => s.metadata.name)).toEqual(['bus', 'bus-headless']);
    expect(
      services.filter(s => selects(sm.spec.selector.matchLabels, s.metadata.labels)).map(s => s.metadata.name),
    ).toEqual(['bus']);
  });

  describe('fails if', () => {
    test('fails if the scrape interval is below a second', () => {
      const chart = newChart();
      const server = new NatsServer(chart, 'nats');
      expect(
        () =>
          new NatsMonitoring(chart, 'monitoring', {
            server,
            prometheusLabels: { release: 'kps' },
            interval: Duration.millis(500),
          }),
      ).toThrow(/^test\/monitoring: 'interval' is "500ms": must be a whole number of seconds from 1 to 2147483647$/);
    });

    test('fails if a Prometheus label key is not a label key', () => {
      const chart = newChart();
      const server = new NatsServer(chart, 'nats');
      expect(() => new NatsMonitoring(chart, 'monitoring', { server, prometheusLabels: { 'bad key': 'x' } })).toThrow(
        /^test\/monitoring: 'prometheusLabels' is "bad key": must be a label key/,
      );
    });
  });
});

describe('docs/guide/nats-pipeline.md', () => {
  const guide = fs.readFileSync(path.join(__dirname, '..', 'docs', 'guide', 'nats-pipeline.md'), 'utf8');

  /** Runs the guide's TypeScript example against this checkout and returns the manifests of its chart. */
  function runGuideExample(): any[] {
    const source = /```ts\n([\s\S]*?)```/.exec(guide)?.[1];
    expect(source).toBeDefined();
    let manifests: any[] | undefined;
    class CapturingApp extends cdk8s.App {
      public synth(): void {
        manifests = this.charts.flatMap(c => Testing.synth(c));
      }
    }
    const modules: Record<string, unknown> = { cdk8s: { ...cdk8s, App: CapturingApp }, 'cdk8s-delivery': lib };
    const { code } = transformSync(source!, {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    new Function('require', 'exports', code)((name: string) => modules[name], {});
    expect(manifests).toBeDefined();
    return manifests!;
  }

  test('the example synthesizes, and every YAML excerpt shown is part of its output', () => {
    const out = runGuideExample();
    const excerpt = /<summary>The mapper stage[\s\S]*?```yaml\n([\s\S]*?)```/.exec(guide)?.[1];
    const docs = yaml.loadAll(excerpt!) as any[];
    expect(docs.map(d => `${d.kind}/${d.metadata.name}`)).toEqual([
      'Deployment/mapper',
      'Service/orders-nats',
      'ServiceMonitor/orders-nats-monitoring',
    ]);
    for (const doc of docs) expect(find(out, doc.kind, doc.metadata.name)).toMatchObject(doc);
    expect(find(out, 'Deployment', 'mapper').spec.replicas).toBeUndefined();
  });

  test("the nats.conf shown is the ConfigMap's, and the object list matches the output", () => {
    const out = runGuideExample();
    const shownConf = /```json\n([\s\S]*?)```/.exec(guide)?.[1];
    expect(find(out, 'ConfigMap', 'orders-nats-config').data['nats.conf']).toBe(shownConf!.trimEnd());
    for (const m of out) expect(guide).toContain(m.metadata.name);
  });
});

describe('pipeline stage pod options (issue 12)', () => {
  test("a creds-file stage keeps the user's mounts beside the credentials volume", () => {
    const chart = newChart();
    new PipelineStage(chart, 'mapper', {
      name: 'mapper',
      image: 'example/mapper:1.0',
      natsUrl: 'nats://nats:4222',
      security: PodSecurity.restricted({ runAsUser: 1000 }),
      credentials: NatsCredentials.credsFile('nats-creds'),
      mounts: [{ volume: kplus.Volume.fromEmptyDir(chart, 'scratch', 'scratch'), path: '/scratch' }],
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'mapper'),
    });
    const objects = synth(chart);
    expect(schemaProblems(objects)).toEqual([]);
    const pod = find(objects, 'Deployment', 'mapper').spec.template.spec;
    expect(pod.serviceAccountName).toBe('mapper');
    expect(pod.volumes.map((v: any) => v.name)).toEqual(['tmp', 'scratch', 'nats-creds']);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'scratch', mountPath: '/scratch' },
      { name: 'nats-creds', mountPath: '/etc/nats-creds', readOnly: true },
    ]);
  });
});

describe('NatsServer pod options (issue 12)', () => {
  test('service account, pull secrets, scheduling, pod labels and object labels of a NatsServer', () => {
    const chart = newChart();
    new NatsServer(chart, 'nats', {
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'nats'),
      imagePullSecrets: [kplus.Secret.fromSecretName(chart, 'pull', 'mirror')],
      nodeSelector: { 'example.com/pool': 'messaging' },
      tolerations: [{ key: 'dedicated', value: 'messaging', effect: 'NoSchedule' }],
      priorityClassName: 'messaging',
      podMetadata: { labels: { team: 'data' }, annotations: { 'example.com/owner': 'data' } },
      labels: { team: 'data' },
      annotations: { 'example.com/runbook': 'https://runbooks.example.com/nats' },
    });
    const objects = synth(chart);
    expect(schemaProblems(objects)).toEqual([]);
    // Every object of the server carries the object labels and annotations; selectors keep the identity only.
    for (const o of objects) {
      expect(o.metadata.labels.team).toBe('data');
      expect(o.metadata.annotations).toEqual({ 'example.com/runbook': 'https://runbooks.example.com/nats' });
    }
    expect(find(objects, 'StatefulSet').spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'nats' } });
    expect(find(objects, 'Service', 'nats').spec.selector).toEqual({ 'app.kubernetes.io/name': 'nats' });
    const template = find(objects, 'StatefulSet').spec.template;
    expect(template.metadata).toEqual({
      labels: { 'app.kubernetes.io/name': 'nats', team: 'data' },
      annotations: { 'example.com/owner': 'data' },
    });
    expect(template.spec).toMatchObject({
      serviceAccountName: 'nats',
      automountServiceAccountToken: false,
      imagePullSecrets: [{ name: 'mirror' }],
      nodeSelector: { 'example.com/pool': 'messaging' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'messaging', effect: 'NoSchedule' }],
      priorityClassName: 'messaging',
      terminationGracePeriodSeconds: 60,
    });
  });
});
