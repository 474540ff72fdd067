import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import { Autoscaler, CanaryDeployment, Cpu, desiredReplicas, Memory, ScalingMetric, StableDeployment } from '../lib';
import { schemaProblems } from './support/schemas';
import { find, newChart, synth } from './support/synth';

const withRequests = {
  app: 'shop',
  image: 'shop:1.0',
  port: 8080,
  resources: { cpu: { request: Cpu.millis(4) }, memory: { request: Memory.mebibytes(64) } },
};

describe('Autoscaler', () => {
  test('autoscaling/v2 HPA for the target; the target manifest omits replicas', () => {
    const chart = newChart();
    const stable = new StableDeployment(chart, 'stable', withRequests);
    new Autoscaler(chart, 'hpa', {
      target: stable,
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [ScalingMetric.cpuUtilization(80)],
    });
    const out = synth(chart);
    const hpa = find(out, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.metadata.name).toBe('shop-stable-autoscaler');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-stable' },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
      ],
    });
    expect(find(out, 'Deployment').spec).not.toHaveProperty('replicas');
  });

  test('memory and average-value targets, and scale-up/scale-down behaviour', () => {
    const chart = newChart();
    const stable = new StableDeployment(chart, 'stable', withRequests);
    new Autoscaler(chart, 'hpa', {
      target: stable,
      maxReplicas: 5,
      metrics: [
        ScalingMetric.memoryUtilization(70),
        ScalingMetric.cpuAverageValue(Cpu.millis(3)),
        ScalingMetric.memoryAverageValue(Memory.mebibytes(50)),
      ],
      scaleUp: { policies: [{ type: 'Pods', value: 2, period: Duration.seconds(60) }] },
      scaleDown: { stabilizationWindow: Duration.minutes(5), selectPolicy: 'Min' },
    });
    const hpa = find(synth(chart), 'HorizontalPodAutoscaler');
    expect(hpa.spec.minReplicas).toBe(1);
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '3m' } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '50Mi' } } },
    ]);
    expect(hpa.spec.behavior).toEqual({
      scaleUp: { policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] },
      scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Min' },
    });
  });

  test('a per-direction tolerance is written as a quantity and validates against the autoscaling/v2 schema', () => {
    const chart = newChart();
    const stable = new StableDeployment(chart, 'stable', withRequests);
    new Autoscaler(chart, 'hpa', {
      target: stable,
      maxReplicas: 5,
      scaleUp: { tolerance: 0.02 },
      scaleDown: { tolerance: 0 },
    });
    const manifests = synth(chart);
    expect(find(manifests, 'HorizontalPodAutoscaler').spec.behavior).toEqual({
      scaleUp: { tolerance: '0.02' },
      scaleDown: { tolerance: '0' },
    });
    expect(schemaProblems(manifests)).toEqual([]);
  });

  test('scales a canary too', () => {
    const chart = newChart();
    const stable = new StableDeployment(chart, 'stable', withRequests);
    const canary = new CanaryDeployment(chart, 'canary', { stable, image: 'shop:2.0' });
    new Autoscaler(chart, 'hpa', { target: canary, maxReplicas: 3 });
    const out = synth(chart);
    expect(find(out, 'HorizontalPodAutoscaler').spec.scaleTargetRef.name).toBe('shop-canary');
    expect(find(out, 'Deployment', 'shop-canary').spec).not.toHaveProperty('replicas');
    expect(find(out, 'Deployment', 'shop-stable').spec.replicas).toBe(1);
  });

  describe('fails if', () => {
    const build =
      (props: object, target: object = withRequests) =>
      () => {
        const chart = newChart();
        const stable = new StableDeployment(chart, 'stable', target as any);
        new Autoscaler(chart, 'hpa', { target: stable, maxReplicas: 10, ...props });
        synth(chart);
      };
    test.each([
      [
        'minReplicas exceeds maxReplicas',
        { minReplicas: 11 },
        undefined,
        /test\/hpa: 'minReplicas' is 11: must be less than or equal to maxReplicas \(10\)/,
      ],
      [
        'minReplicas is zero',
        { minReplicas: 0 },
        undefined,
        /test\/hpa: 'minReplicas' is 0: must be a whole number from 1 to 2147483647/,
      ],
      ['maxReplicas is not whole', { maxReplicas: 2.5 }, undefined, /test\/hpa: 'maxReplicas' is 2.5/],
      [
        'utilization is zero',
        { metrics: [ScalingMetric.cpuUtilization(0)] },
        undefined,
        /test\/hpa: 'metrics\[0\].utilization' is 0: must be a whole percentage from 1 to 2147483647/,
      ],
      [
        'utilization is negative',
        { metrics: [ScalingMetric.memoryUtilization(-10)] },
        undefined,
        /'metrics\[0\].utilization' is -10/,
      ],
      [
        'the target lacks the CPU request',
        {},
        { app: 'shop', image: 'shop:1.0' },
        /test\/hpa: 'metrics\[0\]' is "cpu utilization 80%": needs a cpu request on test\/stable/,
      ],
      [
        'the target lacks the memory request',
        { metrics: [ScalingMetric.memoryUtilization(75)] },
        { app: 'shop', image: 'shop:1.0', resources: { cpu: { request: Cpu.millis(1) } } },
        /'metrics\[0\]' is "memory utilization 75%": needs a memory request/,
      ],
      [
        'there are no metrics',
        { metrics: [] },
        undefined,
        /test\/hpa: 'metrics' is \[\]: must hold at least one metric/,
      ],
      [
        'the target sets a fixed replica count',
        {},
        { ...withRequests, replicas: 3 },
        /\[test\/stable\] 'replicas' is 3: must be left unset: test\/hpa owns the replica count/,
      ],
      [
        'a policy period is too long',
        { scaleUp: { policies: [{ type: 'Pods', value: 1, period: Duration.hours(1) }] } },
        undefined,
        /'scaleUp.policies\[0\].period' is "3600s": must be whole seconds from 1 to 1800/,
      ],
    ])('%s', (_name, props, target, message) => {
      expect(build(props, target)).toThrow(message);
    });

    test('a second autoscaler targets the same workload', () => {
      const chart = newChart();
      const stable = new StableDeployment(chart, 'stable', withRequests);
      new Autoscaler(chart, 'hpa', { target: stable, maxReplicas: 3 });
      expect(() => new Autoscaler(chart, 'hpa2', { target: stable, maxReplicas: 3 })).toThrow(
        /test\/hpa2: 'target' is construct test\/stable: is already scaled by test\/hpa/,
      );
    });
  });
});

