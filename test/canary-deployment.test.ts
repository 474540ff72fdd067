import * as fc from 'fast-check';
import { k8s } from 'cdk8s-plus-27';
import {
  Autoscaler,
  CanaryDeployment,
  Cpu,
  HostIngress,
  NginxCanary,
  splitReplicas,
  StableDeployment,
  VersionedService,
  warningsOf,
} from '../lib';
import { find, newChart, synth } from './support/synth';

const stableProps = {
  app: 'shop',
  image: 'shop:1.0',
  port: 8080,
  resources: { cpu: { request: Cpu.millis(4), limit: Cpu.millis(5) } },
  env: { MODE: 'prod' },
};

describe('CanaryDeployment', () => {
  test('runs another image on the canary track with the stable app, port and container settings', () => {
    const chart = newChart();
    const stable = new StableDeployment(chart, 'stable', stableProps);
    new CanaryDeployment(chart, 'canary', { stable, image: 'shop:2.0' });
    const out = synth(chart);
    const s = find(out, 'Deployment', 'shop-stable');
    const c = find(out, 'Deployment', 'shop-canary');
    expect(c.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'shop',
      'app.kubernetes.io/track': 'canary',
    });
    expect(c.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('2.0');
    expect(c.spec.template.spec.containers[0].image).toBe('shop:2.0');
    // Everything but the image, version and track comes from the stable release.
    expect(c.spec.template.spec.containers[0].ports).toEqual(s.spec.template.spec.containers[0].ports);
    expect(c.spec.template.spec.containers[0].resources).toEqual(s.spec.template.spec.containers[0].resources);
    expect(c.spec.template.spec.containers[0].env).toEqual([{ name: 'MODE', value: 'prod' }]);
    expect(c.spec.replicas).toBe(1);
  });

  test('weight by replica share: 25% of 4 pods is 1 canary + 3 stable', () => {
    const chart = newChart();
    const stable = new StableDeployment(chart, 'stable', stableProps);
    const canary = new CanaryDeployment(chart, 'canary', { stable, image: 'shop:2.0', weight: 25, totalReplicas: 4 });
    const out = synth(chart);
    expect(find(out, 'Deployment', 'shop-canary').spec.replicas).toBe(1);
    expect(find(out, 'Deployment', 'shop-stable').spec.replicas).toBe(3);
    expect(canary.effectivePercent).toBe(25);
  });

  test('30% of 4 pods becomes 25% when rounding is asked for', () => {
    const chart = newChart();
    const stable = new StableDeployment(chart, 'stable', stableProps);
    const canary = new CanaryDeployment(chart, 'canary', {
      stable,
      image: 'shop:2.0',
      weight: 30,
      totalReplicas: 4,
      roundToWholePods: true,
    });
    expect(canary.replicas).toBe(1);
    expect(stable.replicas).toBe(3);
    expect(canary.effectivePercent).toBe(25);
  });

  test('an explicit canary count beside a fixed stable gives the effective share', () => {
    const chart = newChart();
    const stable = new StableDeployment(chart, 'stable', { ...stableProps, replicas: 3 });
    const canary = new CanaryDeployment(chart, 'canary', { stable, image: 'shop:2.0', replicas: 1 });
    expect(canary.effectivePercent).toBe(25);
  });

  test('an autoscaled stable behind a Service of both tracks leaves replicas out and warns how the canary share moves', () => {
    const chart = newChart();
    const stable = new StableDeployment(chart, 'stable', stableProps);
    const canary = new CanaryDeployment(chart, 'canary', { stable, image: 'shop:2.0', replicas: 1 });
    new VersionedService(chart, 'service', { serves: [stable, canary], port: 80 });
    new Autoscaler(chart, 'hpa', { target: stable, minReplicas: 1, maxReplicas: 10 });
    const out = synth(chart);
    expect(find(out, 'Deployment', 'shop-stable').spec).not.toHaveProperty('replicas');
    expect(canary.effectivePercent).toBeUndefined();
    expect(warningsOf(chart)).toEqual([
      "[test/canary] the canary's traffic share moves while test/stable autoscales: 1 canary pod(s) beside 1..10 stable pods is 50% down to 9.09% " +
        'of the traffic of the Service at test/service, which selects both tracks. Use ingress weights (a HostIngress canary over one Service per track) for a fixed share.',
    ]);
  });

  test('the share warning also fires for a plain Service whose selector catches both tracks', () => {
    const chart = newChart();
    const stable = new StableDeployment(chart, 'stable', stableProps);
    new CanaryDeployment(chart, 'canary', { stable, image: 'shop:2.0', replicas: 1 });
    new k8s.KubeService(chart, 'plain', {
      metadata: { name: 'shop' },
      spec: { selector: { 'app.kubernetes.io/name': 'shop' }, ports: [{ port: 80 }] },
    });
    new Autoscaler(chart, 'hpa', { target: stable, minReplicas: 1, maxReplicas: 10 });
    synth(chart);
    expect(warningsOf(chart)).toEqual([
      expect.stringContaining('of the traffic of the Service at test/plain, which selects both tracks'),
    ]);
  });

  test('no share warning when ingress weights split the traffic (one Service per track), nor without any Service', () => {
    const chart = newChart();
    const stable = new StableDeployment(chart, 'stable', stableProps);
    const canary = new CanaryDeployment(chart, 'canary', { stable, image: 'shop:2.0', replicas: 1 });
    const stableService = new VersionedService(chart, 'stable-service', { serves: stable, port: 80 });
    const canaryService = new VersionedService(chart, 'canary-service', { serves: canary, port: 80 });
    const primary = new HostIngress(chart, 'ingress', {
      rules: [{ host: 'shop.example.com', service: stableService }],
    });
    new HostIngress(chart, 'ingress-canary', {
      canary: { primary, split: NginxCanary.weight(10) },
      rules: [{ host: 'shop.example.com', service: canaryService }],
    });
    new Autoscaler(chart, 'hpa', { target: stable, minReplicas: 1, maxReplicas: 10 });
    synth(chart);
    expect(warningsOf(chart)).toEqual([]);

    const bare = newChart();
    const s2 = new StableDeployment(bare, 'stable', stableProps);
    new CanaryDeployment(bare, 'canary', { stable: s2, image: 'shop:2.0', replicas: 1 });
    new Autoscaler(bare, 'hpa', { target: s2, minReplicas: 1, maxReplicas: 10 });
    synth(bare);
    expect(warningsOf(bare)).toEqual([]);
  });

  test('promotion is one line: the stable takes the canary image', () => {
    const render = (stableImage: string) => {
      const chart = newChart();
      const stable = new StableDeployment(chart, 'stable', { ...stableProps, image: stableImage });
      new CanaryDeployment(chart, 'canary', { stable, image: 'shop:2.0' });
      return synth(chart);
    };
    const before = render('shop:1.0');
    const after = render('shop:2.0');
    expect(find(after, 'Deployment', 'shop-stable').spec.template.spec.containers[0].image).toBe('shop:2.0');
    expect(find(after, 'Deployment', 'shop-stable').spec.selector).toEqual(
      find(before, 'Deployment', 'shop-stable').spec.selector,
    );
  });

  describe('fails if', () => {
    const withStable =
      (props: object, stableOverrides: object = {}) =>
      () => {
        const chart = newChart();
        const stable = new StableDeployment(chart, 'stable', { ...stableProps, ...stableOverrides });
        new CanaryDeployment(chart, 'canary', { stable, image: 'shop:2.0', ...props });
      };
    test.each([
      [
        'the canary is of another app',
        { app: 'cart' },
        {},
        /test\/canary: 'app' is "cart": must be the stable's app \("shop"/,
      ],
      [
        'the canary listens on another port',
        { port: 9090 },
        {},
        /test\/canary: 'port' is 9090: must be the stable's container port \(8080/,
      ],
      [
        'the weight is above 100',
        { weight: 120, totalReplicas: 4 },
        {},
        /test\/canary: 'weight' is 120: must be a percentage from 0 to 100/,
      ],
      ['the weight is negative', { weight: -5, totalReplicas: 4 }, {}, /test\/canary: 'weight' is -5/],
      [
        'whole pods cannot meet the weight',
        { weight: 30, totalReplicas: 4 },
        {},
        /test\/canary: 'weight' is 30: cannot be met with whole pods out of 4 \(1.20 canary pods\); use 25% or 50% or another pod total, or set roundToWholePods: true/,
      ],
      [
        'weight has no totalReplicas',
        { weight: 25 },
        {},
        /test\/canary: 'totalReplicas' is undefined: must be set with weight/,
      ],
      [
        'weight and replicas are both set',
        { weight: 25, totalReplicas: 4, replicas: 1 },
        {},
        /test\/canary: 'replicas' is 1: must not be set together with weight/,
      ],
      [
        'the weight split contradicts the stable replicas',
        { weight: 25, totalReplicas: 4 },
        { replicas: 5 },
        /test\/canary: 'weight' is 25: leaves 3 of 4 pods for stable, but test\/stable sets replicas to 5/,
      ],
      ['canary replicas are negative', { replicas: -1 }, {}, /test\/canary: 'replicas' is -1/],
      [
        'totalReplicas is zero',
        { weight: 25, totalReplicas: 0 },
        {},
        /test\/canary: 'totalReplicas' is 0: must be a whole number from 1 to 2147483647/,
      ],
    ])('%s', (_name, props, stableOverrides, message) => {
      expect(withStable(props, stableOverrides)).toThrow(message);
    });

    test('a weight split is asked of an autoscaled stable', () => {
      const chart = newChart();
      const stable = new StableDeployment(chart, 'stable', stableProps);
      new CanaryDeployment(chart, 'canary', { stable, image: 'shop:2.0', weight: 25, totalReplicas: 4 });
      new Autoscaler(chart, 'hpa', { target: stable, maxReplicas: 5 });
      expect(() => synth(chart)).toThrow(
        /\[test\/canary\] 'weight' is 25: cannot hold while test\/stable is autoscaled/,
      );
    });
  });
});

