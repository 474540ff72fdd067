import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Duration } from 'cdk8s';
import * as yaml from 'js-yaml';
import {
  Cpu,
  GrafanaDashboard,
  Memory,
  NatsCredentials,
  NatsMonitoring,
  NatsPipeline,
  NatsServer,
  PipelineStage,
  PodSecurity,
} from '../lib';
import { attack, AttackResult, expectValidOutput, HostileTarget } from './support/hostile';
import { describeWithTool } from './support/tools';

const RUNS = 150;
const security = PodSecurity.restricted({ runAsUser: 1000 });

/** A placeholder the build functions swap for a real NatsServer, so `server` is attacked as a prop too. */
const SERVER = 'the NatsServer built beside it';
const serverIn = (chart: Chart, given: unknown) =>
  given === SERVER ? new NatsServer(chart, 'nats', { name: 'my-nats' }) : given;

const serverTarget = (construct: string, props: Record<string, unknown>): HostileTarget => ({
  construct,
  props,
  build: (chart, p) => new NatsServer(chart, 'nats', p),
});

const serverBase = {
  name: 'my-nats',
  image: 'nats:2.12.8-alpine',
  exporterImage: 'natsio/prometheus-nats-exporter:0.17.3',
  resources: {
    cpu: { request: Cpu.millis(100), limit: Cpu.millis(500) },
    memory: { request: Memory.mebibytes(64), limit: Memory.mebibytes(256) },
  },
  exporterResources: { memory: { limit: Memory.mebibytes(32) } },
  lameDuckDuration: Duration.seconds(30),
  terminationGracePeriod: Duration.seconds(60),
  labelKeys: { app: 'app' },
  security: PodSecurity.restricted({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 }),
};

// Maps (env, prometheusLabels) take any key, so the harness's unknown keys would be valid there:
// their one entry is attacked through a key prop and a value prop instead.
const stageBase = {
  name: 'mapper',
  deploymentName: 'mapper-dep',
  image: 'example/mapper:1.0',
  natsUrl: 'nats://my-nats:4222',
  natsUrlEnv: 'NATS_URL',
  replicas: 3,
  security,
  envName: 'CHUNK_SIZE',
  envValue: '100',
  credentials: NatsCredentials.fromSecret('nats-auth'),
};
// A key that is not a string stands for the whole map, so `null` or an array there is refused as the map.
const mapOf = (key: unknown, value: unknown) => (typeof key === 'string' ? { [key]: value } : key);
const stageOptions = ({ envName, envValue, ...rest }: Record<string, any>) => ({
  ...rest,
  env: mapOf(envName, envValue),
});

export const TARGETS: readonly HostileTarget[] = [
  serverTarget('NatsServer (1 server, core NATS)', { ...serverBase, replicas: 1 }),
  serverTarget('NatsServer (5 servers, core NATS)', { ...serverBase, replicas: 5 }),
  serverTarget('NatsServer (3 servers, JetStream)', {
    ...serverBase,
    replicas: 3,
    jetstream: { storage: Memory.gibibytes(2), storageClass: 'fast-ssd', maxMemoryStore: Memory.mebibytes(512) },
  }),
  {
    // The argument of the factory the JetStream storage is given with.
    construct: 'NatsServer (JetStream storage from Memory.of)',
    props: { storage: '10Gi' },
    // Keys beside the factory's arguments go to the construct, which must refuse them as unknown props.
    build: (chart, { storage, ...extra }) =>
      new NatsServer(chart, 'nats', { ...extra, jetstream: { storage: Memory.of(storage) } }),
  },
  {
    construct: 'PipelineStage',
    props: stageBase,
    build: (chart, p) => new PipelineStage(chart, 'mapper', stageOptions(p) as any),
  },
  {
    construct: 'PipelineStage (NatsCredentials.fromSecret arguments)',
    props: {
      secretName: 'nats-auth',
      options: { userKey: 'user', passwordKey: 'password', userEnv: 'NATS_USER', passwordEnv: 'NATS_PASSWORD' },
    },
    build: (chart, { secretName, options, ...extra }) =>
      new PipelineStage(chart, 'mapper', {
        ...stageOptions(stageBase),
        ...extra,
        credentials: NatsCredentials.fromSecret(secretName, options),
      } as any),
  },
  {
    construct: 'PipelineStage (NatsCredentials.credsFile arguments)',
    props: { secretName: 'nats-auth', options: { key: 'app.creds', env: 'NATS_CREDS' } },
    build: (chart, { secretName, options, ...extra }) =>
      new PipelineStage(chart, 'mapper', {
        ...stageOptions(stageBase),
        ...extra,
        credentials: NatsCredentials.credsFile(secretName, options),
      } as any),
  },
  {
    construct: 'NatsPipeline (own server)',
    props: {
      stages: [{ name: 'fetcher', image: 'example/fetcher:1.0', singleInstance: true, security }],
      server: { name: 'my-nats', replicas: 3, jetstream: { storage: Memory.gibibytes(1) } },
      monitoring: {
        name: 'monitoring-nats',
        namespace: 'prometheus',
        interval: Duration.seconds(10),
        dashboard: { title: 'NATS', datasourceUid: 'prom' },
      },
      networkPolicy: true,
      prometheusNamespace: 'prometheus',
      labelKeys: { app: 'app' },
      promKey: 'release',
      promValue: 'kps',
    },
    build: (chart, { promKey, promValue, monitoring, ...p }) =>
      new NatsPipeline(chart, 'pipeline', {
        ...p,
        monitoring:
          typeof monitoring === 'object' && monitoring !== null && !Array.isArray(monitoring)
            ? { ...monitoring, prometheusLabels: mapOf(promKey, promValue) }
            : monitoring,
      }),
  },
  {
    construct: 'NatsPipeline (bring your own server)',
    props: {
      stages: [
        {
          name: 'mapper',
          image: 'example/mapper:1.0',
          replicas: 2,
          security,
          credentials: NatsCredentials.credsFile('mapper-creds'),
        },
      ],
      serverUrl: 'tls://nats.messaging.svc:4222',
      credentials: NatsCredentials.fromSecret('nats-auth'),
      networkPolicy: false,
    },
    build: (chart, p) => new NatsPipeline(chart, 'pipeline', p),
  },
  {
    construct: 'NatsMonitoring',
    props: {
      server: SERVER,
      name: 'monitoring-nats',
      namespace: 'prometheus',
      interval: Duration.seconds(10),
      promKey: 'release',
      promValue: 'kps',
    },
    build: (chart, { server, promKey, promValue, ...p }) =>
      new NatsMonitoring(chart, 'monitoring', {
        ...p,
        server: serverIn(chart, server),
        prometheusLabels: mapOf(promKey, promValue),
      } as any),
  },
  {
    construct: 'GrafanaDashboard',
    props: {
      server: SERVER,
      name: 'my-nats-dashboard',
      namespace: 'prometheus',
      title: 'NATS my-nats',
      uid: 'my-nats',
      datasourceUid: 'prom-main',
    },
    build: (chart, { server, ...p }) =>
      new GrafanaDashboard(chart, 'dashboard', { ...p, server: serverIn(chart, server) }),
  },
];

