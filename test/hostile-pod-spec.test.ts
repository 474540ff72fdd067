import { Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Cpu, IntOrPercent, Memory, Probe, Rollout, RolloutStrategy, StableDeployment } from '../lib';
import { attack, expectValidOutput, HostileTarget } from './support/hostile';

const RUNS = 150;

// Constructs a prop refers to are attacked too: the props hold a placeholder string the build swaps for the real
// construct, so any other value in its place is a hostile one.
const VOLUME = 'a kplus Secret volume built beside it';
const ACCOUNT = 'a kplus ServiceAccount built beside it';
const PULL = 'a kplus Secret built beside it';
const swap = (given: unknown, placeholder: string, make: () => unknown) => (given === placeholder ? make() : given);

const db = { name: 'shop-db' } as kplus.ISecret;
const podOptions = {
  app: 'shop',
  image: 'ghcr.io/example/shop:1.4.0',
  port: 8080,
  replicas: 3,
  envName: 'DATABASE_URL',
  envValue: kplus.EnvValue.fromSecretValue({ secret: db, key: 'url' }),
  envFrom: [kplus.Env.fromSecret(db)],
  mounts: [{ volume: VOLUME, path: '/etc/shop/tls', readOnly: true, subPath: 'tls' }],
  serviceAccount: ACCOUNT,
  imagePullSecrets: [PULL],
  containers: [
    {
      name: 'metrics',
      image: 'ghcr.io/example/exporter:2.0',
      imagePullPolicy: 'IfNotPresent',
      command: ['/exporter'],
      args: ['--port', '9100'],
      ports: [{ name: 'metrics', number: 9100 }],
      resources: { cpu: { request: Cpu.millis(10), limit: Cpu.millis(50) }, memory: { request: Memory.mebibytes(16) } },
      readiness: Probe.http('/ready'),
      liveness: Probe.tcp({ failureThreshold: 6 }),
      startup: Probe.exec(['/bin/check']),
    },
  ],
  initContainers: [{ name: 'migrate', image: 'ghcr.io/example/migrate:1.4.0', args: ['up'] }],
  sidecars: [{ name: 'log-shipper', image: 'fluent/fluent-bit:3.1', resources: { cpu: { request: Cpu.millis(20) } } }],
  nodeKey: 'kubernetes.io/os',
  nodeValue: 'linux',
  tolerations: [
    {
      key: 'node.kubernetes.io/unreachable',
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: Duration.seconds(30),
    },
  ],
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }] }],
      },
    },
  },
  topologySpread: [
    { topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule', minDomains: 2 },
  ],
  priorityClassName: 'business-critical',
  terminationGracePeriod: Duration.seconds(45),
  preStopSleep: Duration.seconds(10),
  podLabelKey: 'example.com/tier',
  podLabelValue: 'web',
  podAnnotationKey: 'example.com/owner',
  podAnnotationValue: 'payments',
  labelKey: 'team',
  labelValue: 'payments',
  annotationKey: 'example.com/runbook',
  annotationValue: 'https://runbooks.example.com/shop',
  disruptionBudget: { minAvailable: IntOrPercent.count(2), unhealthyPodEvictionPolicy: 'AlwaysAllow', name: 'shop' },
};

// Maps take any key, so the harness's unknown keys would be valid there: each map's one entry is attacked through a
// key prop and a value prop instead. A key that is not a string stands for the whole map.
const mapOf = (key: unknown, value: unknown) => (typeof key === 'string' ? { [key]: value } : key);

/** The props with the placeholders swapped for kplus objects made in `chart`, and the map entries joined. */
function resolve(c: Chart, props: any): any {
  const { envName, envValue, mounts, serviceAccount, imagePullSecrets, nodeKey, nodeValue, ...more } = props;
  const { podLabelKey, podLabelValue, podAnnotationKey, podAnnotationValue, ...rest } = more;
  const { labelKey, labelValue, annotationKey, annotationValue, ...others } = rest;
  const tls = kplus.Secret.fromSecretName(c, 'tls', 'shop-tls');
  const volume = () => kplus.Volume.fromSecret(c, 'tls-volume', tls, { name: 'tls' });
  return {
    ...others,
    env: mapOf(envName, envValue),
    nodeSelector: mapOf(nodeKey, nodeValue),
    labels: mapOf(labelKey, labelValue),
    annotations: mapOf(annotationKey, annotationValue),
    podMetadata: {
      labels: mapOf(podLabelKey, podLabelValue),
      annotations: mapOf(podAnnotationKey, podAnnotationValue),
    },
    mounts: Array.isArray(mounts)
      ? mounts.map((m: any) => (m && typeof m === 'object' ? { ...m, volume: swap(m.volume, VOLUME, volume) } : m))
      : mounts,
    serviceAccount: swap(serviceAccount, ACCOUNT, () => kplus.ServiceAccount.fromServiceAccountName(c, 'sa', 'shop')),
    imagePullSecrets: Array.isArray(imagePullSecrets)
      ? imagePullSecrets.map(s => swap(s, PULL, () => kplus.Secret.fromSecretName(c, 'pull', 'ghcr')))
      : imagePullSecrets,
  };
}

const TARGETS: readonly HostileTarget[] = [
  {
    construct: 'StableDeployment (pod options)',
    props: podOptions,
    build: (c, p) => new StableDeployment(c, 'web', resolve(c, p)),
  },
  {
    construct: 'Rollout (pod options)',
    props: { ...podOptions, strategy: RolloutStrategy.canary() },
    build: (c, p) => new Rollout(c, 'web', resolve(c, p)),
  },
];

describe('hostile pod options', () => {
  test.each(TARGETS.map(t => [t.construct, t] as const))(
    '%s: every hostile prop is refused with a DeliveryError or yields valid output',
    (_, target) => {
      const result = attack(target, RUNS);
      expect(result.refused).toBeGreaterThan(0);
      expectValidOutput(result);
    },
  );
});
