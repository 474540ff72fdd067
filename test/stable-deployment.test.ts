import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  CanaryDeployment,
  Cpu,
  IntOrPercent,
  Memory,
  PodSecurity,
  Probe,
  StableDeployment,
  UpdateStrategy,
} from '../lib';
import { schemaProblems } from './support/schemas';
import { find, newChart, synth } from './support/synth';
import { parseImageReference } from '../lib/workloads/workload';

const base = { app: 'shop', image: 'shop:1.4.2', port: 8080 };

describe('StableDeployment', () => {
  test('labels: app and track select, the version is on pods but in no selector', () => {
    const chart = newChart();
    new StableDeployment(chart, 'stable', base);
    const d = find(synth(chart), 'Deployment');
    expect(d.metadata.name).toBe('shop-stable');
    expect(d.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'shop',
      'app.kubernetes.io/track': 'stable',
    });
    expect(d.spec.template.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'shop',
      'app.kubernetes.io/track': 'stable',
      'app.kubernetes.io/version': '1.4.2',
    });
  });

  test('the course label keys are expressible', () => {
    const chart = newChart();
    new StableDeployment(chart, 'stable', {
      ...base,
      app: 'api-label',
      labelKeys: { app: 'app', track: 'track', version: 'dummy-version' },
      version: '1.0',
    });
    const d = find(synth(chart), 'Deployment');
    expect(d.spec.template.metadata.labels).toEqual({ app: 'api-label', track: 'stable', 'dummy-version': '1.0' });
    expect(d.spec.selector.matchLabels).toEqual({ app: 'api-label', track: 'stable' });
  });

  test('a new version changes pod labels but never the selector', () => {
    const render = (image: string) => {
      const chart = newChart();
      new StableDeployment(chart, 'stable', { ...base, image });
      return find(synth(chart), 'Deployment');
    };
    const v1 = render('shop:1.0');
    const v2 = render('shop:2.0');
    expect(v2.spec.selector).toEqual(v1.spec.selector);
    expect(v2.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('2.0');
  });

  test('container: image, named port, env in order, resources, pull policy default IfNotPresent', () => {
    const chart = newChart();
    new StableDeployment(chart, 'stable', {
      ...base,
      env: { B_FIRST: '1', A_SECOND: '2' },
      resources: {
        cpu: { request: Cpu.millis(4), limit: Cpu.millis(5) },
        memory: { request: Memory.mebibytes(64), limit: Memory.of('128Mi') },
      },
    });
    const c = find(synth(chart), 'Deployment').spec.template.spec.containers[0];
    expect(c.name).toBe('shop');
    expect(c.image).toBe('shop:1.4.2');
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080 }]);
    expect(c.env).toEqual([
      { name: 'B_FIRST', value: '1' },
      { name: 'A_SECOND', value: '2' },
    ]);
    expect(c.resources).toEqual({ requests: { cpu: '4m', memory: '64Mi' }, limits: { cpu: '5m', memory: '128Mi' } });
  });

  test('replicas default to 1 and can be set', () => {
    const chart = newChart();
    new StableDeployment(chart, 'a', { ...base, name: 'a' });
    new StableDeployment(chart, 'b', { ...base, app: 'cart', name: 'b', replicas: 4 });
    const out = synth(chart);
    expect(find(out, 'Deployment', 'a').spec.replicas).toBe(1);
    expect(find(out, 'Deployment', 'b').spec.replicas).toBe(4);
  });

  test('restricted pod security by default, with a writable /tmp', () => {
    const chart = newChart();
    new StableDeployment(chart, 'stable', base);
    const pod = find(synth(chart), 'Deployment').spec.template.spec;
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    });
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
  });

  test('baseline preset relaxes exactly what it documents', () => {
    const chart = newChart();
    new StableDeployment(chart, 'stable', { ...base, security: PodSecurity.baseline({ writableTmp: false }) });
    const pod = find(synth(chart), 'Deployment').spec.template.spec;
    expect(pod.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toEqual({ privileged: false, readOnlyRootFilesystem: false });
    expect(pod.volumes).toBeUndefined();
  });

  test('probes: http, tcp and exec with typed durations; port defaults to the container port name', () => {
    const chart = newChart();
    new StableDeployment(chart, 'stable', {
      ...base,
      readiness: Probe.http('/healthz', { initialDelay: Duration.seconds(10), period: Duration.seconds(5) }),
      liveness: Probe.tcp({ initialDelay: Duration.seconds(20), failureThreshold: 6 }),
      startup: Probe.exec(['cat', '/tmp/ready'], { period: Duration.seconds(2), failureThreshold: 30 }),
    });
    const c = find(synth(chart), 'Deployment').spec.template.spec.containers[0];
    expect(c.readinessProbe).toEqual({
      httpGet: { path: '/healthz', port: 'http' },
      initialDelaySeconds: 10,
      periodSeconds: 5,
    });
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 'http' }, initialDelaySeconds: 20, failureThreshold: 6 });
    expect(c.startupProbe).toEqual({
      exec: { command: ['cat', '/tmp/ready'] },
      periodSeconds: 2,
      failureThreshold: 30,
    });
  });

  test('update strategy: rolling update with counts or percentages, or Recreate; rollout timing', () => {
    const chart = newChart();
    new StableDeployment(chart, 'a', {
      ...base,
      name: 'a',
      strategy: UpdateStrategy.rollingUpdate({
        maxSurge: IntOrPercent.count(1),
        maxUnavailable: IntOrPercent.percent(0),
      }),
      minReady: Duration.seconds(5),
      progressDeadline: Duration.minutes(2),
      revisionHistoryLimit: 3,
    });
    new StableDeployment(chart, 'b', { ...base, app: 'cart', name: 'b', strategy: UpdateStrategy.recreate() });
    const out = synth(chart);
    const a = find(out, 'Deployment', 'a').spec;
    expect(a.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '0%' } });
    expect([a.minReadySeconds, a.progressDeadlineSeconds, a.revisionHistoryLimit]).toEqual([5, 120, 3]);
    expect(find(out, 'Deployment', 'b').spec.strategy).toEqual({ type: 'Recreate' });
  });

  describe('fails if', () => {
    const build = (props: object) => () => new StableDeployment(newChart(), 'web', { ...base, ...props });
    test.each([
      ['replicas is zero', { replicas: 0 }, /test\/web: 'replicas' is 0: must be a whole number from 1 to 2147483647/],
      ['replicas is negative', { replicas: -2 }, /test\/web: 'replicas' is -2/],
      ['replicas is not whole', { replicas: 1.5 }, /test\/web: 'replicas' is 1.5/],
      [
        'the port is out of range',
        { port: 70000 },
        /test\/web: 'port' is 70000: must be a whole number from 1 to 65535/,
      ],
      ['the port is zero', { port: 0 }, /test\/web: 'port' is 0/],
      [
        'the name is not DNS-1123',
        { name: 'Shop_Stable' },
        /test\/web: 'name' is "Shop_Stable": must be a DNS-1123 subdomain/,
      ],
      ['the app label value is invalid', { app: 'shop app' }, /test\/web: 'app' is "shop app": must be a label value/],
      ['the image has no tag', { image: 'shop' }, /test\/web: 'image' is "shop": must carry an explicit tag/],
      ['the image is latest', { image: 'shop:latest' }, /test\/web: 'image' is "shop:latest"/],
      [
        'a CPU quantity is malformed',
        { resources: { cpu: { request: Cpu.of('4mm') } } },
        /test\/web: 'resources.cpu.request' is "4mm": must be a positive Kubernetes quantity/,
      ],
      [
        'a memory quantity is malformed',
        { resources: { memory: { limit: Memory.of('64MB') } } },
        /test\/web: 'resources.memory.limit' is "64MB"/,
      ],
      [
        'the CPU limit is below the request',
        { resources: { cpu: { request: Cpu.millis(500), limit: Cpu.millis(250) } } },
        /test\/web: 'resources.cpu.limit' is "250m": must be at least the request \(500m\)/,
      ],
      [
        'the memory limit is below the request',
        { resources: { memory: { request: Memory.gibibytes(1), limit: Memory.mebibytes(512) } } },
        /'resources.memory.limit' is "512Mi": must be at least the request \(1Gi\)/,
      ],
      [
        'a probe targets an undeclared port',
        { readiness: Probe.http('/healthz', { port: 3541 }) },
        /test\/web: 'readiness.port' is 3541: must be a port the container declares: http \(8080\)/,
      ],
      [
        'a probe duration is not whole seconds',
        { liveness: Probe.tcp({ period: Duration.millis(1500) }) },
        /'liveness.period' is "1500ms": must be a whole number of seconds/,
      ],
      [
        'a liveness probe needs more than one success',
        { liveness: Probe.tcp({ successThreshold: 2 }) },
        /'liveness.successThreshold' is 2: must be 1 for liveness/,
      ],
      [
        'readiness and liveness probes are identical',
        { readiness: Probe.http('/healthz'), liveness: Probe.http('/healthz') },
        /'liveness' is "same as readiness": must differ/,
      ],
      [
        'maxSurge and maxUnavailable are both zero',
        {
          strategy: UpdateStrategy.rollingUpdate({
            maxSurge: IntOrPercent.count(0),
            maxUnavailable: IntOrPercent.percent(0),
          }),
        },
        /'strategy.maxUnavailable' is "0%": must be above 0 when maxSurge is 0/,
      ],
      [
        'a percentage is above 100',
        { strategy: UpdateStrategy.rollingUpdate({ maxSurge: IntOrPercent.percent(150) }) },
        /'strategy.maxSurge' is "150%": must be a whole percentage/,
      ],
      [
        'progressDeadline is not longer than minReady',
        { minReady: Duration.seconds(60), progressDeadline: Duration.seconds(30) },
        /'progressDeadline' is "30s": must be longer than minReady \(60s\)/,
      ],
      [
        'progressDeadline equals minReady',
        { minReady: Duration.seconds(60), progressDeadline: Duration.seconds(60) },
        /'progressDeadline' is "60s": must be longer than minReady \(60s\)/,
      ],
      [
        'runAsUser is root under restricted',
        { security: PodSecurity.restricted({ runAsUser: 0 }) },
        /'security.runAsUser' is 0: must not be 0/,
      ],
      [
        'an env name is invalid',
        { env: { '1BAD': 'x' } },
        /'env.1BAD' is "1BAD": must be an environment variable name/,
      ],
      [
        'a label key is invalid',
        { labelKeys: { app: 'bad key!' } },
        /'labelKeys.app' is "bad key!": must be a label key/,
      ],
      [
        'two label keys are the same',
        { labelKeys: { app: 'app', track: 'app' } },
        /'labelKeys' is .*must use three different keys/,
      ],
      [
        'the port name is not an IANA name',
        { portName: 'my-very-long-port-name' },
        /'portName' is "my-very-long-port-name": must be an IANA service name/,
      ],
    ])('%s', (_name, props, message) => {
      expect(build(props)).toThrow(message);
    });
  });
});

