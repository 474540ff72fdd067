import { Duration } from 'cdk8s';
import {
  GrafanaDashboard,
  Memory,
  NatsCredentials,
  NatsMonitoring,
  NatsPipeline,
  NatsServer,
  NatsServerProps,
  PipelineStage,
} from '../../../lib';
import { BadInput, chart, stage } from '../bad-input-kit';

const server = (app: Parameters<BadInput['build']>[0], props: object) =>
  new NatsServer(chart(app), 'nats', props as NatsServerProps);
const pipelineStage = (app: Parameters<BadInput['build']>[0], props: object) =>
  new PipelineStage(chart(app), 'mapper', { ...stage('mapper'), natsUrl: 'nats://my-nats:4222', ...props } as any);
const pipeline = (app: Parameters<BadInput['build']>[0], props: object) =>
  new NatsPipeline(chart(app), 'pipeline', { stages: [stage('mapper')], ...props } as any);
const monitoring = (app: Parameters<BadInput['build']>[0], props: object) => {
  const c = chart(app);
  return new NatsMonitoring(c, 'monitoring', {
    server: new NatsServer(c, 'nats'),
    prometheusLabels: { release: 'kps' },
    ...props,
  } as any);
};
const dashboard = (app: Parameters<BadInput['build']>[0], props: object) => {
  const c = chart(app);
  return new GrafanaDashboard(c, 'dashboard', { server: new NatsServer(c, 'nats'), ...props } as any);
};

