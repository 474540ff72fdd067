import * as fs from 'fs';
import * as path from 'path';
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as yaml from 'js-yaml';
import {
  Autoscaler,
  CanaryDeployment,
  checkPolicy,
  Cpu,
  IntOrPercent,
  Memory,
  NatsPipeline,
  PipelineStage,
  PodSecurity,
  PodVolume,
  Probe,
  Rollout,
  RolloutStrategy,
  ScalingMetric,
  StableDeployment,
} from '../lib';
import { schemaProblems } from './support/schemas';
import { find, newChart, synth } from './support/synth';

const base = { app: 'shop', image: 'ghcr.io/example/shop:1.4.0', port: 8080 };
const RESTRICTED = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
};
const TMP_MOUNT = { name: 'tmp', mountPath: '/tmp' };

/** The pod spec of the single Deployment a chart holds, after checking every object against the schemas. */
function podOf(chart: ReturnType<typeof newChart>, name?: string): any {
  const objects = synth(chart);
  expect(schemaProblems(objects)).toEqual([]);
  return find(objects, 'Deployment', name).spec.template.spec;
}

describe('env values from Secrets, ConfigMaps, fields and resources', () => {
  test('kplus.EnvValue sources render as valueFrom, plain strings as value, in the order given', () => {
    const chart = newChart();
    const db = kplus.Secret.fromSecretName(chart, 'db', 'shop-db');
    const config = kplus.ConfigMap.fromConfigMapName(chart, 'config', 'shop-config');
    new StableDeployment(chart, 'stable', {
      ...base,
      env: {
        DATABASE_URL: kplus.EnvValue.fromSecretValue({ secret: db, key: 'url' }),
        LOG_LEVEL: kplus.EnvValue.fromConfigMap(config, 'log-level', { optional: true }),
        POD_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
        TEAM: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_LABEL, { key: 'team' }),
        CPU_LIMIT: kplus.EnvValue.fromResource(kplus.ResourceFieldPaths.CPU_LIMIT, { divisor: '1m' }),
        MODE: 'live',
        FIXED: kplus.EnvValue.fromValue('1'),
      },
    });
    expect(podOf(chart).containers[0].env).toEqual([
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'shop-db', key: 'url' } } },
      { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'shop-config', key: 'log-level', optional: true } } },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'TEAM', valueFrom: { fieldRef: { fieldPath: "metadata.labels['team']" } } },
      { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
      { name: 'MODE', value: 'live' },
      { name: 'FIXED', value: '1' },
    ]);
  });

  test('envFrom takes whole Secrets and ConfigMaps, with a prefix', () => {
    const chart = newChart();
    const config = new kplus.ConfigMap(chart, 'config', { metadata: { name: 'shop-config' }, data: { A: '1' } });
    const secret = kplus.Secret.fromSecretName(chart, 'creds', 'shop-creds');
    new StableDeployment(chart, 'stable', {
      ...base,
      envFrom: [kplus.Env.fromConfigMap(config, 'CFG_'), kplus.Env.fromSecret(secret)],
    });
    expect(podOf(chart).containers[0].envFrom).toEqual([
      { configMapRef: { name: 'shop-config' }, prefix: 'CFG_' },
      { secretRef: { name: 'shop-creds' } },
    ]);
  });
});