/** Every accepted output, for the nats-server and promtool checks at the end. */
const results: AttackResult[] = [];

describe.each(TARGETS.map(t => [t.construct, t] as const))('hostile props: %s', (_, target) => {
  it(`refuses with a DeliveryError or writes schema-valid output (${RUNS} runs)`, () => {
    const result = attack(target, RUNS);
    results.push(result);
    expect(result.refused).toBeGreaterThan(0);
    expectValidOutput(result);
  });
});

const accepted = () =>
  results.flatMap(r => r.accepted.flatMap(a => a.manifests.map(m => ({ where: a.where, m: m as any }))));

/** Every distinct nats.conf the accepted outputs carry, with one hostile change that made it. */
function acceptedConfigs(): Map<string, string> {
  const configs = new Map<string, string>();
  for (const { where, m } of accepted()) {
    const text = m.kind === 'ConfigMap' ? m.data?.['nats.conf'] : undefined;
    if (text !== undefined && !configs.has(text)) configs.set(text, where);
  }
  return configs;
}

/** Every distinct dashboard query of the accepted outputs, as Prometheus receives it from Grafana. */
function acceptedQueries(): Map<string, string> {
  const queries = new Map<string, string>();
  for (const { where, m } of accepted()) {
    if (m.kind !== 'ConfigMap' || m.metadata?.labels?.grafana_dashboard !== '1') continue;
    for (const text of Object.values(m.data as Record<string, string>)) {
      for (const panel of JSON.parse(text).panels) {
        for (const t of panel.targets) queries.set(t.expr.split('$__rate_interval').join('1m'), where);
      }
    }
  }
  return queries;
}

describeWithTool(
  'nats-server',
  'apt-get install -y nats-server',
  'every accepted nats.conf, checked by nats-server -t',
  natsServer => {
    it('passes nats-server -t, as a pod would load it', () => {
      const configs = acceptedConfigs();
      // The JetStream and cluster targets, at least, must have produced configs.
      expect(configs.size).toBeGreaterThanOrEqual(4);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-nats-'));
      try {
        const env = { ...process.env, SERVER_NAME: 'my-nats-0' };
        const failures = [...configs].flatMap(([text, where], i) => {
          const file = path.join(dir, `nats-${i}.conf`);
          fs.writeFileSync(file, text);
          const run = spawnSync(natsServer, ['-t', '-c', file], { env, encoding: 'utf8', timeout: 10000 });
          return run.status === 0 ? [] : [`after a hostile ${where}: ${run.stderr.trim()}\n${text}`];
        });
        expect(failures).toEqual([]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);

describeWithTool(
  'promtool',
  'apt-get install -y prometheus',
  'every accepted dashboard query, checked by promtool',
  promtool => {
    it('passes promtool check rules, in one batch', () => {
      const queries = acceptedQueries();
      expect(queries.size).toBeGreaterThanOrEqual(9);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-promql-'));
      try {
        const file = path.join(dir, 'rules.yml');
        const exprs = [...queries.keys()];
        fs.writeFileSync(
          file,
          yaml.dump({
            groups: [{ name: 'hostile', rules: exprs.map((expr, i) => ({ record: `dashboard:query_${i}`, expr })) }],
          }),
        );
        const run = spawnSync(promtool, ['check', 'rules', file], { encoding: 'utf8', timeout: 60000 });
        expect(run.stdout + run.stderr).toContain(`SUCCESS: ${exprs.length} rules found`);
        expect(run.status).toBe(0);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
