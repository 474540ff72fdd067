import { Chart, Duration } from 'cdk8s';
import {
  Autoscaler,
  CanaryDeployment,
  Cpu,
  HostIngress,
  IntOrPercent,
  Memory,
  NginxCanary,
  PodSecurity,
  Probe,
  ScalingMetric,
  StableDeployment,
  UpdateStrategy,
  VersionedService,
} from '../lib';
import { attack, expectValidOutput, HostileTarget } from './support/hostile';

const RUNS = 150;

// Constructs a prop refers to are attacked too: the props hold a placeholder string that the
// build swaps for the real construct, so any other value in its place is a hostile one.
const STABLE = 'the StableDeployment built beside it';
const CANARY = 'the CanaryDeployment built beside it';
const SERVICE = 'the VersionedService built beside it';
const PRIMARY = 'the primary HostIngress built beside it';

// `env` is a map and takes any key, so the harness's unknown keys would be valid there: its one
// entry is attacked through a key prop and a value prop instead. A key that is not a string stands
// for the whole map.
const mapOf = (key: unknown, value: unknown) => (typeof key === 'string' ? { [key]: value } : key);
const withEnv = ({ envName, envValue, ...rest }: Record<string, any>) => ({ ...rest, env: mapOf(envName, envValue) });

const container = {
  app: 'web',
  image: 'ghcr.io/example/web:1.0',
  port: 8080,
  portName: 'http',
  containerName: 'web',
  imagePullPolicy: 'IfNotPresent',
  command: ['/web'],
  args: ['--port', '8080'],
  envName: 'MODE',
  envValue: 'prod',
  resources: {
    cpu: { request: Cpu.millis(100), limit: Cpu.millis(500) },
    memory: { request: Memory.mebibytes(64), limit: Memory.mebibytes(128) },
  },
  readiness: Probe.http('/ready', { period: Duration.seconds(5) }),
  liveness: Probe.tcp({ initialDelay: Duration.seconds(10), failureThreshold: 6 }),
  startup: Probe.exec(['/bin/check'], { period: Duration.seconds(2), failureThreshold: 30 }),
  security: PodSecurity.restricted({ runAsUser: 1000 }),
  automountServiceAccountToken: false,
  strategy: UpdateStrategy.rollingUpdate({ maxSurge: IntOrPercent.count(1), maxUnavailable: IntOrPercent.percent(0) }),
  minReady: Duration.seconds(5),
  progressDeadline: Duration.seconds(300),
  revisionHistoryLimit: 5,
};
const stableProps = {
  ...container,
  name: 'web-stable',
  version: '1.0',
  replicas: 3,
  labelKeys: { app: 'app', track: 'track', version: 'version' },
};

/** A valid stable in `chart`, for targets that attack something else. */
const stableIn = (chart: Chart, extra: Record<string, unknown> = {}) =>
  new StableDeployment(chart, 'web', {
    app: 'web',
    image: 'web:1.0',
    port: 8080,
    resources: { cpu: { request: Cpu.millis(100) } },
    ...extra,
  });
const swap = (given: unknown, placeholder: string, make: () => unknown) => (given === placeholder ? make() : given);

/**
 * Factories are attacked through a wrapper: its props are the factory's arguments; the rest of
 * the props (and any unknown key the harness adds) go to the construct, which refuses unknown keys.
 */
const stableWith = (chart: Chart, rest: Record<string, unknown>, extra: Record<string, unknown>) =>
  new StableDeployment(chart, 'web', { app: 'web', image: 'web:1.0', port: 8080, ...rest, ...extra });