describe('volumes and mounts', () => {
  test('Secret and ConfigMap mounts are read-only by default, others writable; volumes follow the /tmp one', () => {
    const chart = newChart();
    const tls = kplus.Secret.fromSecretName(chart, 'tls', 'shop-tls');
    const config = kplus.ConfigMap.fromConfigMapName(chart, 'config', 'shop-config');
    const claim = kplus.PersistentVolumeClaim.fromClaimName(chart, 'claim', 'shop-data');
    new StableDeployment(chart, 'stable', {
      ...base,
      mounts: [
        { volume: kplus.Volume.fromSecret(chart, 'tls-volume', tls, { name: 'tls' }), path: '/etc/shop/tls' },
        {
          volume: kplus.Volume.fromConfigMap(chart, 'config-volume', config),
          path: '/etc/shop/config',
          subPath: 'app',
        },
        {
          volume: kplus.Volume.fromEmptyDir(chart, 'cache', 'cache', { sizeLimit: Size.mebibytes(256) }),
          path: '/var/cache/shop',
        },
        { volume: kplus.Volume.fromPersistentVolumeClaim(chart, 'data', claim), path: '/data' },
        {
          volume: kplus.Volume.fromSecret(chart, 'writable', tls, { name: 'writable-tls' }),
          path: '/etc/shop/writable',
          readOnly: false,
        },
      ],
    });
    const pod = podOf(chart);
    expect(pod.containers[0].volumeMounts).toEqual([
      TMP_MOUNT,
      { name: 'tls', mountPath: '/etc/shop/tls', readOnly: true },
      { name: 'configmap-shop-config', mountPath: '/etc/shop/config', readOnly: true, subPath: 'app' },
      { name: 'cache', mountPath: '/var/cache/shop' },
      { name: 'pvc-shop-data', mountPath: '/data' },
      { name: 'writable-tls', mountPath: '/etc/shop/writable', readOnly: false },
    ]);
    expect(pod.volumes).toEqual([
      { name: 'tmp', emptyDir: {} },
      { name: 'tls', secret: { secretName: 'shop-tls' } },
      { name: 'configmap-shop-config', configMap: { name: 'shop-config' } },
      { name: 'cache', emptyDir: { sizeLimit: '256Mi' } },
      { name: 'pvc-shop-data', persistentVolumeClaim: { claimName: 'shop-data', readOnly: false } },
      { name: 'writable-tls', secret: { secretName: 'shop-tls' } },
    ]);
  });

  test('PodVolume: a projected volume (read-only by default) and a memory-backed emptyDir sized with Memory', () => {
    const chart = newChart();
    const ca = kplus.Secret.fromSecretName(chart, 'ca', 'shop-ca');
    const bundle = kplus.ConfigMap.fromConfigMapName(chart, 'bundle', 'trust-bundle');
    new StableDeployment(chart, 'stable', {
      ...base,
      mounts: [
        {
          volume: PodVolume.projected('certs', {
            secrets: [ca],
            configMaps: [bundle],
            serviceAccountToken: { path: 'vault-token', audience: 'vault', expiration: Duration.minutes(20) },
          }),
          path: '/var/run/certs',
        },
        {
          volume: PodVolume.emptyDir('scratch', { sizeLimit: Memory.gibibytes(1), memoryBacked: true }),
          path: '/scratch',
        },
      ],
    });
    const pod = podOf(chart);
    expect(pod.volumes).toEqual([
      { name: 'tmp', emptyDir: {} },
      {
        name: 'certs',
        projected: {
          sources: [
            { secret: { name: 'shop-ca' } },
            { configMap: { name: 'trust-bundle' } },
            { serviceAccountToken: { path: 'vault-token', audience: 'vault', expirationSeconds: 1200 } },
          ],
        },
      },
      { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
    ]);
    expect(pod.containers[0].volumeMounts).toEqual([
      TMP_MOUNT,
      { name: 'certs', mountPath: '/var/run/certs', readOnly: true },
      { name: 'scratch', mountPath: '/scratch' },
    ]);
    // The pod's own API token stays unmounted: the projected one is for another audience.
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('volume types follow the Pod Security Standard: NFS only under baseline', () => {
    const build = (security?: PodSecurity) => {
      const chart = newChart();
      const nfs = kplus.Volume.fromNfs(chart, 'nfs', 'shared', { server: 'nfs.example.com', path: '/exports' });
      new StableDeployment(chart, 'stable', { ...base, security, mounts: [{ volume: nfs, path: '/shared' }] });
      return chart;
    };
    expect(() => build()).toThrow(
      /'mounts\[0\].volume' is "nfs volume shared": must be a volume type the "restricted"/,
    );
    expect(podOf(build(PodSecurity.baseline())).volumes).toEqual([
      { name: 'tmp', emptyDir: {} },
      { name: 'shared', nfs: { server: 'nfs.example.com', path: '/exports' } },
    ]);
  });

  test('one volume mounted by two containers is declared once', () => {
    const chart = newChart();
    const shared = kplus.Volume.fromEmptyDir(chart, 'logs', 'logs');
    new StableDeployment(chart, 'stable', {
      ...base,
      mounts: [{ volume: shared, path: '/var/log/shop' }],
      sidecars: [{ name: 'log-shipper', image: 'fluent/fluent-bit:3.1', mounts: [{ volume: shared, path: '/logs' }] }],
    });
    const pod = podOf(chart);
    expect(pod.volumes).toEqual([
      { name: 'tmp', emptyDir: {} },
      { name: 'logs', emptyDir: {} },
    ]);
    expect(pod.initContainers[0].volumeMounts).toEqual([TMP_MOUNT, { name: 'logs', mountPath: '/logs' }]);
  });
});

describe('service account and pull secrets', () => {
  test('the service account is named, its token still not mounted; pull secrets by name', () => {
    const chart = newChart();
    const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'shop' } });
    new StableDeployment(chart, 'stable', {
      ...base,
      serviceAccount: sa,
      imagePullSecrets: [kplus.Secret.fromSecretName(chart, 'pull', 'ghcr-credentials')],
    });
    const pod = podOf(chart);
    expect(pod.serviceAccountName).toBe('shop');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.imagePullSecrets).toEqual([{ name: 'ghcr-credentials' }]);
  });

  test('automountServiceAccountToken: true mounts it', () => {
    const chart = newChart();
    const sa = kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'shop');
    new StableDeployment(chart, 'stable', { ...base, serviceAccount: sa, automountServiceAccountToken: true });
    expect(podOf(chart).automountServiceAccountToken).toBe(true);
  });
});