describe('parseImageReference (the distribution reference grammar)', () => {
  test.each([
    ['dummy-api:1.0', { path: 'dummy-api', tag: '1.0' }],
    ['ghcr.io/example/web:1.0', { domain: 'ghcr.io', path: 'example/web', tag: '1.0' }],
    ['localhost:5000/web:V1.0_rc', { domain: 'localhost:5000', path: 'web', tag: 'V1.0_rc' }],
    ['localhost/web:1', { domain: 'localhost', path: 'web', tag: '1' }],
    ['[::1]:5000/web:1', { domain: '[::1]:5000', path: 'web', tag: '1' }],
    ['my_org/web__api.v2--x:1', { path: 'my_org/web__api.v2--x', tag: '1' }],
    [`web@sha256:${'0'.repeat(64)}`, { path: 'web', digest: `sha256:${'0'.repeat(64)}` }],
    [`web:1.0@sha512:${'f'.repeat(128)}`, { path: 'web', tag: '1.0', digest: `sha512:${'f'.repeat(128)}` }],
  ])('accepts %s', (image, parts) => {
    expect(parseImageReference(image)).toEqual({ domain: undefined, tag: undefined, digest: undefined, ...parts });
  });

  test.each([
    ['web:', 'has an empty tag after ":"'],
    ['https://ghcr.io/web:1.0', 'must not start with a URL scheme'],
    ['a//b:1', 'has an empty path component'],
    ['Web:1', 'has an invalid path component "Web"'],
    ['web___x:1', 'has an invalid path component "web___x"'],
    [`web:${'a'.repeat(129)}`, 'has an invalid tag'],
    [`web@sha256:${'A'.repeat(64)}`, 'has an invalid digest'],
    [`web@sha384:${'a'.repeat(64)}`, 'has an invalid digest'],
    ['ghcr.io:x/web:1', 'has an invalid registry host "ghcr.io:x"'],
    [`${'a'.repeat(256)}:1`, 'has a name of 256 characters: at most 255'],
  ])('refuses %s', (image, reason) => {
    expect(() => parseImageReference(image)).toThrow(reason);
  });

  test('a digest-only image is valid with an explicit version, which fills the version label', () => {
    const chart = newChart();
    new StableDeployment(chart, 'web', { app: 'web', image: `web@sha256:${'0'.repeat(64)}`, version: '1.4.2' });
    expect(find(synth(chart), 'Deployment').metadata.labels['app.kubernetes.io/version']).toBe('1.4.2');
  });

  test("a canary does not inherit the stable's name", () => {
    const chart = newChart();
    const stable = new StableDeployment(chart, 'stable', { app: 'web', name: 'web-main', image: 'web:1.0' });
    new CanaryDeployment(chart, 'canary', { stable, image: 'web:2.0' });
    expect(synth(chart).map(m => m.metadata.name)).toEqual(['web-main', 'web-canary']);
  });
});