describe('splitReplicas', () => {
  test('exact splits add up and hit the percentage', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 200 }), (total, canaryPods) => {
        fc.pre(canaryPods <= total);
        const percent = (canaryPods * 100) / total;
        const split = splitReplicas(percent, total);
        return (
          split.canary === canaryPods &&
          split.stable === total - canaryPods &&
          Math.abs(split.effectivePercent - percent) < 0.01
        );
      }),
    );
  });

  test('rounded splits stay within half a pod, keep both sides while 0 < percent < 100, and add up', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 200 }),
        fc.double({ min: 0.5, max: 99.5, noNaN: true }),
        (total, percent) => {
          const split = splitReplicas(percent, total, true);
          const exact = (percent * total) / 100;
          return (
            split.canary + split.stable === total &&
            split.canary >= 1 &&
            split.stable >= 1 &&
            (Math.abs(split.canary - exact) <= 0.5 + 1e-9 || split.canary === 1 || split.stable === 1)
          );
        },
      ),
    );
  });

  test('without rounding an unreachable percentage throws', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 100 }), (total, percent) => {
        const reachable = Number.isInteger((percent * total) / 100);
        let threw = false;
        try {
          splitReplicas(percent, total);
        } catch {
          threw = true;
        }
        return threw === !reachable;
      }),
    );
  });
});

describe('CanaryDeployment pod options (issue 12)', () => {
  test("a prop the canary sets replaces the stable's whole value; the others are inherited", () => {
    const chart = newChart();
    const stable = new StableDeployment(chart, 'stable', {
      app: 'web',
      image: 'web:1.0',
      port: 8080,
      env: { MODE: 'live', REGION: 'eu' },
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.0' }],
      podMetadata: { annotations: { 'example.com/owner': 'web' } },
    });
    new CanaryDeployment(chart, 'canary', { stable, image: 'web:2.0', env: { MODE: 'canary' }, sidecars: [] });
    const canary = synth(chart).find(m => m.metadata.name === 'web-canary');
    const pod = canary.spec.template.spec;
    expect(pod.containers[0].env).toEqual([{ name: 'MODE', value: 'canary' }]);
    expect(pod.initContainers).toBeUndefined();
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(canary.spec.template.metadata.annotations).toEqual({ 'example.com/owner': 'web' });
  });
});