describe('extra containers, init containers and native sidecars', () => {
  test('each gets the restricted security context, /tmp and its own checks; sidecars first, restartPolicy Always', () => {
    const chart = newChart();
    new StableDeployment(chart, 'stable', {
      ...base,
      containers: [
        {
          name: 'metrics',
          image: 'ghcr.io/example/exporter:2.0',
          ports: [{ name: 'metrics', number: 9100 }],
          readiness: Probe.http('/ready'),
          resources: { cpu: { request: Cpu.millis(10) } },
        },
      ],
      initContainers: [{ name: 'migrate', image: 'ghcr.io/example/shop-migrate:1.4.0', args: ['up'] }],
      sidecars: [
        {
          name: 'log-shipper',
          image: 'fluent/fluent-bit:3.1',
          imagePullPolicy: 'Always',
          resources: { cpu: { request: Cpu.millis(20) }, memory: { request: Memory.mebibytes(32) } },
        },
      ],
    });
    const pod = podOf(chart);
    expect(pod.containers.map((c: any) => c.name)).toEqual(['shop', 'metrics']);
    expect(pod.containers[1]).toEqual({
      name: 'metrics',
      image: 'ghcr.io/example/exporter:2.0',
      imagePullPolicy: 'IfNotPresent',
      ports: [{ name: 'metrics', containerPort: 9100 }],
      readinessProbe: { httpGet: { path: '/ready', port: 'metrics' } },
      resources: { requests: { cpu: '10m' } },
      securityContext: RESTRICTED,
      volumeMounts: [TMP_MOUNT],
    });
    expect(pod.initContainers).toEqual([
      {
        name: 'log-shipper',
        image: 'fluent/fluent-bit:3.1',
        imagePullPolicy: 'Always',
        restartPolicy: 'Always',
        resources: { requests: { cpu: '20m', memory: '32Mi' } },
        securityContext: RESTRICTED,
        volumeMounts: [TMP_MOUNT],
      },
      {
        name: 'migrate',
        image: 'ghcr.io/example/shop-migrate:1.4.0',
        imagePullPolicy: 'IfNotPresent',
        args: ['up'],
        securityContext: RESTRICTED,
        volumeMounts: [TMP_MOUNT],
      },
    ]);
  });

  test('PodSecurity.baseline() applies to every container alike', () => {
    const chart = newChart();
    new StableDeployment(chart, 'stable', {
      ...base,
      security: PodSecurity.baseline({ writableTmp: false }),
      sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.0' }],
    });
    const pod = podOf(chart);
    for (const c of [...pod.containers, ...pod.initContainers]) {
      expect(c.securityContext).toEqual({ readOnlyRootFilesystem: false, privileged: false });
      expect(c.volumeMounts).toBeUndefined();
    }
    expect(pod.volumes).toBeUndefined();
  });

  test.each([
    ['restricted (the default)', undefined, []],
    [
      'baseline',
      PodSecurity.baseline(),
      ['initContainers[0]', 'initContainers[1]', 'containers[0]'].map(c => `spec.template.spec.${c}`),
    ],
  ])('the restricted standard holds for every container under %s', (_, security, flagged) => {
    const chart = newChart();
    new StableDeployment(chart, 'stable', {
      ...base,
      security,
      sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.0' }],
      initContainers: [{ name: 'migrate', image: 'ghcr.io/example/shop-migrate:1.4.0' }],
    });
    const findings = checkPolicy(synth(chart)).filter(f => f.rule === 'pss-allow-privilege-escalation');
    expect(findings.map(f => f.location!.replace(/\.securityContext.*$/, ''))).toEqual(flagged);
  });
});