/** Bad inputs for NatsServer, PipelineStage, NatsPipeline, NatsMonitoring, GrafanaDashboard. */
export const NATS_ROWS: readonly BadInput[] = [
  // NatsServer
  {
    construct: 'NatsServer',
    name: 'cluster of 65 servers',
    build: app => server(app, { replicas: 65 }),
    path: 'app/nats',
    prop: 'replicas',
    value: '65',
    message:
      "app/nats: 'replicas' is 65: must be at most 64: routes are a full mesh, so 65 servers would hold 6240 route connections; grow beyond a cluster with NATS superclusters or leaf nodes",
  },
  {
    construct: 'NatsServer',
    name: 'NaN replicas',
    build: app => server(app, { replicas: NaN }),
    path: 'app/nats',
    prop: 'replicas',
    value: 'NaN',
    message: "app/nats: 'replicas' is NaN: must be a whole number from 1 to 64",
  },
  {
    construct: 'NatsServer',
    name: 'replicas given as a string',
    build: app => server(app, { replicas: '3' }),
    path: 'app/nats',
    prop: 'replicas',
    value: '"3"',
    message: 'app/nats: \'replicas\' is "3": must be a number or left out',
  },
  {
    construct: 'NatsServer',
    name: 'lame-duck duration under 30 seconds',
    build: app => server(app, { lameDuckDuration: Duration.seconds(10) }),
    path: 'app/nats',
    prop: 'lameDuckDuration',
    value: '"10s"',
    message:
      'app/nats: \'lameDuckDuration\' is "10s": must be at least 30 seconds: nats-server refuses a shorter lame_duck_duration',
  },
  {
    construct: 'NatsServer',
    name: "lame-duck duration beyond Go's",
    build: app => server(app, { lameDuckDuration: Duration.hours(3_000_000) }),
    path: 'app/nats',
    prop: 'lameDuckDuration',
    value: '"10800000000000ms"',
    message:
      'app/nats: \'lameDuckDuration\' is "10800000000000ms": must be a Duration from 0 to 9223372036854ms (2562047h)',
  },
  {
    construct: 'NatsServer',
    name: 'JetStream storage of 1.5 bytes',
    build: app => server(app, { jetstream: { storage: Memory.of('1.5') } }),
    path: 'app/nats',
    prop: 'jetstream.storage',
    value: '"1.5"',
    message:
      'app/nats: \'jetstream.storage\' is "1.5": must be a whole number of bytes ("m" means milli, not mega: write "Mi" or "M")',
  },
  {
    construct: 'NatsServer',
    name: 'JetStream storage beyond int64',
    build: app => server(app, { jetstream: { storage: Memory.of('8Ei') } }),
    path: 'app/nats',
    prop: 'jetstream.storage',
    value: '"8Ei"',
    message:
      'app/nats: \'jetstream.storage\' is "8Ei": must be a whole number of bytes from 1 to 9223372036854775807 (nats-server reads it as an int64), e.g. Memory.gibibytes(10)',
  },
  {
    construct: 'NatsServer',
    name: 'JetStream memory store in millibytes',
    build: app => server(app, { jetstream: { maxMemoryStore: Memory.of('1500m') } }),
    path: 'app/nats',
    prop: 'jetstream.maxMemoryStore',
    value: '"1500m"',
    message:
      'app/nats: \'jetstream.maxMemoryStore\' is "1500m": must be a whole number of bytes ("m" means milli, not mega: write "Mi" or "M")',
  },
  {
    construct: 'NatsServer',
    name: 'misspelt prop replica',
    build: app => server(app, { replica: 3 }),
    path: 'app/nats',
    prop: 'replica',
    value: '3',
    message: "app/nats: 'replica' is 3: is not a prop of NatsServer: did you mean 'replicas'?",
  },
  {
    construct: 'NatsServer',
    name: 'misspelt JetStream storageClas',
    build: app => server(app, { jetstream: { storageClas: 'fast' } }),
    path: 'app/nats',
    prop: 'jetstream.storageClas',
    value: '"fast"',
    message:
      "app/nats: 'jetstream.storageClas' is \"fast\": is not a prop of NatsServer: did you mean 'jetstream.storageClass'?",
  },
  {
    construct: 'NatsServer',
    name: 'exporter memory limit in millibytes',
    build: app => server(app, { exporterResources: { memory: { limit: Memory.of('64m') } } }),
    path: 'app/nats',
    prop: 'exporterResources.memory.limit',
    value: '"64m"',
    message:
      'app/nats: \'exporterResources.memory.limit\' is "64m": must be a whole number of bytes ("m" means milli, not mega: write "Mi" or "M")',
  },
  {
    construct: 'NatsServer',
    name: 'props that are not an object',
    build: app => new NatsServer(chart(app), 'nats', 'my-nats' as any),
    path: 'app/nats',
    prop: 'props',
    value: '"my-nats"',
    message: 'app/nats: \'props\' is "my-nats": must be an object of props',
  },

  // PipelineStage
  {
    construct: 'PipelineStage',
    name: 'NATS URL with a user and password',
    build: app => pipelineStage(app, { natsUrl: 'nats://app:s3cret@my-nats:4222' }),
    path: 'app/mapper',
    prop: 'natsUrl',
    value: '"nats://***@my-nats:4222"',
    message:
      'app/mapper: \'natsUrl\' is "nats://***@my-nats:4222": must not carry credentials (they would sit in plain text in the manifests): keep them in a Secret and give credentials: NatsCredentials.fromSecret("<secret>") or NatsCredentials.credsFile("<secret>")',
  },
  {
    construct: 'PipelineStage',
    name: 'websocket NATS URL',
    build: app => pipelineStage(app, { natsUrl: 'ws://my-nats:8080' }),
    path: 'app/mapper',
    prop: 'natsUrl',
    value: '"ws://my-nats:8080"',
    message:
      'app/mapper: \'natsUrl\' is "ws://my-nats:8080": must be a NATS URL: nats:// or tls://, a host name or IP address and an optional port from 1 to 65535, nothing else, e.g. "nats://my-nats:4222"',
  },
  {
    construct: 'PipelineStage',
    name: 'NATS URL with port 70000',
    build: app => pipelineStage(app, { natsUrl: 'nats://my-nats:70000' }),
    path: 'app/mapper',
    prop: 'natsUrl',
    value: '"nats://my-nats:70000"',
    message:
      'app/mapper: \'natsUrl\' is "nats://my-nats:70000": must be a NATS URL: nats:// or tls://, a host name or IP address and an optional port from 1 to 65535, nothing else, e.g. "nats://my-nats:4222"',
  },
  {
    construct: 'PipelineStage',
    name: 'NATS URL with a path',
    build: app => pipelineStage(app, { natsUrl: 'nats://my-nats:4222/orders' }),
    path: 'app/mapper',
    prop: 'natsUrl',
    value: '"nats://my-nats:4222/orders"',
    message:
      'app/mapper: \'natsUrl\' is "nats://my-nats:4222/orders": must be a NATS URL: nats:// or tls://, a host name or IP address and an optional port from 1 to 65535, nothing else, e.g. "nats://my-nats:4222"',
  },
  {
    construct: 'PipelineStage',
    name: 'no NATS URL',
    build: app => pipelineStage(app, { natsUrl: undefined }),
    path: 'app/mapper',
    prop: 'natsUrl',
    value: 'undefined',
    message: "app/mapper: 'natsUrl' is undefined: is required: give a string",
  },
  {
    construct: 'PipelineStage',
    name: 'NATS URL variable with a space',
    build: app => pipelineStage(app, { natsUrlEnv: 'NATS URL' }),
    path: 'app/mapper',
    prop: 'natsUrlEnv',
    value: '"NATS URL"',
    message:
      'app/mapper: \'natsUrlEnv\' is "NATS URL": must be an environment variable name (letters, digits, "_", "-", ".", not starting with a digit)',
  },
  {
    construct: 'PipelineStage',
    name: 'credentials Secret with upper case',
    build: app => pipelineStage(app, { credentials: NatsCredentials.fromSecret('Nats_Auth') }),
    path: 'app/mapper',
    prop: 'credentials.secretName',
    value: '"Nats_Auth"',
    message:
      'app/mapper: \'credentials.secretName\' is "Nats_Auth": must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", each part starting and ending with a letter or digit, at most 253 characters',
  },
  {
    construct: 'PipelineStage',
    name: 'credentials Secret key with a slash',
    build: app =>
      pipelineStage(app, { credentials: NatsCredentials.fromSecret('nats-auth', { passwordKey: 'auth/password' }) }),
    path: 'app/mapper',
    prop: 'credentials.passwordKey',
    value: '"auth/password"',
    message:
      'app/mapper: \'credentials.passwordKey\' is "auth/password": must be a Secret key: at most 253 letters, digits, "-", "_" and "."',
  },
  {
    construct: 'PipelineStage',
    name: 'misspelt credentials option',
    build: app =>
      pipelineStage(app, { credentials: NatsCredentials.credsFile('nats-auth', { kye: 'app.creds' } as any) }),
    path: 'app/mapper',
    prop: 'credentials.kye',
    value: '"app.creds"',
    message:
      "app/mapper: 'credentials.kye' is \"app.creds\": is not a prop of PipelineStage: did you mean 'credentials.key'?",
  },
  {
    construct: 'PipelineStage',
    name: 'env that overrides the password from the Secret',
    build: app =>
      pipelineStage(app, { credentials: NatsCredentials.fromSecret('nats-auth'), env: { NATS_PASSWORD: 's3cret' } }),
    path: 'app/mapper',
    prop: 'env.NATS_PASSWORD',
    value: '"s3cret"',
    message:
      'app/mapper: \'env.NATS_PASSWORD\' is "s3cret": must be left out: the stage sets NATS_PASSWORD from the credentials Secret',
  },
  {
    construct: 'PipelineStage',
    name: 'creds file path in the NATS URL variable',
    build: app => pipelineStage(app, { credentials: NatsCredentials.credsFile('nats-auth', { env: 'NATS_URL' }) }),
    path: 'app/mapper',
    prop: 'credentials',
    value: '"NATS_URL"',
    message:
      'app/mapper: \'credentials\' is "NATS_URL": must not reuse the environment variable NATS_URL, which natsUrlEnv already sets',
  },
  {
    construct: 'PipelineStage',
    name: 'replicas beyond int32',
    build: app => pipelineStage(app, { replicas: 2 ** 31 }),
    path: 'app/mapper',
    prop: 'replicas',
    value: '2147483648',
    message: "app/mapper: 'replicas' is 2147483648: must be a whole number from 1 to 2147483647",
  },

  // NatsPipeline
  {
    construct: 'NatsPipeline',
    name: 'stage named like the NATS server',
    build: app => pipeline(app, { stages: [stage('fetcher'), stage('nats')] }),
    path: 'app/pipeline',
    prop: 'stages[1].name',
    value: '"nats"',
    message:
      "app/pipeline: 'stages[1].name' is \"nats\": must differ from the NATS server's name: the server's StatefulSet, Services, PodDisruptionBudget and NetworkPolicy select pods labelled app.kubernetes.io/name=nats, and would take the stage's pods for NATS servers",
  },
  {
    construct: 'NatsPipeline',
    name: 'stage named constructor',
    build: app => pipeline(app, { stages: [stage('constructor')] }),
    path: 'app/pipeline',
    prop: 'stages[0].name',
    value: '"constructor"',
    message:
      'app/pipeline: \'stages[0].name\' is "constructor": is a reserved JavaScript name and cannot name a stage: choose another name',
  },
  {
    construct: 'NatsPipeline',
    name: 'server URL with a token',
    build: app => pipeline(app, { serverUrl: 'nats://s3cr3t-token@nats.shared:4222' }),
    path: 'app/pipeline',
    prop: 'serverUrl',
    value: '"nats://***@nats.shared:4222"',
    message:
      'app/pipeline: \'serverUrl\' is "nats://***@nats.shared:4222": must not carry credentials (they would sit in plain text in the manifests): keep them in a Secret and give credentials: NatsCredentials.fromSecret("<secret>") or NatsCredentials.credsFile("<secret>")',
  },
  {
    construct: 'NatsPipeline',
    name: 'credentials for its own server',
    build: app => pipeline(app, { credentials: NatsCredentials.fromSecret('nats-auth') }),
    path: 'app/pipeline',
    prop: 'credentials',
    value: '{"fromSecret":"nats-auth"}',
    message:
      'app/pipeline: \'credentials\' is {"fromSecret":"nats-auth"}: needs serverUrl: the pipeline\'s own NATS server has no users (the NetworkPolicy guards it), so credentials only go with a server you bring',
  },
  {
    construct: 'NatsPipeline',
    name: 'misspelt stage prop replica',
    build: app => pipeline(app, { stages: [stage('mapper', { replica: 2 })] }),
    path: 'app/pipeline',
    prop: 'stages[0].replica',
    value: '2',
    message:
      "app/pipeline: 'stages[0].replica' is 2: is not a prop of NatsPipeline: did you mean 'stages[0].replicas'?",
  },
  {
    construct: 'NatsPipeline',
    name: 'stages given as a string',
    build: app => pipeline(app, { stages: 'fetcher' }),
    path: 'app/pipeline',
    prop: 'stages',
    value: '"fetcher"',
    message: 'app/pipeline: \'stages\' is "fetcher": must be an array',
  },
  {
    construct: 'NatsPipeline',
    name: 'dashboard: true',
    build: app => pipeline(app, { monitoring: { prometheusLabels: { release: 'kps' }, dashboard: true } }),
    path: 'app/pipeline',
    prop: 'monitoring.dashboard',
    value: 'true',
    message:
      "app/pipeline: 'monitoring.dashboard' is true: must be false (no dashboard) or an object of dashboard options ({} for the defaults)",
  },
  {
    construct: 'NatsPipeline',
    name: 'stage without an image',
    build: app => pipeline(app, { stages: [{ name: 'mapper' }] }),
    path: 'app/pipeline',
    prop: 'stages[0].image',
    value: 'undefined',
    message: "app/pipeline: 'stages[0].image' is undefined: is required: give a string",
  },

  // NatsMonitoring
  {
    construct: 'NatsMonitoring',
    name: 'scrape interval beyond int32 seconds',
    build: app => monitoring(app, { interval: Duration.days(30_000) }),
    path: 'app/monitoring',
    prop: 'interval',
    value: '"2592000000000ms"',
    message:
      'app/monitoring: \'interval\' is "2592000000000ms": must be a whole number of seconds from 1 to 2147483647',
  },
  {
    construct: 'NatsMonitoring',
    name: 'server given by name',
    build: app => monitoring(app, { server: 'my-nats' }),
    path: 'app/monitoring',
    prop: 'server',
    value: '"my-nats"',
    message: 'app/monitoring: \'server\' is "my-nats": must be a NatsServer',
  },
  {
    construct: 'NatsMonitoring',
    name: 'Prometheus label value that is a number',
    build: app => monitoring(app, { prometheusLabels: { release: 42 } }),
    path: 'app/monitoring',
    prop: 'prometheusLabels.release',
    value: '42',
    message:
      'app/monitoring: \'prometheusLabels.release\' is 42: must be a label value: at most 63 characters of letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
  },

  // GrafanaDashboard
  {
    construct: 'GrafanaDashboard',
    name: 'title with a line break',
    build: app => dashboard(app, { title: 'NATS\nproduction' }),
    path: 'app/dashboard',
    prop: 'title',
    value: '"NATS\\nproduction"',
    message:
      "app/dashboard: 'title' is \"NATS\\nproduction\": must be 1 to 189 characters (Grafana's limit), not blank, without control characters",
  },
  {
    construct: 'GrafanaDashboard',
    name: 'name that cannot be the uid',
    build: app => dashboard(app, { name: 'nats.dashboard' }),
    path: 'app/dashboard',
    prop: 'name',
    value: '"nats.dashboard"',
    message:
      'app/dashboard: \'name\' is "nats.dashboard": must be at most 40 letters, digits, "-" and "_" to serve as the dashboard uid, or give uid as well',
  },
  {
    construct: 'GrafanaDashboard',
    name: 'misspelt prop datasourceUID',
    build: app => dashboard(app, { datasourceUID: 'prom' }),
    path: 'app/dashboard',
    prop: 'datasourceUID',
    value: '"prom"',
    message:
      "app/dashboard: 'datasourceUID' is \"prom\": is not a prop of GrafanaDashboard: did you mean 'datasourceUid'?",
  },
];