describe('desiredReplicas (the HPA rule)', () => {
  test('the course example: 3 pods at 160% for an 80% target -> 6', () => {
    expect(desiredReplicas({ currentReplicas: 3, currentMetric: 160, targetMetric: 80, maxReplicas: 10 })).toBe(6);
  });

  test('within the 10% tolerance nothing changes; outside it, ceil; clamped to min..max', () => {
    expect(desiredReplicas({ currentReplicas: 4, currentMetric: 86, targetMetric: 80 })).toBe(4);
    expect(desiredReplicas({ currentReplicas: 4, currentMetric: 90, targetMetric: 80 })).toBe(5);
    expect(desiredReplicas({ currentReplicas: 3, currentMetric: 25, targetMetric: 80 })).toBe(1);
    expect(desiredReplicas({ currentReplicas: 8, currentMetric: 400, targetMetric: 80, maxReplicas: 10 })).toBe(10);
    expect(desiredReplicas({ currentReplicas: 2, currentMetric: 1, targetMetric: 80, minReplicas: 2 })).toBe(2);
    // The boundary belongs to the tolerance, as in the HPA controller (1 - tolerance <= ratio <= 1 + tolerance).
    expect(desiredReplicas({ currentReplicas: 4, currentMetric: 125, targetMetric: 100, tolerance: 0.25 })).toBe(4);
    expect(desiredReplicas({ currentReplicas: 4, currentMetric: 126, targetMetric: 100, tolerance: 0.25 })).toBe(6);
  });

  test('properties: within bounds, monotonic in load, steady inside the tolerance', () => {
    const input = fc.record({
      currentReplicas: fc.integer({ min: 1, max: 100 }),
      currentMetric: fc.integer({ min: 0, max: 1000 }),
      targetMetric: fc.integer({ min: 1, max: 200 }),
      minReplicas: fc.integer({ min: 1, max: 10 }),
      extra: fc.integer({ min: 0, max: 50 }),
    });
    fc.assert(
      fc.property(input, ({ extra, ...i }) => {
        const maxReplicas = i.minReplicas + extra;
        const d = desiredReplicas({ ...i, maxReplicas });
        const higher = desiredReplicas({ ...i, maxReplicas, currentMetric: i.currentMetric + 50 });
        // Whole numbers, so the tolerance test is exact: |current - target| <= target / 10.
        const steady = 10 * Math.abs(i.currentMetric - i.targetMetric) <= i.targetMetric;
        const inRange = i.currentReplicas >= i.minReplicas && i.currentReplicas <= maxReplicas;
        const clampedCurrent = Math.min(maxReplicas, Math.max(i.minReplicas, i.currentReplicas));
        // Outside [min, max] the count is brought into range first; a scale-up is capped at max(2 * current, 4).
        const cap = Math.min(maxReplicas, Math.max(2 * i.currentReplicas, 4));
        const wanted = Math.ceil((i.currentReplicas * i.currentMetric) / i.targetMetric);
        return (
          d >= i.minReplicas &&
          d <= maxReplicas &&
          higher >= d &&
          (inRange || d === clampedCurrent) &&
          (!inRange || !steady || d === i.currentReplicas) &&
          (!inRange || steady || d === Math.max(i.minReplicas, Math.min(wanted, cap)))
        );
      }),
    );
  });
});