describe('autoscaling counts the native sidecars', () => {
  const build = (sidecarRequest: boolean) => {
    const chart = newChart();
    const stable = new StableDeployment(chart, 'stable', {
      ...base,
      resources: { cpu: { request: Cpu.millis(100) } },
      sidecars: [
        {
          name: 'log-shipper',
          image: 'fluent/fluent-bit:3.1',
          resources: sidecarRequest ? { cpu: { request: Cpu.millis(20) } } : undefined,
        },
      ],
      // An init container that runs to completion is not counted: it has no request and is not refused for it.
      initContainers: [{ name: 'migrate', image: 'ghcr.io/example/shop-migrate:1.4.0' }],
    });
    new Autoscaler(chart, 'hpa', { target: stable, maxReplicas: 5, metrics: [ScalingMetric.cpuUtilization(70)] });
    return synth(chart);
  };

  test('a sidecar without the request is refused, one with it accepted', () => {
    expect(() => build(false)).toThrow(/"log-shipper" has none/);
    expect(find(build(true), 'HorizontalPodAutoscaler').spec.maxReplicas).toBe(5);
  });
});

describe('scheduling and shutdown', () => {
  test('node selector, tolerations, affinity, topology spread, priority class, grace period, preStop sleep', () => {
    const chart = newChart();
    new StableDeployment(chart, 'stable', {
      ...base,
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [
        { key: 'dedicated', value: 'shop', effect: 'NoSchedule' },
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
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }] },
            ],
          },
        },
      },
      topologySpread: [
        { topologyKey: 'topology.kubernetes.io/zone' },
        { topologyKey: 'kubernetes.io/hostname', maxSkew: 2, whenUnsatisfiable: 'DoNotSchedule', minDomains: 3 },
      ],
      priorityClassName: 'business-critical',
      terminationGracePeriod: Duration.seconds(45),
      preStopSleep: Duration.seconds(10),
    });
    const pod = podOf(chart);
    const identity = { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/track': 'stable' };
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(pod.tolerations).toEqual([
      { key: 'dedicated', operator: 'Equal', value: 'shop', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
    ]);
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }] },
    ]);
    expect(pod.topologySpreadConstraints).toEqual([
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: identity },
        matchLabelKeys: ['pod-template-hash'],
      },
      {
        maxSkew: 2,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'DoNotSchedule',
        minDomains: 3,
        labelSelector: { matchLabels: identity },
        matchLabelKeys: ['pod-template-hash'],
      },
    ]);
    expect(pod.priorityClassName).toBe('business-critical');
    expect(pod.terminationGracePeriodSeconds).toBe(45);
    expect(pod.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
  });

  test('pod anti-affinity, preferred, keeps pods of one track apart', () => {
    const chart = newChart();
    const term = {
      labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop' } },
      topologyKey: 'kubernetes.io/hostname',
      matchLabelKeys: ['pod-template-hash'],
    };
    new StableDeployment(chart, 'stable', {
      ...base,
      affinity: {
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
      },
    });
    expect(podOf(chart).affinity).toEqual({
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
    });
  });

  test("a Rollout's spread counts its own pod-template hash label, Argo's", () => {
    const chart = newChart();
    const rollout = new Rollout(chart, 'rollout', {
      ...base,
      strategy: RolloutStrategy.canary(),
      topologySpread: [{ topologyKey: 'topology.kubernetes.io/zone' }],
    });
    const objects = synth(chart);
    expect(schemaProblems(objects)).toEqual([]);
    const spread = find(objects, 'Rollout').spec.template.spec.topologySpreadConstraints;
    expect(spread).toEqual([
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: rollout.selectorLabels },
        matchLabelKeys: ['rollouts-pod-template-hash'],
      },
    ]);
  });
});