export const TARGETS: readonly HostileTarget[] = [
  {
    construct: 'StableDeployment',
    props: stableProps,
    build: (c, p) => new StableDeployment(c, 'web', withEnv(p) as any),
  },
  {
    construct: 'CanaryDeployment',
    props: {
      ...container,
      stable: STABLE,
      image: 'ghcr.io/example/web:2.0',
      name: 'web-canary',
      replicas: 1,
      app: 'web',
    },
    build: (c, { stable, ...p }) =>
      new CanaryDeployment(c, 'canary', { ...withEnv(p), stable: swap(stable, STABLE, () => stableIn(c)) } as any),
  },
  {
    construct: 'CanaryDeployment (weight)',
    props: { stable: STABLE, image: 'web:2.0', weight: 25, totalReplicas: 4, roundToWholePods: false },
    build: (c, { stable, ...p }) =>
      new CanaryDeployment(c, 'canary', { ...p, stable: swap(stable, STABLE, () => stableIn(c)) }),
  },
  {
    construct: 'VersionedService',
    props: { serves: [STABLE, CANARY], port: 80, name: 'web', targetPort: 8080, portName: 'http', type: 'ClusterIP' },
    build: (c, { serves, ...p }) => {
      const stable = stableIn(c);
      const canary = new CanaryDeployment(c, 'canary', { stable, image: 'web:2.0' });
      const workloads = Array.isArray(serves)
        ? serves.map(w =>
            swap(
              swap(w, STABLE, () => stable),
              CANARY,
              () => canary,
            ),
          )
        : serves;
      new VersionedService(c, 'svc', { ...p, serves: workloads });
    },
  },
  {
    construct: 'HostIngress',
    props: {
      name: 'web',
      className: 'nginx',
      rules: [
        { host: 'web.example.com', service: SERVICE, port: 80, path: '/api', pathType: 'Prefix', tlsSecret: 'web-tls' },
      ],
    },
    build: (c, p) => {
      const service = new VersionedService(c, 'svc', { serves: stableIn(c), port: 80 });
      const rules = Array.isArray(p.rules)
        ? p.rules.map((r: any) =>
            r && typeof r === 'object' && !Array.isArray(r) && r.service === SERVICE ? { ...r, service } : r,
          )
        : p.rules;
      new HostIngress(c, 'ingress', { ...p, rules });
    },
  },
  {
    construct: 'HostIngress (canary)',
    props: {
      canary: { primary: PRIMARY, split: NginxCanary.weight(10) },
      rules: [{ host: 'web.example.com', service: SERVICE }],
    },
    build: (c, p) => {
      const service = new VersionedService(c, 'svc', { serves: stableIn(c), port: 80 });
      const primary = new HostIngress(c, 'main', { className: 'nginx', rules: [{ host: 'web.example.com', service }] });
      const canary =
        p.canary && typeof p.canary === 'object' && p.canary.primary === PRIMARY ? { ...p.canary, primary } : p.canary;
      const rules = Array.isArray(p.rules)
        ? p.rules.map((r: any) =>
            r && typeof r === 'object' && !Array.isArray(r) && r.service === SERVICE ? { ...r, service } : r,
          )
        : p.rules;
      new HostIngress(c, 'ingress', { ...p, canary, rules });
    },
  },
  {
    construct: 'Autoscaler',
    props: {
      target: STABLE,
      name: 'web-hpa',
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [ScalingMetric.cpuUtilization(80), ScalingMetric.memoryAverageValue(Memory.mebibytes(100))],
      scaleUp: {
        stabilizationWindow: Duration.seconds(0),
        selectPolicy: 'Max',
        policies: [{ type: 'Pods', value: 4, period: Duration.seconds(15) }],
      },
      scaleDown: {
        stabilizationWindow: Duration.minutes(5),
        selectPolicy: 'Min',
        policies: [{ type: 'Percent', value: 10, period: Duration.minutes(1) }],
      },
    },
    build: (c, { target, ...p }) =>
      new Autoscaler(c, 'hpa', { ...p, target: swap(target, STABLE, () => stableIn(c)) } as any),
  },

  // Value-class factories: their arguments are the props.
  {
    construct: 'Probe.http',
    props: {
      path: '/ready',
      options: {
        port: 'http',
        initialDelay: Duration.seconds(1),
        period: Duration.seconds(5),
        timeout: Duration.seconds(2),
        successThreshold: 2,
        failureThreshold: 3,
      },
    },
    build: (c, { path, options, ...rest }) => stableWith(c, rest, { readiness: Probe.http(path, options) }),
  },
  {
    construct: 'Probe.tcp',
    props: { options: { port: 8080, period: Duration.seconds(10), successThreshold: 1, failureThreshold: 5 } },
    build: (c, { options, ...rest }) => stableWith(c, rest, { liveness: Probe.tcp(options) }),
  },
  {
    construct: 'Probe.exec',
    props: { command: ['/bin/check', '--ready'], options: { timeout: Duration.seconds(3), failureThreshold: 60 } },
    build: (c, { command, options, ...rest }) => stableWith(c, rest, { startup: Probe.exec(command, options) }),
  },
  {
    construct: 'UpdateStrategy.rollingUpdate and IntOrPercent',
    props: { surge: 1, unavailablePercent: 25 },
    build: (c, { surge, unavailablePercent, ...rest }) =>
      stableWith(c, rest, {
        strategy: UpdateStrategy.rollingUpdate({
          maxSurge: IntOrPercent.count(surge),
          maxUnavailable: IntOrPercent.percent(unavailablePercent),
        }),
      }),
  },
  {
    construct: 'UpdateStrategy.rollingUpdate options',
    props: { options: { maxSurge: IntOrPercent.percent(50), maxUnavailable: IntOrPercent.count(0) } },
    build: (c, { options, ...rest }) => stableWith(c, rest, { strategy: UpdateStrategy.rollingUpdate(options) }),
  },
  {
    construct: 'Cpu factories',
    props: { millis: 250, cores: 1, text: '1.5' },
    build: (c, { millis, cores, text, ...rest }) => {
      stableWith(c, rest, { resources: { cpu: { request: Cpu.millis(millis), limit: Cpu.cores(cores) } } });
      new StableDeployment(c, 'other', {
        app: 'other',
        image: 'other:1.0',
        resources: { cpu: { request: Cpu.of(text) } },
      });
    },
  },
  {
    construct: 'Memory factories',
    props: { mebibytes: 64, gibibytes: 1, text: '512Mi' },
    build: (c, { mebibytes, gibibytes, text, ...rest }) => {
      stableWith(c, rest, {
        resources: { memory: { request: Memory.mebibytes(mebibytes), limit: Memory.gibibytes(gibibytes) } },
      });
      new StableDeployment(c, 'other', {
        app: 'other',
        image: 'other:1.0',
        resources: { memory: { request: Memory.of(text) } },
      });
    },
  },
  {
    construct: 'PodSecurity.restricted',
    props: {
      options: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000, readOnlyRootFilesystem: true, writableTmp: true },
    },
    build: (c, { options, ...rest }) => stableWith(c, rest, { security: PodSecurity.restricted(options) }),
  },
  {
    construct: 'PodSecurity.baseline',
    props: { options: { runAsUser: 0, runAsGroup: 0, fsGroup: 0, readOnlyRootFilesystem: false, writableTmp: false } },
    build: (c, { options, ...rest }) => stableWith(c, rest, { security: PodSecurity.baseline(options) }),
  },
  {
    construct: 'ScalingMetric factories',
    props: { cpuPercent: 80, memoryPercent: 70, cpuValue: 'cpu', memoryValue: 'memory' },
    build: (c, { cpuPercent, memoryPercent, cpuValue, memoryValue, ...rest }) => {
      // The value arguments name which amount to pass, so a Memory where a Cpu goes is tried as well.
      const amount = (v: unknown) => (v === 'cpu' ? Cpu.millis(200) : v === 'memory' ? Memory.mebibytes(200) : v);
      const target = stableWith(c, rest, {
        resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Memory.mebibytes(64) } },
      });
      new Autoscaler(c, 'hpa', {
        target,
        maxReplicas: 5,
        metrics: [
          ScalingMetric.cpuUtilization(cpuPercent),
          ScalingMetric.memoryUtilization(memoryPercent),
          ScalingMetric.cpuAverageValue(amount(cpuValue) as Cpu),
          ScalingMetric.memoryAverageValue(amount(memoryValue) as Memory),
        ],
      });
    },
  },
  {
    construct: 'NginxCanary factories',
    props: { weight: 20, header: 'X-Canary', value: 'always-on' },
    build: (c, { weight, header, value, ...rest }) => {
      const service = new VersionedService(c, 'svc', { serves: stableWith(c, rest, {}), port: 80 });
      const rules = (host: string) => [{ host, service }];
      const a = new HostIngress(c, 'a', { rules: rules('a.example.com') });
      const b = new HostIngress(c, 'b', { rules: rules('b.example.com') });
      new HostIngress(c, 'by-weight', {
        canary: { primary: a, split: NginxCanary.weight(weight) },
        rules: rules('a.example.com'),
      });
      new HostIngress(c, 'by-header', {
        canary: { primary: b, split: NginxCanary.header(header, value) },
        rules: rules('b.example.com'),
      });
    },
  },
];

describe('hostile props for the workload constructs and their value classes', () => {
  test.each(TARGETS.map(t => [t.construct, t] as const))(
    '%s: every hostile prop is refused with a DeliveryError or yields valid output',
    (_, target) => {
      const result = attack(target, RUNS);
      expect(result.refused).toBeGreaterThan(0);
      expectValidOutput(result);
    },
  );
});
