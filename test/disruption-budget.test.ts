import { k8s } from 'cdk8s-plus-27';
import {
  Autoscaler,
  CanaryDeployment,
  checkPolicy,
  Cpu,
  DisruptionBudget,
  IntOrPercent,
  Rollout,
  RolloutStrategy,
  ScalingMetric,
  StableDeployment,
  VersionedService,
} from '../lib';
import { appCheckProblems } from '../lib/safety/app-checks';
import { schemaProblems } from './support/schemas';
import { find, newChart, synth } from './support/synth';

const base = { app: 'shop', image: 'shop:1.4.0', port: 8080 };
const STABLE_SELECTOR = { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/track': 'stable' };

describe('disruptionBudget', () => {
  test('minAvailable: a PodDisruptionBudget named as the workload, selecting its identity labels, AlwaysAllow', () => {
    const chart = newChart();
    const stable = new StableDeployment(chart, 'stable', {
      ...base,
      replicas: 3,
      disruptionBudget: { minAvailable: IntOrPercent.count(2) },
    });
    const objects = synth(chart);
    expect(schemaProblems(objects)).toEqual([]);
    expect(find(objects, 'PodDisruptionBudget')).toEqual({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: {
        name: 'shop-stable',
        labels: { ...STABLE_SELECTOR, 'app.kubernetes.io/version': '1.4.0' },
      },
      spec: {
        minAvailable: 2,
        selector: { matchLabels: STABLE_SELECTOR },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
    expect(stable.disruptionBudget?.node.path).toBe('test/stable/DisruptionBudget');
  });

  test('maxUnavailable as a percentage, IfHealthyBudget and a name of its own', () => {
    const chart = newChart();
    new StableDeployment(chart, 'stable', {
      ...base,
      replicas: 4,
      disruptionBudget: {
        maxUnavailable: IntOrPercent.percent(25),
        unhealthyPodEvictionPolicy: 'IfHealthyBudget',
        name: 'shop-budget',
      },
    });
    const objects = synth(chart);
    expect(schemaProblems(objects)).toEqual([]);
    expect(find(objects, 'PodDisruptionBudget', 'shop-budget').spec).toEqual({
      maxUnavailable: '25%',
      selector: { matchLabels: STABLE_SELECTOR },
      unhealthyPodEvictionPolicy: 'IfHealthyBudget',
    });
  });

  test('a stable and a canary each get a budget of their own track', () => {
    const chart = newChart();
    const stable = new StableDeployment(chart, 'stable', {
      ...base,
      disruptionBudget: { minAvailable: IntOrPercent.count(2) },
    });
    new CanaryDeployment(chart, 'canary', {
      stable,
      image: 'shop:1.5.0',
      weight: 25,
      totalReplicas: 8,
      disruptionBudget: { maxUnavailable: IntOrPercent.count(1) },
    });
    new VersionedService(chart, 'svc', { serves: [stable], port: 80 });
    const objects = synth(chart);
    const budgets = objects.filter(o => o.kind === 'PodDisruptionBudget');
    expect(budgets.map(b => [b.metadata.name, b.spec.selector.matchLabels])).toEqual([
      ['shop-stable', STABLE_SELECTOR],
      ['shop-canary', { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/track': 'canary' }],
    ]);
    // The whole-app checks see each budget as its workload's own.
    expect(appCheckProblems(chart)).toEqual([]);
  });

  test("the policy checker's pod-disruption-budget finding is met by the library's budget", () => {
    const findingsFor = (withBudget: boolean) => {
      const chart = newChart();
      new StableDeployment(chart, 'stable', {
        ...base,
        replicas: 3,
        disruptionBudget: withBudget ? { minAvailable: IntOrPercent.count(2) } : undefined,
      });
      return checkPolicy(synth(chart)).filter(f => f.rule === 'pod-disruption-budget');
    };
    expect(findingsFor(false)).toHaveLength(1);
    expect(findingsFor(true)).toEqual([]);
  });

  test("with an autoscaler the budget is checked against the autoscaler's minimum", () => {
    const build = (min: number) => {
      const chart = newChart();
      const stable = new StableDeployment(chart, 'stable', {
        ...base,
        resources: { cpu: { request: Cpu.millis(100) } },
        disruptionBudget: { minAvailable: IntOrPercent.count(2) },
      });
      new Autoscaler(chart, 'hpa', {
        target: stable,
        minReplicas: min,
        maxReplicas: 10,
        metrics: [ScalingMetric.cpuUtilization(70)],
      });
      return chart;
    };
    expect(find(synth(build(3)), 'PodDisruptionBudget').spec.minAvailable).toBe(2);
    expect(() => synth(build(2))).toThrow(
      "[test/stable/DisruptionBudget] 'minAvailable' is 2: must leave a pod to evict: 2 of 2 pods required is at or above the minimum of the autoscaler on test/stable (2), so no node drain could evict any; lower minAvailable or run more pods",
    );
  });

  test('a percentage minAvailable is rounded up, as Kubernetes does', () => {
    const build = (replicas: number) => {
      const chart = newChart();
      new StableDeployment(chart, 'stable', {
        ...base,
        replicas,
        disruptionBudget: { minAvailable: IntOrPercent.percent(50) },
      });
      return chart;
    };
    expect(find(synth(build(3)), 'PodDisruptionBudget').spec.minAvailable).toBe('50%');
    // 50% of 1 pod rounds up to 1: every eviction blocked.
    expect(() => synth(build(1))).toThrow(/'minAvailable' is "50%": must leave a pod to evict: 1 of 1 pods required/);
  });

  test('a Rollout takes an integer minAvailable', () => {
    const chart = newChart();
    new Rollout(chart, 'rollout', {
      ...base,
      replicas: 3,
      strategy: RolloutStrategy.canary(),
      disruptionBudget: { minAvailable: IntOrPercent.count(2) },
    });
    const objects = synth(chart);
    expect(schemaProblems(objects)).toEqual([]);
    expect(find(objects, 'PodDisruptionBudget', 'shop').spec).toEqual({
      minAvailable: 2,
      selector: { matchLabels: STABLE_SELECTOR },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  test('the construct on its own makes the same budget for a workload built elsewhere', () => {
    const chart = newChart();
    const stable = new StableDeployment(chart, 'stable', { ...base, replicas: 2 });
    const budget = new DisruptionBudget(chart, 'budget', { workload: stable, maxUnavailable: IntOrPercent.count(1) });
    const objects = synth(chart);
    expect(budget.workload).toBe(stable);
    expect(find(objects, 'PodDisruptionBudget', 'shop-stable').spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: STABLE_SELECTOR },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
    expect(appCheckProblems(chart)).toEqual([]);
  });

  test("a library budget that catches another app's pods is reported by the whole-app checks", () => {
    const chart = newChart();
    const stable = new StableDeployment(chart, 'stable', { ...base, replicas: 2 });
    // Another construct tree with the same identity labels: the budget made for `stable` also catches it.
    new StableDeployment(chart, 'other', { ...base, name: 'shop-copy', replicas: 2 });
    new DisruptionBudget(chart, 'budget', { workload: stable, minAvailable: IntOrPercent.count(1) });
    expect(appCheckProblems(chart)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\[test\/budget\] 'spec.selector' is .*also catches the pods of test\/other/),
      ]),
    );
  });

  test("a workload's own budget is reported as made for that workload, whatever else it catches", () => {
    const chart = newChart();
    // Pods outside the library with the same identity labels, made before the workload.
    new k8s.KubeDeployment(chart, 'foreign', {
      metadata: { name: 'foreign' },
      spec: {
        selector: { matchLabels: { owner: 'foreign' } },
        template: {
          metadata: { labels: { ...STABLE_SELECTOR, owner: 'foreign' } },
          spec: { containers: [{ name: 'main', image: 'web:1.0' }] },
        },
      },
    });
    new StableDeployment(chart, 'stable', {
      ...base,
      replicas: 3,
      disruptionBudget: { minAvailable: IntOrPercent.count(2) },
    });
    expect(appCheckProblems(chart)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^\[test\/stable\/DisruptionBudget\] 'spec.selector' is .*: also catches the pods of test\/foreign .*\(it was made for test\/stable /,
        ),
      ]),
    );
  });

  test('a second budget over the same pods is refused: the eviction API cannot evict pods two budgets cover', () => {
    const chart = newChart();
    const stable = new StableDeployment(chart, 'stable', {
      ...base,
      replicas: 3,
      disruptionBudget: { minAvailable: IntOrPercent.count(2) },
    });
    new Rollout(chart, 'rollout', {
      workloadRef: stable,
      workloadScaleDown: 'onsuccess',
      replicas: 3,
      strategy: RolloutStrategy.canary(),
      disruptionBudget: { minAvailable: IntOrPercent.count(2) },
    });
    expect(() => synth(chart)).toThrow(
      '[test/rollout/DisruptionBudget] \'workload\' is "test/rollout": already has its pods covered by the PodDisruptionBudget of test/stable/DisruptionBudget: the eviction API refuses to evict a pod two budgets cover, so node drains would stall; keep one budget',
    );
  });
});