describe('labels and annotations', () => {
  test('on the object and on the pod template, beside the identity labels', () => {
    const chart = newChart();
    new StableDeployment(chart, 'stable', {
      ...base,
      labels: { team: 'payments' },
      annotations: { 'example.com/runbook': 'https://runbooks.example.com/shop' },
      podMetadata: { labels: { 'example.com/tier': 'web' }, annotations: { 'prometheus.io/scrape': 'true' } },
    });
    const d = find(synth(chart), 'Deployment');
    expect(d.metadata.labels).toEqual({
      team: 'payments',
      'app.kubernetes.io/name': 'shop',
      'app.kubernetes.io/track': 'stable',
      'app.kubernetes.io/version': '1.4.0',
    });
    expect(d.metadata.annotations).toEqual({ 'example.com/runbook': 'https://runbooks.example.com/shop' });
    expect(d.spec.template.metadata).toEqual({
      labels: {
        'app.kubernetes.io/name': 'shop',
        'app.kubernetes.io/track': 'stable',
        'app.kubernetes.io/version': '1.4.0',
        'example.com/tier': 'web',
      },
      annotations: { 'prometheus.io/scrape': 'true' },
    });
    // The selector keeps the identity labels only.
    expect(d.spec.selector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/track': 'stable' },
    });
  });

  test('a pipeline stage keeps its fixed-size annotation beside the user annotations', () => {
    const chart = newChart();
    new PipelineStage(chart, 'fetcher', {
      name: 'fetcher',
      image: 'example/fetcher:1.0',
      natsUrl: 'nats://nats:4222',
      singleInstance: true,
      security: PodSecurity.restricted({ runAsUser: 1000 }),
      annotations: { 'example.com/owner': 'data' },
      labels: { team: 'data' },
    });
    const d = find(synth(chart), 'Deployment');
    expect(d.metadata.annotations).toEqual({
      'example.com/owner': 'data',
      'cdk8s-delivery.io/fixed-size': 'true',
    });
    expect(d.metadata.labels.team).toBe('data');
  });
});

describe('a canary inherits its stable pod spec unless overridden', () => {
  test('env, mounts, sidecars, scheduling and labels come from the stable; the disruption budget does not', () => {
    const chart = newChart();
    const db = kplus.Secret.fromSecretName(chart, 'db', 'shop-db');
    const stable = new StableDeployment(chart, 'stable', {
      ...base,
      replicas: 3,
      env: { DATABASE_URL: kplus.EnvValue.fromSecretValue({ secret: db, key: 'url' }) },
      sidecars: [{ name: 'log-shipper', image: 'fluent/fluent-bit:3.1' }],
      topologySpread: [{ topologyKey: 'topology.kubernetes.io/zone' }],
      labels: { team: 'payments' },
      disruptionBudget: { minAvailable: IntOrPercent.count(2) },
    });
    new CanaryDeployment(chart, 'canary', {
      stable,
      image: 'ghcr.io/example/shop:1.5.0',
      priorityClassName: 'canary',
    });
    const objects = synth(chart);
    expect(schemaProblems(objects)).toEqual([]);
    const canary = find(objects, 'Deployment', 'shop-canary');
    const pod = canary.spec.template.spec;
    expect(pod.containers[0].env).toEqual([
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'shop-db', key: 'url' } } },
    ]);
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['log-shipper']);
    expect(pod.priorityClassName).toBe('canary');
    expect(pod.topologySpreadConstraints[0].labelSelector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'shop',
      'app.kubernetes.io/track': 'canary',
    });
    expect(canary.metadata.labels.team).toBe('payments');
    expect(objects.filter(o => o.kind === 'PodDisruptionBudget').map(o => o.metadata.name)).toEqual(['shop-stable']);
  });
});