describe('StableDeployment pod options (issue 12)', () => {
  test('a Secret env value, a read-only Secret mount, a service account and a budget, as one Deployment', () => {
    const chart = newChart();
    const db = kplus.Secret.fromSecretName(chart, 'db', 'shop-db');
    const tls = kplus.Secret.fromSecretName(chart, 'tls', 'shop-tls');
    new StableDeployment(chart, 'stable', {
      ...base,
      replicas: 3,
      env: { DATABASE_URL: kplus.EnvValue.fromSecretValue({ secret: db, key: 'url' }) },
      mounts: [{ volume: kplus.Volume.fromSecret(chart, 'tls-volume', tls), path: '/etc/shop/tls' }],
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'shop'),
      disruptionBudget: { minAvailable: IntOrPercent.count(2) },
    });
    const objects = synth(chart);
    expect(schemaProblems(objects)).toEqual([]);
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Deployment/shop-stable',
      'PodDisruptionBudget/shop-stable',
    ]);
    const pod = find(objects, 'Deployment').spec.template.spec;
    expect(pod.serviceAccountName).toBe('shop');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers[0].env).toEqual([
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'shop-db', key: 'url' } } },
    ]);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'secret-shop-tls', mountPath: '/etc/shop/tls', readOnly: true },
    ]);
    expect(pod.volumes).toEqual([
      { name: 'tmp', emptyDir: {} },
      { name: 'secret-shop-tls', secret: { secretName: 'shop-tls' } },
    ]);
  });
});
