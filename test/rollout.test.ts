import { App, Chart, Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import {
  AnalysisTemplate,
  AnalysisUse,
  Autoscaler,
  CanaryStep,
  Condition,
  Cpu,
  HostIngress,
  IntOrPercent,
  CanaryStrategyOptions,
  MetricProvider,
  Rollout,
  RolloutProps,
  RolloutStrategy,
  StableDeployment,
  TrafficRouting,
  VersionedService,
  warningsOf,
} from '../lib';
import { schemaProblems } from './support/schemas';
import { find, newChart, synth } from './support/synth';
import { approximateCanaryPods, argoCanarySplit } from '../lib/rollouts/rollout';

const address = 'http://prometheus.monitoring.svc:9090';
const base: RolloutProps = { app: 'shop', image: 'shop:2.0', port: 8080, replicas: 4 };

function template(
  scope: Construct,
  id = 'restarts',
  over: { initialDelay?: Duration; interval?: Duration; count?: number } = {},
) {
  return new AnalysisTemplate(scope, id, {
    args: { container: {}, window: { default: '2m' } },
    metrics: [
      {
        name: 'restarts',
        provider: MetricProvider.prometheus({
          address,
          query: 'scalar(sum(kube_pod_container_status_restarts_total{container="{{args.container}}"}))',
        }),
        condition: Condition.scalarBelow(2),
        initialDelay: over.initialDelay ?? Duration.minutes(2),
        interval: over.interval,
        count: over.count,
      },
    ],
  });
}

/** Runs every validation of the chart's app, as `cdk8s synth` does. */
function validateApp(chart: Chart): void {
  (chart.node.root as App).synth();
}

/** A rollout with its two Services and an nginx Ingress to the stable one. */
function withServices(chart: Chart, props: Partial<RolloutProps> = {}) {
  const rollout = new Rollout(chart, 'rollout', { ...base, ...props });
  const stable = new VersionedService(chart, 'stable-svc', { serves: rollout, name: 'shop-stable', port: 80 });
  const canary = new VersionedService(chart, 'canary-svc', { serves: rollout, name: 'shop-canary', port: 80 });
  const ingress = new HostIngress(chart, 'ingress', {
    name: 'shop',
    className: 'nginx',
    rules: [{ host: 'shop.example.com', service: stable }],
  });
  return { rollout, stable, canary, ingress };
}

describe('Rollout', () => {
  test('a canary with pauses and an inline analysis with args; validates against the Argo Rollouts schema', () => {
    const chart = newChart();
    const restarts = template(chart);
    new Rollout(chart, 'rollout', {
      ...base,
      minReady: Duration.seconds(5),
      progressDeadline: Duration.minutes(5),
      progressDeadlineAbort: true,
      revisionHistoryLimit: 3,
      strategy: RolloutStrategy.canary({
        steps: [
          CanaryStep.setWeight(25),
          CanaryStep.pause(Duration.seconds(30)),
          CanaryStep.setWeight(50),
          CanaryStep.analysis(restarts, { container: 'shop' }),
          CanaryStep.pause(),
          CanaryStep.setWeight(100),
        ],
        maxSurge: IntOrPercent.count(1),
        maxUnavailable: IntOrPercent.count(0),
      }),
    });
    const out = synth(chart);
    const r = find(out, 'Rollout', 'shop');
    expect(r.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(r.spec.replicas).toBe(4);
    expect(r.spec.minReadySeconds).toBe(5);
    expect(r.spec.progressDeadlineSeconds).toBe(300);
    expect(r.spec.progressDeadlineAbort).toBe(true);
    expect(r.spec.revisionHistoryLimit).toBe(3);
    expect(r.spec.selector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/track': 'stable' },
    });
    expect(r.spec.template.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'shop',
      'app.kubernetes.io/track': 'stable',
      'app.kubernetes.io/version': '2.0',
    });
    expect(r.spec.template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(r.spec.strategy).toEqual({
      canary: {
        maxSurge: 1,
        maxUnavailable: 0,
        steps: [
          { setWeight: 25 },
          { pause: { duration: '30s' } },
          { setWeight: 50 },
          { analysis: { templates: [{ templateName: 'restarts' }], args: [{ name: 'container', value: 'shop' }] } },
          { pause: {} },
          { setWeight: 100 },
        ],
      },
    });
    expect(schemaProblems(out)).toEqual([]);
  });

  test('serves VersionedServices (IWorkload) and is scaled by an Autoscaler (IAutoscalable), leaving replicas out', () => {
    const chart = newChart();
    const rollout = new Rollout(chart, 'rollout', {
      ...base,
      replicas: undefined,
      resources: { cpu: { request: Cpu.millis(100) } },
      strategy: RolloutStrategy.canary(),
    });
    const svc = new VersionedService(chart, 'svc', { serves: rollout, port: 80 });
    new Autoscaler(chart, 'hpa', { target: rollout, maxReplicas: 5 });
    const out = synth(chart);
    expect(find(out, 'Service').spec.selector).toEqual(rollout.selectorLabels);
    expect(svc.selector).toEqual({ 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/track': 'stable' });
    expect(find(out, 'HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      name: 'shop',
    });
    expect(find(out, 'Rollout').spec).not.toHaveProperty('replicas');
    expect(rollout.effectiveWeights).toBeUndefined();
    expect(schemaProblems(out)).toEqual([]);
  });

  test('nginx traffic routing names the stable Ingress and both Services; dynamic stable scale and delays are allowed', () => {
    const chart = newChart();
    const { rollout, stable, canary, ingress } = withServices(chart);
    rollout.setStrategy(
      RolloutStrategy.canary({
        canaryService: canary,
        stableService: stable,
        trafficRouting: TrafficRouting.nginx(ingress, {
          additionalIngressAnnotations: { 'canary-by-header': 'X-Canary' },
        }),
        dynamicStableScale: true,
        abortScaleDownDelay: Duration.seconds(10),
        steps: [
          CanaryStep.setCanaryScale({ replicas: 1 }),
          CanaryStep.setWeight(30),
          CanaryStep.pause(Duration.minutes(1)),
          CanaryStep.setCanaryScale({ matchTrafficWeight: true }),
        ],
      }),
    );
    const out = synth(chart);
    const canaryStrategy = find(out, 'Rollout').spec.strategy.canary;
    expect(canaryStrategy.canaryService).toBe('shop-canary');
    expect(canaryStrategy.stableService).toBe('shop-stable');
    expect(canaryStrategy.trafficRouting).toEqual({
      nginx: { stableIngress: 'shop', additionalIngressAnnotations: { 'canary-by-header': 'X-Canary' } },
    });
    expect(canaryStrategy.dynamicStableScale).toBe(true);
    expect(canaryStrategy.abortScaleDownDelaySeconds).toBe(10);
    expect(canaryStrategy.steps[0]).toEqual({ setCanaryScale: { replicas: 1 } });
    expect(canaryStrategy.steps[3]).toEqual({ setCanaryScale: { matchTrafficWeight: true } });
    // With a router the weight is exact, so nothing is approximated or warned about.
    expect(rollout.effectiveWeights).toBeUndefined();
    validateApp(chart);
    expect(warningsOf(chart)).toEqual([]);
    expect(schemaProblems(out)).toEqual([]);
  });

  test('background analysis with a starting step', () => {
    const chart = newChart();
    const restarts = template(chart, 'restarts', { interval: Duration.minutes(1) });
    new Rollout(chart, 'rollout', {
      ...base,
      strategy: RolloutStrategy.canary({
        steps: [
          CanaryStep.setWeight(25),
          CanaryStep.pause(Duration.minutes(1)),
          CanaryStep.setWeight(50),
          CanaryStep.pause(Duration.minutes(1)),
        ],
        analysis: { uses: [AnalysisUse.of(restarts, { container: 'shop', window: '5m' })], startingStep: 1 },
      }),
    });
    const out = synth(chart);
    expect(find(out, 'Rollout').spec.strategy.canary.analysis).toEqual({
      templates: [{ templateName: 'restarts' }],
      args: [
        { name: 'container', value: 'shop' },
        { name: 'window', value: '5m' },
      ],
      startingStep: 1,
    });
    expect(schemaProblems(out)).toEqual([]);
  });

  test('blue/green with preview, manual promotion and pre/post-promotion analysis', () => {
    const chart = newChart();
    const restarts = template(chart);
    const rollout = new Rollout(chart, 'rollout', base);
    const active = new VersionedService(chart, 'active', { serves: rollout, name: 'shop-active', port: 80 });
    const preview = new VersionedService(chart, 'preview', { serves: rollout, name: 'shop-preview', port: 80 });
    rollout.setStrategy(
      RolloutStrategy.blueGreen({
        activeService: active,
        previewService: preview,
        autoPromotionEnabled: false,
        previewReplicaCount: 1,
        scaleDownDelay: Duration.seconds(60),
        prePromotionAnalysis: [AnalysisUse.of(restarts, { container: 'shop' })],
        postPromotionAnalysis: [AnalysisUse.of(restarts, { container: 'shop' })],
      }),
    );
    const out = synth(chart);
    expect(find(out, 'Rollout').spec.strategy).toEqual({
      blueGreen: {
        activeService: 'shop-active',
        previewService: 'shop-preview',
        autoPromotionEnabled: false,
        previewReplicaCount: 1,
        scaleDownDelaySeconds: 60,
        prePromotionAnalysis: {
          templates: [{ templateName: 'restarts' }],
          args: [{ name: 'container', value: 'shop' }],
        },
        postPromotionAnalysis: {
          templates: [{ templateName: 'restarts' }],
          args: [{ name: 'container', value: 'shop' }],
        },
      },
    });
    expect(schemaProblems(out)).toEqual([]);
  });

  test('workloadRef: the pod template comes from a Deployment construct', () => {
    const chart = newChart();
    const dep = new StableDeployment(chart, 'dep', { app: 'shop', image: 'shop:1.0', port: 8080 });
    const rollout = new Rollout(chart, 'rollout', {
      workloadRef: dep,
      workloadScaleDown: 'progressively',
      replicas: 4,
      strategy: RolloutStrategy.canary({ steps: [CanaryStep.setWeight(50), CanaryStep.pause()] }),
    });
    const out = synth(chart);
    const r = find(out, 'Rollout');
    expect(r.spec.workloadRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'shop-stable',
      scaleDown: 'progressively',
    });
    expect(r.spec).not.toHaveProperty('template');
    expect(r.spec.selector.matchLabels).toEqual(dep.selectorLabels);
    expect(rollout.app).toBe('shop');
    expect(rollout.containerPort).toEqual({ name: 'http', number: 8080 });
    expect(schemaProblems(out)).toEqual([]);
  });

  test('a template declared as external is referenced by its declared name', () => {
    const chart = newChart();
    const shared = AnalysisTemplate.fromName(chart, 'shared', {
      name: 'success-rate',
      clusterScope: true,
      args: { service: {} },
    });
    new Rollout(chart, 'rollout', {
      ...base,
      strategy: RolloutStrategy.canary({
        steps: [CanaryStep.setWeight(50), CanaryStep.pause(), CanaryStep.analysis(shared, { service: 'shop' })],
      }),
    });
    const out = synth(chart);
    const step = find(out, 'Rollout').spec.strategy.canary.steps[2];
    expect(step).toEqual({
      analysis: {
        templates: [{ templateName: 'success-rate', clusterScope: true }],
        args: [{ name: 'service', value: 'shop' }],
      },
    });
    expect(schemaProblems(out)).toEqual([]);
  });

  describe('effective weights without traffic routing', () => {
    test('4 replicas: 25, 50, 75 and 100 are exact, 30 becomes 25 with a warning', () => {
      const chart = newChart();
      const rollout = new Rollout(chart, 'rollout', {
        ...base,
        strategy: RolloutStrategy.canary({
          steps: [25, 30, 50, 75, 100].flatMap(w => [CanaryStep.setWeight(w), CanaryStep.pause(Duration.seconds(30))]),
        }),
      });
      expect(rollout.effectiveWeights).toEqual([
        { step: 0, requested: 25, canaryPods: 1, stablePods: 3, effective: 25 },
        { step: 2, requested: 30, canaryPods: 1, stablePods: 3, effective: 25 },
        { step: 4, requested: 50, canaryPods: 2, stablePods: 2, effective: 50 },
        { step: 6, requested: 75, canaryPods: 3, stablePods: 1, effective: 75 },
        { step: 8, requested: 100, canaryPods: 4, stablePods: 0, effective: 100 },
      ]);
      validateApp(chart);
      expect(warningsOf(chart)).toEqual([
        '[test/rollout] step 2 setWeight 30 runs 1 canary and 3 stable pods without traffic routing: 25% of the pods, not 30%',
      ]);
      expect(schemaProblems(synth(chart))).toEqual([]);
    });

    test('an autoscaled Rollout without routing warns how far its weights move over the replica range', () => {
      const chart = newChart();
      const rollout = new Rollout(chart, 'rollout', {
        ...base,
        replicas: undefined,
        resources: { cpu: { request: Cpu.millis(100) } },
        strategy: RolloutStrategy.canary({
          steps: [CanaryStep.setWeight(25), CanaryStep.pause(), CanaryStep.setWeight(100)],
        }),
      });
      new Autoscaler(chart, 'hpa', { target: rollout, minReplicas: 1, maxReplicas: 5 });
      validateApp(chart);
      // 25% of 1 pod surges to 1 of 2 (50%); of 5 pods it is 1 of 5 (20%), both worked out by hand.
      expect(warningsOf(chart)).toEqual([
        '[test/rollout] without traffic routing the canary weights are pod shares of the autoscaled count (1..5 pods): setWeight 25 is 50% at 1 and 20% at 5',
      ]);
    });

    test.each([
      // [replicas, weight, surge pods, canary, stable], worked out by hand from Argo's rule
      [4, 30, 1, 1, 3],
      [3, 50, 1, 2, 2], // 1.5 pods: a tie goes to the larger canary, and surging to 4 pods makes 50% exact
      [3, 50, 0, 2, 1], // no surge: 2 of 3
      [1, 50, 1, 1, 1], // one replica surges to two pods
      [10, 15, 3, 2, 9], // 2 of 11 (18.2%) is closer than 2 of 10 (20%) or 1 of 11
      [5, 10, 0, 1, 4], // at least one canary pod for a weight above 0
      [5, 0, 1, 0, 5],
    ])('%i replicas at %i%% with surge %i: %i canary, %i stable', (replicas, weight, surge, canary, stable) => {
      expect(approximateCanaryPods(replicas, weight, surge)).toEqual({ canary, stable });
    });
  });

  /**
   * Argo Rollouts' approximateWeightedCanaryStableReplicaCounts (utils/replicaset/canary.go), line
   * by line, float64 arithmetic included, written independently of lib/rollouts/rollout.ts.
   */
  function argoReference(
    specReplicas: number,
    desiredWeight: number,
    maxSurge: number,
  ): { canary: number; stable: number } {
    const maxWeight = 100;
    if (specReplicas === 0) return { canary: 0, stable: 0 };
    const options: Array<[canary: number, total: number]> = [];
    const ceilWeightedCanaryCount = Math.ceil((specReplicas * desiredWeight) / maxWeight);
    const floorWeightedCanaryCount = Math.floor((specReplicas * desiredWeight) / maxWeight);
    const floorCeilingTied = (totalReplicas: number) => {
      const x = totalReplicas * (desiredWeight / maxWeight);
      return x - Math.trunc(x) === 0.5; // math.Modf's fractional part
    };
    const tied = floorCeilingTied(specReplicas);
    const zeroAllowed = desiredWeight === maxWeight || desiredWeight === 0 || (specReplicas === 1 && maxSurge === 0);
    if (ceilWeightedCanaryCount < specReplicas || zeroAllowed) options.push([ceilWeightedCanaryCount, specReplicas]);
    if (!tied && (floorWeightedCanaryCount !== 0 || zeroAllowed))
      options.push([floorWeightedCanaryCount, specReplicas]);
    if (maxSurge > 0) {
      options.push([ceilWeightedCanaryCount, specReplicas + 1]);
      if (!floorCeilingTied(specReplicas + 1) && (floorWeightedCanaryCount !== 0 || zeroAllowed))
        options.push([floorWeightedCanaryCount, specReplicas + 1]);
    }
    if (options.length === 0) return { canary: 0, stable: specReplicas }; // "should not get here"
    const weightDelta = ([canary, total]: [number, number]) => Math.abs((canary * maxWeight) / total - desiredWeight);
    let best = options[0];
    for (let i = 1; i < options.length; i++) if (weightDelta(options[i]) < weightDelta(best)) best = options[i];
    return { canary: best[0], stable: best[1] - best[0] };
  }

  test("the approximation is exactly Argo's for every replica count 0..20, weight 0..100 and surge 0..3", () => {
    const differences: string[] = [];
    for (let replicas = 0; replicas <= 20; replicas++) {
      for (let weight = 0; weight <= 100; weight++) {
        for (let surge = 0; surge <= 3; surge++) {
          const ours = approximateCanaryPods(replicas, weight, surge);
          const argo = argoReference(replicas, weight, surge);
          if (ours.canary !== argo.canary || ours.stable !== argo.stable)
            differences.push(`${replicas}/${weight}/${surge}: ${JSON.stringify(ours)} vs ${JSON.stringify(argo)}`);
        }
      }
    }
    expect(differences).toEqual([]);
  });

  test("Argo's own table (TestApproximateWeightedNewStableReplicaCounts) and its tie fallback", () => {
    for (const [replicas, weight, surge, canary, stable] of [
      [1, 49, 0, 0, 1],
      [1, 50, 0, 1, 0],
      [1, 1, 1, 1, 1],
      [2, 1, 1, 1, 2],
      [2, 99, 1, 2, 1],
      [3, 10, 1, 1, 3],
      [3, 33, 1, 1, 2],
      [3, 49, 1, 2, 2],
      [10, 15, 0, 2, 8],
      [10, 18, 1, 2, 9],
      [10, 24, 1, 3, 8],
      [10, 99, 0, 9, 1],
      [10, 99, 1, 10, 1],
    ]) {
      expect({ replicas, weight, surge, ...approximateCanaryPods(replicas, weight, surge) }).toEqual({
        replicas,
        weight,
        surge,
        canary,
        stable,
      });
    }
    // 95% of 10 without surge is a tie (9.5 pods) whose larger canary leaves no stable pod: Argo keeps no candidate.
    expect(argoCanarySplit(10, 95, 0)).toEqual({ canary: 0, stable: 10, fallback: true });
    expect(argoCanarySplit(10, 95, 1)).toEqual({ canary: 10, stable: 1, fallback: false });
  });

  test("the approximation keeps its promises for any replica count and weight, except at Argo's tie fallback", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 5 }),
        (replicas, weight, surge) => {
          const { canary, stable, fallback } = argoCanarySplit(replicas, weight, surge);
          expect({ canary, stable }).toEqual(argoReference(replicas, weight, surge));
          // The fallback happens exactly at a tie whose larger canary would take every pod, without surge.
          expect(fallback).toBe(
            surge === 0 &&
              replicas > 1 &&
              (replicas * weight) % 100 === 50 &&
              Math.ceil((replicas * weight) / 100) === replicas,
          );
          if (fallback) return;
          const total = canary + stable;
          // At most one pod of surge, and only when surge is allowed.
          expect(total === replicas || (surge > 0 && total === replicas + 1)).toBe(true);
          if (weight === 0) expect(canary).toBe(0);
          if (weight === 100) expect(stable).toBe(0);
          if (weight > 0 && weight < 100 && total > 1) expect(Math.min(canary, stable)).toBeGreaterThanOrEqual(1);
          // The canary count is the weight's share of the replicas, rounded down or up.
          expect([Math.floor((replicas * weight) / 100), Math.ceil((replicas * weight) / 100)]).toContain(canary);
          // A canary asked for gets a pod whenever a pod can be spared or surged.
          if (weight > 0 && (replicas > 1 || surge > 0)) expect(canary).toBeGreaterThanOrEqual(1);
        },
      ),
      { numRuns: 200 },
    );
    // The ties the property must treat as fallbacks (and the old property missed in most runs), each checked every run.
    for (const [replicas, weight] of [
      [2, 75],
      [5, 90],
      [10, 95],
      [25, 98],
      [50, 99],
    ]) {
      expect(argoCanarySplit(replicas, weight, 0)).toEqual({ canary: 0, stable: replicas, fallback: true });
    }
  });

  test('a setWeight step Argo would run with no canary pod (its tie fallback) is refused', () => {
    const chart = newChart();
    new Rollout(chart, 'rollout', {
      ...base,
      replicas: 10,
      strategy: RolloutStrategy.canary({
        maxSurge: IntOrPercent.count(0),
        maxUnavailable: IntOrPercent.count(1),
        steps: [CanaryStep.setWeight(50), CanaryStep.setWeight(95), CanaryStep.pause()],
      }),
    });
    expect(() => validateApp(chart)).toThrow(
      "[test/rollout] 'strategy.steps[1].setWeight' is 95: runs 0 canary pods of 10 without traffic routing and without surge: " +
        "Argo's approximation finds no split at this tie (10 x 95% = 9.5 pods) and falls back to none; pick another weight, allow maxSurge, change replicas, or use traffic routing",
    );
  });

  describe('warnings', () => {
    test('weights that go down, a last weight nothing checks, analysis before any pause without initialDelay', () => {
      const chart = newChart();
      const undelayed = new AnalysisTemplate(chart, 'undelayed', {
        metrics: [
          {
            name: 'up',
            provider: MetricProvider.prometheus({ address, query: 'scalar(sum(up))' }),
            condition: Condition.scalarAbove(0),
          },
        ],
      });
      new Rollout(chart, 'rollout', {
        ...base,
        strategy: RolloutStrategy.canary({
          steps: [CanaryStep.setWeight(50), CanaryStep.analysis(undelayed), CanaryStep.setWeight(25)],
        }),
      });
      validateApp(chart);
      expect(warningsOf(chart)).toEqual([
        '[test/rollout] step 1 runs analysis before any pause, and undelayed/up has no initialDelay: the first measurement sees almost no data from the new pods',
        '[test/rollout] step 2 setWeight 25 lowers the canary weight from 50: traffic moves back to stable mid-rollout',
        '[test/rollout] the last step sets weight 25 and nothing checks it: Argo then goes straight to 100%; end with setWeight(100), a pause or an analysis',
      ]);
      expect(schemaProblems(synth(chart))).toEqual([]);
    });

    test('none for the course shape: setWeight then an analysis with an initialDelay', () => {
      const chart = newChart();
      new Rollout(chart, 'rollout', {
        ...base,
        strategy: RolloutStrategy.canary({
          steps: [CanaryStep.setWeight(50), CanaryStep.analysis(template(chart), { container: 'shop' })],
        }),
      });
      validateApp(chart);
      expect(warningsOf(chart)).toEqual([]);
      expect(schemaProblems(synth(chart))).toEqual([]);
    });
  });

  describe('fails if', () => {
    // 1. Services
    test('canaryService is the stableService', () => {
      const chart = newChart();
      const { rollout, stable } = withServices(chart);
      expect(() =>
        rollout.setStrategy(RolloutStrategy.canary({ canaryService: stable, stableService: stable })),
      ).toThrow(
        /^test\/rollout: 'strategy\.canaryService' is "shop-stable": must differ from stableService \(test\/stable-svc\)/,
      );
    });

    test('previewService is the activeService', () => {
      const chart = newChart();
      const { rollout, stable } = withServices(chart);
      expect(() =>
        rollout.setStrategy(RolloutStrategy.blueGreen({ activeService: stable, previewService: stable })),
      ).toThrow(/^test\/rollout: 'strategy\.previewService' is "shop-stable": must differ from activeService/);
    });

    test('a Service does not serve this Rollout', () => {
      const chart = newChart();
      const { rollout } = withServices(chart);
      const other = new StableDeployment(chart, 'other', { app: 'other', image: 'other:1.0', port: 8080 });
      const otherSvc = new VersionedService(chart, 'other-svc', { serves: other, port: 80 });
      expect(() => rollout.setStrategy(RolloutStrategy.blueGreen({ activeService: otherSvc }))).toThrow(
        /^test\/rollout: 'strategy\.activeService' is construct test\/other-svc: must be a VersionedService that serves this Rollout/,
      );
    });

    // 2. Steps
    test('setWeight is outside 0..100', () => {
      expect(
        () =>
          new Rollout(newChart(), 'rollout', {
            ...base,
            strategy: RolloutStrategy.canary({ steps: [CanaryStep.setWeight(120)] }),
          }),
      ).toThrow(/^test\/rollout: 'strategy\.steps\[0\]\.setWeight' is 120: must be a whole percentage from 0 to 100/);
    });

    test('a step has zero or several actions (not made by CanaryStep)', () => {
      const steps = [{ setWeight: 20, pause: {} }] as unknown as CanaryStep[];
      expect(
        () => new Rollout(newChart(), 'rollout', { ...base, strategy: RolloutStrategy.canary({ steps }) }),
      ).toThrow(
        /^test\/rollout: 'strategy\.steps\[0\]' is \{"setWeight":20,"pause":\{\}\}: must be one CanaryStep .* exactly one action/,
      );
    });

    // 4. Router-only features
    test('setCanaryScale without traffic routing', () => {
      expect(
        () =>
          new Rollout(newChart(), 'rollout', {
            ...base,
            strategy: RolloutStrategy.canary({ steps: [CanaryStep.setCanaryScale({ replicas: 1 })] }),
          }),
      ).toThrow(/^test\/rollout: 'strategy\.steps\[0\]\.setCanaryScale' is \{"replicas":1\}: needs traffic routing/);
    });

    test('dynamicStableScale without traffic routing', () => {
      expect(
        () =>
          new Rollout(newChart(), 'rollout', {
            ...base,
            strategy: RolloutStrategy.canary({ dynamicStableScale: true }),
          }),
      ).toThrow(/^test\/rollout: 'strategy\.dynamicStableScale' is true: needs traffic routing/);
    });

    test('canary scaleDownDelay without traffic routing', () => {
      expect(
        () =>
          new Rollout(newChart(), 'rollout', {
            ...base,
            strategy: RolloutStrategy.canary({ scaleDownDelay: Duration.seconds(30) }),
          }),
      ).toThrow(/^test\/rollout: 'strategy\.scaleDownDelay' is "30s": needs traffic routing/);
    });

    test('a header route with the nginx router, which cannot manage one', () => {
      const chart = newChart();
      const { rollout, stable, canary, ingress } = withServices(chart);
      expect(() =>
        rollout.setStrategy(
          RolloutStrategy.canary({
            canaryService: canary,
            stableService: stable,
            trafficRouting: TrafficRouting.nginx(ingress),
            steps: [CanaryStep.setHeaderRoute('beta', [{ header: 'X-Beta', value: 'yes' }])],
          }),
        ),
      ).toThrow(/^test\/rollout: 'strategy\.steps\[0\]\.setHeaderRoute' is "beta": cannot be done by the nginx router/);
    });

    test('a mirror route without traffic routing', () => {
      expect(
        () =>
          new Rollout(newChart(), 'rollout', {
            ...base,
            strategy: RolloutStrategy.canary({ steps: [CanaryStep.setMirrorRoute('mirror', 10)] }),
          }),
      ).toThrow(/^test\/rollout: 'strategy\.steps\[0\]\.setMirrorRoute' is "mirror": needs traffic routing/);
    });

    test('nginx routing without a canaryService', () => {
      const chart = newChart();
      const { rollout, stable, ingress } = withServices(chart);
      expect(() =>
        rollout.setStrategy(
          RolloutStrategy.canary({ stableService: stable, trafficRouting: TrafficRouting.nginx(ingress) }),
        ),
      ).toThrow(/^test\/rollout: 'strategy\.canaryService' is undefined: must be set with traffic routing/);
    });

    test('the nginx stable Ingress does not route to the stableService', () => {
      const chart = newChart();
      const { rollout, stable, canary } = withServices(chart);
      const elsewhere = new HostIngress(chart, 'elsewhere', {
        name: 'canary-only',
        rules: [{ host: 'canary.example.com', service: canary }],
      });
      expect(() =>
        rollout.setStrategy(
          RolloutStrategy.canary({
            canaryService: canary,
            stableService: stable,
            trafficRouting: TrafficRouting.nginx(elsewhere),
          }),
        ),
      ).toThrow(
        /^test\/rollout: 'strategy\.trafficRouting' is construct test\/elsewhere: must route to the stableService shop-stable/,
      );
    });

    // 5. Update limits
    test('maxSurge and maxUnavailable are both zero', () => {
      expect(
        () =>
          new Rollout(newChart(), 'rollout', {
            ...base,
            strategy: RolloutStrategy.canary({
              maxSurge: IntOrPercent.count(0),
              maxUnavailable: IntOrPercent.percent(0),
            }),
          }),
      ).toThrow(/^test\/rollout: 'strategy\.maxUnavailable' is "0%": must be above 0 when maxSurge is 0/);
    });

    test('progressDeadline is not longer than minReady', () => {
      expect(
        () =>
          new Rollout(newChart(), 'rollout', {
            ...base,
            minReady: Duration.seconds(60),
            progressDeadline: Duration.seconds(60),
            strategy: RolloutStrategy.canary(),
          }),
      ).toThrow(/^test\/rollout: 'progressDeadline' is "60s": must be longer than minReady \(60s\)/);
    });

    test('dynamicStableScale with scaleDownDelay, even with traffic routing (Argo refuses the pair)', () => {
      const chart = newChart();
      const { rollout, stable, canary, ingress } = withServices(chart);
      expect(() =>
        rollout.setStrategy(
          RolloutStrategy.canary({
            canaryService: canary,
            stableService: stable,
            trafficRouting: TrafficRouting.nginx(ingress),
            dynamicStableScale: true,
            scaleDownDelay: Duration.seconds(30),
          }),
        ),
      ).toThrow(
        "test/rollout: 'strategy.dynamicStableScale' is true: cannot be combined with scaleDownDelay (30s): Argo refuses the pair; with dynamicStableScale the stable pods scale down as traffic leaves them",
      );
    });

    test('minReady is not below the default progress deadline (600 s)', () => {
      expect(
        () =>
          new Rollout(newChart(), 'rollout', {
            ...base,
            minReady: Duration.minutes(10),
            strategy: RolloutStrategy.canary(),
          }),
      ).toThrow(
        'test/rollout: \'minReady\' is "600s": must be shorter than the progress deadline, 600s by default (the API server refuses the object otherwise); set progressDeadline longer, or minReady shorter',
      );
      // With a longer progressDeadline it is fine.
      expect(
        () =>
          new Rollout(newChart(), 'rollout', {
            ...base,
            minReady: Duration.minutes(10),
            progressDeadline: Duration.minutes(15),
            strategy: RolloutStrategy.canary(),
          }),
      ).not.toThrow();
    });

    // 6. Durations
    test('a zero-second pause is valid, as Argo accepts it', () => {
      const chart = newChart();
      new Rollout(chart, 'rollout', {
        ...base,
        strategy: RolloutStrategy.canary({
          steps: [CanaryStep.setWeight(50), CanaryStep.pause(Duration.seconds(0)), CanaryStep.setWeight(100)],
        }),
      });
      const out = synth(chart);
      expect(find(out, 'Rollout').spec.strategy.canary.steps[1]).toEqual({ pause: { duration: '0s' } });
      expect(schemaProblems(out)).toEqual([]);
    });

    test('a pause is not whole seconds', () => {
      expect(
        () =>
          new Rollout(newChart(), 'rollout', {
            ...base,
            strategy: RolloutStrategy.canary({ steps: [CanaryStep.pause(Duration.millis(2500))] }),
          }),
      ).toThrow(
        /^test\/rollout: 'strategy\.steps\[0\]\.pause\.duration' is "2500ms": must be a whole number of seconds from 0 to 2147483647$/,
      );
    });

    // 7. Template references
    test('an analysis names a template by a plain name', () => {
      const fake = {
        template: { templateName: 'restart-rate', clusterScope: false, args: {} },
        args: {},
      } as unknown as AnalysisUse;
      expect(
        () =>
          new Rollout(newChart(), 'rollout', {
            ...base,
            strategy: RolloutStrategy.canary({ steps: [CanaryStep.analysisOf([fake])] }),
          }),
      ).toThrow(
        /^test\/rollout: 'strategy\.steps\[0\]\.analysis\[0\]' is .*restart-rate.*: must be an analysis template construct \(or AnalysisTemplate\.fromName/,
      );
    });

    test('a namespaced template lives in another namespace than the Rollout', () => {
      const app = Testing.app();
      const monitoring = new Chart(app, 'monitoring', { namespace: 'monitoring' });
      const shop = new Chart(app, 'shop', { namespace: 'shop' });
      const restarts = template(monitoring);
      expect(
        () =>
          new Rollout(shop, 'rollout', {
            ...base,
            strategy: RolloutStrategy.canary({ steps: [CanaryStep.analysis(restarts, { container: 'shop' })] }),
          }),
      ).toThrow(
        /^shop\/rollout: 'strategy\.steps\[0\]\.analysis\[0\]' is construct monitoring\/restarts: is in namespace monitoring but the Rollout in shop/,
      );
    });

    // 8. Args
    test('a required arg has no value at the use site', () => {
      const chart = newChart();
      const restarts = template(chart);
      // @ts-expect-error: the compiler refuses this too; the runtime check is for untyped callers
      const step = CanaryStep.analysis(restarts, {});
      expect(
        () => new Rollout(chart, 'rollout', { ...base, strategy: RolloutStrategy.canary({ steps: [step] }) }),
      ).toThrow(
        /^test\/rollout: 'strategy\.steps\[0\]\.analysis\[0\]\.args\.container' is undefined: must be given: test\/restarts declares it without a default/,
      );
    });

    test('an arg name is unknown', () => {
      const chart = newChart();
      const restarts = template(chart);
      const args = { container: 'shop', containr: 'x' };
      expect(
        () =>
          new Rollout(chart, 'rollout', {
            ...base,
            strategy: RolloutStrategy.canary({ steps: [CanaryStep.analysis(restarts, args)] }),
          }),
      ).toThrow(
        /^test\/rollout: 'strategy\.steps\[0\]\.analysis\[0\]\.args\.containr' is "x": is not an argument of test\/restarts \(declared: container, window\)/,
      );
    });

    test('two templates of one analysis get different values for one arg', () => {
      const chart = newChart();
      const a = template(chart, 'a');
      const b = template(chart, 'b');
      expect(
        () =>
          new Rollout(chart, 'rollout', {
            ...base,
            strategy: RolloutStrategy.canary({
              steps: [
                CanaryStep.analysisOf([
                  AnalysisUse.of(a, { container: 'shop' }),
                  AnalysisUse.of(b, { container: 'cart' }),
                ]),
              ],
            }),
          }),
      ).toThrow(
        /^test\/rollout: 'strategy\.steps\[0\]\.analysis\[1\]\.args\.container' is "cart": conflicts with "shop"/,
      );
    });

    test('a use-site value outside a string literal is more than one token (it could rewrite the query)', () => {
      const chart = newChart();
      const t = new AnalysisTemplate(chart, 'rate', {
        args: { window: {} },
        metrics: [
          {
            name: 'errors',
            provider: MetricProvider.prometheus({ address, query: 'sum(rate(errors_total[{{args.window}}]))' }),
            condition: Condition.vectorFirstBelow(1),
          },
        ],
      });
      expect(
        () =>
          new Rollout(chart, 'rollout', {
            ...base,
            strategy: RolloutStrategy.canary({ steps: [CanaryStep.analysis(t, { window: '5 minutes' })] }),
          }),
      ).toThrow(
        'test/rollout: \'strategy.steps[0].analysis[0].args.window\' is "5 minutes": stands outside any string literal of the query of metric "errors", so it must be one number (e.g. 0.05), duration (e.g. 5m) or name (e.g. http_requests_total) that is not a PromQL keyword: anything more could change the query\'s structure (template test/rate)',
      );
    });

    test('a use-site value makes a deferred query invalid PromQL', () => {
      const chart = newChart();
      const t = new AnalysisTemplate(chart, 'rate', {
        args: { window: {} },
        metrics: [
          {
            name: 'errors',
            provider: MetricProvider.prometheus({ address, query: 'sum(rate(errors_total[{{args.window}}]))' }),
            condition: Condition.vectorFirstBelow(1),
          },
        ],
      });
      expect(
        () =>
          new Rollout(chart, 'rollout', {
            ...base,
            strategy: RolloutStrategy.canary({ steps: [CanaryStep.analysis(t, { window: 'five' })] }),
          }),
      ).toThrow(
        /^test\/rollout: 'strategy\.steps\[0\]\.analysis\[0\]\.args' is \{"window":"five"\}: make the query of metric "errors" in "rate" unusable: has a syntax error/,
      );
    });

    test('a use-site value gives a deferred query another result shape than its condition expects', () => {
      const chart = newChart();
      const t = new AnalysisTemplate(chart, 'any-query', {
        args: { query: {} },
        metrics: [
          {
            name: 'm',
            provider: MetricProvider.prometheus({ address, query: '{{args.query}}' }),
            condition: Condition.scalarBelow(1),
          },
        ],
      });
      expect(
        () =>
          new Rollout(chart, 'rollout', {
            ...base,
            strategy: RolloutStrategy.canary({ steps: [CanaryStep.analysis(t, { query: 'up' })] }),
          }),
      ).toThrow(
        /^test\/rollout: 'strategy\.steps\[0\]\.analysis\[0\]\.args' is \{"query":"up"\}: make the query of metric "m" in "any-query" unusable: returns an instant vector, but its condition is written for a scalar result/,
      );
    });

    // 9. Counts
    test('an inline analysis metric has an interval but no count', () => {
      const chart = newChart();
      const forever = template(chart, 'forever', { interval: Duration.minutes(1) });
      expect(
        () =>
          new Rollout(chart, 'rollout', {
            ...base,
            strategy: RolloutStrategy.canary({ steps: [CanaryStep.analysis(forever, { container: 'shop' })] }),
          }),
      ).toThrow(
        /^test\/rollout: 'strategy\.steps\[0\]\.analysis' is "forever\/restarts": has an interval but no count, so it measures forever/,
      );
    });

    test('a pre-promotion analysis metric has an interval but no count', () => {
      const chart = newChart();
      const forever = template(chart, 'forever', { interval: Duration.minutes(1) });
      const rollout = new Rollout(chart, 'rollout', base);
      const active = new VersionedService(chart, 'active', { serves: rollout, port: 80 });
      expect(() =>
        rollout.setStrategy(
          RolloutStrategy.blueGreen({
            activeService: active,
            prePromotionAnalysis: [AnalysisUse.of(forever, { container: 'shop' })],
          }),
        ),
      ).toThrow(
        /^test\/rollout: 'strategy\.prePromotionAnalysis' is "forever\/restarts": has an interval but no count/,
      );
    });

    // Rollout-level
    test('no strategy is set by synth time', () => {
      const chart = newChart();
      new Rollout(chart, 'rollout', base);
      expect(() => validateApp(chart)).toThrow(/\[test\/rollout\] 'strategy' is undefined: must be set/);
    });

    test('a strategy is set twice', () => {
      const rollout = new Rollout(newChart(), 'rollout', { ...base, strategy: RolloutStrategy.canary() });
      expect(() => rollout.setStrategy(RolloutStrategy.canary())).toThrow(
        /^test\/rollout: 'strategy' is "canary": is already set/,
      );
    });

    test('replicas are set while an Autoscaler owns the count', () => {
      const chart = newChart();
      const rollout = new Rollout(chart, 'rollout', {
        ...base,
        resources: { cpu: { request: Cpu.millis(100) } },
        strategy: RolloutStrategy.canary(),
      });
      new Autoscaler(chart, 'hpa', { target: rollout, maxReplicas: 5 });
      expect(() => validateApp(chart)).toThrow(
        /\[test\/rollout\] 'replicas' is 4: must be left unset: test\/hpa owns the replica count/,
      );
    });

    test('workloadRef is given together with an image', () => {
      const chart = newChart();
      const dep = new StableDeployment(chart, 'dep', { app: 'shop', image: 'shop:1.0' });
      expect(
        () =>
          new Rollout(chart, 'rollout', { workloadRef: dep, image: 'shop:2.0', strategy: RolloutStrategy.canary() }),
      ).toThrow(/^test\/rollout: 'image' is "shop:2.0": must be unset with workloadRef/);
    });

    test('a factory argument is hostile: a DeliveryError naming the step, never a TypeError', () => {
      expect(
        () =>
          new Rollout(newChart(), 'rollout', {
            ...base,
            strategy: RolloutStrategy.canary({ steps: [CanaryStep.setWeight(NaN)] }),
          }),
      ).toThrow("test/rollout: 'strategy.steps[0].setWeight' is NaN: must be a whole percentage from 0 to 100");
      expect(
        () =>
          new Rollout(newChart(), 'rollout', {
            ...base,
            strategy: RolloutStrategy.canary({ steps: [CanaryStep.pause('30s' as unknown as Duration)] }),
          }),
      ).toThrow(
        'test/rollout: \'strategy.steps[0].pause.duration\' is "30s": must be a Duration, e.g. Duration.seconds(30)',
      );
      expect(
        () =>
          new Rollout(newChart(), 'rollout', {
            ...base,
            strategy: RolloutStrategy.canary({ stepz: [] } as unknown as CanaryStrategyOptions),
          }),
      ).toThrow("test/rollout: 'strategy.stepz' is []: is not a prop of Rollout: did you mean 'strategy.steps'?");
    });

    test('there is neither an image nor a workloadRef', () => {
      expect(() => new Rollout(newChart(), 'rollout', { app: 'shop' })).toThrow(
        /^test\/rollout: 'image' is undefined: must be given, or set workloadRef/,
      );
    });

    test('the image has no tag (pod template checks apply)', () => {
      expect(() => new Rollout(newChart(), 'rollout', { ...base, image: 'shop' })).toThrow(
        /^test\/rollout: 'image' is "shop": must carry an explicit tag/,
      );
    });
  });
});