describe('pipeline stages and Rollouts take the same pod options', () => {
  test('a NatsPipeline stage with a Secret env, a sidecar and a spread', () => {
    const chart = newChart();
    const key = kplus.Secret.fromSecretName(chart, 'key', 'api-key');
    new NatsPipeline(chart, 'pipeline', {
      stages: [
        {
          name: 'fetcher',
          image: 'example/fetcher:1.0',
          security: PodSecurity.restricted({ runAsUser: 1000 }),
          env: { API_KEY: kplus.EnvValue.fromSecretValue({ secret: key, key: 'token' }) },
          sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.0' }],
          replicas: 2,
          topologySpread: [{ topologyKey: 'kubernetes.io/hostname' }],
          disruptionBudget: { maxUnavailable: IntOrPercent.count(1) },
        },
      ],
    });
    const objects = synth(chart);
    expect(schemaProblems(objects)).toEqual([]);
    const pod = find(objects, 'Deployment', 'fetcher').spec.template.spec;
    expect(pod.containers[0].env).toEqual([
      { name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'api-key', key: 'token' } } },
      { name: 'NATS_URL', value: 'nats://nats:4222' },
    ]);
    expect(pod.initContainers[0]).toMatchObject({ name: 'proxy', restartPolicy: 'Always' });
    expect(find(objects, 'PodDisruptionBudget', 'fetcher').spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'fetcher', 'app.kubernetes.io/track': 'stable' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });
});

describe('docs/guide/pod-spec.md', () => {
  test('its YAML is what the guide example writes', () => {
    const guide = fs.readFileSync(path.join(__dirname, '..', 'docs', 'guide', 'pod-spec.md'), 'utf8');
    const blocks = [...guide.matchAll(/```yaml\n([\s\S]*?)```/g)].map(m => yaml.loadAll(m[1]));
    expect(blocks.length).toBeGreaterThan(0);
    const objects = guideExample();
    expect(schemaProblems(objects)).toEqual([]);
    const shown = blocks[0] as any[];
    for (const doc of shown) expect(find(objects, doc.kind, doc.metadata.name)).toEqual(doc);
  });
});

/** The example of docs/guide/pod-spec.md, written exactly as the guide shows it. */
function guideExample(): any[] {
  const chart = newChart();
  const config = kplus.ConfigMap.fromConfigMapName(chart, 'config', 'checkout-config');
  const db = kplus.Secret.fromSecretName(chart, 'db', 'checkout-db');
  const tls = kplus.Secret.fromSecretName(chart, 'tls', 'checkout-tls');
  const account = kplus.ServiceAccount.fromServiceAccountName(chart, 'account', 'checkout');
  new StableDeployment(chart, 'checkout', {
    app: 'checkout',
    image: 'ghcr.io/example/checkout:1.4.0',
    port: 8080,
    replicas: 3,
    resources: { cpu: { request: Cpu.millis(200) }, memory: { request: Memory.mebibytes(256) } },
    env: { DATABASE_URL: kplus.EnvValue.fromSecretValue({ secret: db, key: 'url' }) },
    envFrom: [kplus.Env.fromConfigMap(config)],
    mounts: [{ volume: kplus.Volume.fromSecret(chart, 'tls-volume', tls, { name: 'tls' }), path: '/etc/checkout/tls' }],
    serviceAccount: account,
    sidecars: [
      {
        name: 'log-shipper',
        image: 'fluent/fluent-bit:3.1',
        resources: { cpu: { request: Cpu.millis(20) }, memory: { request: Memory.mebibytes(32) } },
      },
    ],
    topologySpread: [{ topologyKey: 'topology.kubernetes.io/zone' }],
    preStopSleep: Duration.seconds(5),
    disruptionBudget: { minAvailable: IntOrPercent.count(2) },
  });
  return synth(chart);
}