describe('Rollout pod options and disruption budget (issue 12)', () => {
  test('a Rollout with a workloadRef takes object labels and a budget that selects the referenced pods', () => {
    const chart = newChart();
    const stable = new StableDeployment(chart, 'stable', { app: 'shop', image: 'shop:1.0', port: 8080 });
    new Rollout(chart, 'rollout', {
      workloadRef: stable,
      workloadScaleDown: 'onsuccess',
      replicas: 4,
      strategy: RolloutStrategy.canary(),
      labels: { team: 'payments' },
      annotations: { 'example.com/owner': 'payments' },
      disruptionBudget: { minAvailable: IntOrPercent.count(3) },
    });
    const objects = synth(chart);
    expect(schemaProblems(objects)).toEqual([]);
    const rollout = find(objects, 'Rollout');
    expect(rollout.metadata.labels.team).toBe('payments');
    expect(rollout.metadata.annotations).toEqual({ 'example.com/owner': 'payments' });
    expect(find(objects, 'PodDisruptionBudget', 'shop').spec).toEqual({
      minAvailable: 3,
      selector: { matchLabels: rollout.spec.selector.matchLabels },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  test('a Rollout that owns its template takes the pod options like a Deployment', () => {
    const chart = newChart();
    new Rollout(chart, 'rollout', {
      app: 'shop',
      image: 'shop:1.0',
      port: 8080,
      strategy: RolloutStrategy.canary(),
      sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.0', ports: [{ name: 'proxy', number: 15001 }] }],
      terminationGracePeriod: Duration.seconds(40),
      preStopSleep: Duration.seconds(5),
    });
    const objects = synth(chart);
    expect(schemaProblems(objects)).toEqual([]);
    const pod = find(objects, 'Rollout').spec.template.spec;
    expect(pod.initContainers[0]).toMatchObject({
      name: 'proxy',
      restartPolicy: 'Always',
      ports: [{ name: 'proxy', containerPort: 15001 }],
    });
    expect(pod.terminationGracePeriodSeconds).toBe(40);
    expect(pod.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
  });
});
