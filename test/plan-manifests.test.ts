import * as path from 'path';
import { Duration } from 'cdk8s';
import {
  AnalysisTemplate,
  Autoscaler,
  CanaryStep,
  Condition,
  Cpu,
  MetricProvider,
  PlanError,
  planFromManifests,
  Rollout,
  RolloutStrategy,
} from '../lib';
import { parseManifests, readManifestFile } from '../lib/plan/read-yaml';
import { newChart } from './support/synth';

const FIXTURES = path.join(__dirname, 'fixtures', 'plan');
const fixture = (name: string) => readManifestFile(path.join(FIXTURES, name));
/** The six fields of a step the `--json` shape promises, as a tuple. */
const core = (s: {
  index: number;
  kind: string;
  weight: number;
  canaryPods: number;
  stablePods: number;
  seconds: number | null;
}) => [s.index, s.kind, s.weight, s.canaryPods, s.stablePods, s.seconds] as const;

describe("plans of hand-written Rollouts in Argo's documented forms", () => {
  test('a basic canary (no traffic routing) as in the getting-started guide: pods approximate each weight', () => {
    const [plan] = planFromManifests(fixture('basic-canary.yaml'));
    // 5 replicas, maxSurge 25% -> 2, maxUnavailable 25% -> 1: each weight is a whole number of the 5 pods.
    expect({ ...plan, steps: plan.steps.map(core) }).toEqual({
      rollout: 'rollouts-demo',
      strategy: 'canary',
      replicas: 5,
      trafficRouting: false,
      steps: [
        [0, 'setWeight', 20, 1, 4, 0],
        [1, 'pause', 20, 1, 4, null],
        [2, 'setWeight', 40, 2, 3, 0],
        [3, 'pause', 40, 2, 3, 10],
        [4, 'setWeight', 60, 3, 2, 0],
        [5, 'pause', 60, 3, 2, 10],
        [6, 'setWeight', 80, 4, 1, 0],
        [7, 'pause', 80, 4, 1, 10],
      ],
      minimumSeconds: null,
      peakCanaryPercent: 80,
    });
    expect(plan.steps.map(s => [s.action, s.until, s.peakPods])).toEqual([
      ['setWeight 20', undefined, 5],
      ['pause', 'promotion', 5],
      ['setWeight 40', undefined, 5],
      ['pause 10s', undefined, 5],
      ['setWeight 60', undefined, 5],
      ['pause 10s', undefined, 5],
      ['setWeight 80', undefined, 5],
      ['pause 10s', undefined, 5],
    ]);
  });

  test('a routed canary with setCanaryScale, an analysis template with args, an HPA, in a namespace', () => {
    const [plan] = planFromManifests(fixture('routed-canary.yaml'));
    // The --json shape: these six fields first, in this order, then the extras.
    expect(Object.keys(plan).slice(0, 6)).toEqual([
      'rollout',
      'strategy',
      'replicas',
      'trafficRouting',
      'steps',
      'minimumSeconds',
    ]);
    expect(Object.keys(plan.steps[0]).slice(0, 6)).toEqual([
      'index',
      'kind',
      'weight',
      'canaryPods',
      'stablePods',
      'seconds',
    ]);
    expect(plan.rollout).toBe('shop/web');
    expect(plan.strategy).toBe('canary');
    expect(plan.replicas).toBe(4);
    expect(plan.trafficRouting).toBe(true);
    expect(plan.minimumSeconds).toBeNull();
    expect(plan.steps.map(core)).toEqual([
      [0, 'setCanaryScale', 0, 1, 4, 0], // replicas: 1, before any setWeight
      [1, 'setWeight', 10, 1, 4, 0], // the scale holds over the weight
      [2, 'pause', 10, 1, 4, 120],
      [3, 'setCanaryScale', 10, 2, 4, 0], // weight 50 of 4 pods
      [4, 'setWeight', 25, 2, 4, 0],
      // success-rate: 1m + 30s x (5 - 1) = 3m (count from the template's default arg); latency: 1m x (2 - 1).
      [5, 'analysis', 25, 2, 4, 180],
      [6, 'setCanaryScale', 25, 1, 4, 0], // matchTrafficWeight: ceil(4 x 25%) = 1
      [7, 'setWeight', 50, 2, 4, 0],
      [8, 'pause', 50, 2, 4, null],
      [9, 'setWeight', 100, 4, 4, 0],
    ]);
    expect(plan.autoscaler).toEqual({ name: 'web', minReplicas: 2, maxReplicas: 10, replicas: 4 });
    expect(plan.steps.map(s => [s.atMinReplicas, s.atMaxReplicas])[3]).toEqual([
      { canaryPods: 1, stablePods: 2 },
      { canaryPods: 5, stablePods: 10 },
    ]);
    expect(plan.steps[5].analysis).toEqual(['success-rate']);
    expect(plan.peakCanaryPercent).toBe(100);
  });

  test('dynamicStableScale with minPodsPerReplicaSet, read from a kind: List', () => {
    const [plan] = planFromManifests(fixture('dynamic-stable.yaml'));
    expect(plan.steps.map(core)).toEqual([
      [0, 'setWeight', 5, 2, 10, 0], // ceil(0.5) = 1 canary, raised to 2; the stable keeps ceil(9.5) = 10
      [1, 'pause', 5, 2, 10, 30],
      [2, 'setWeight', 30, 3, 7, 0],
      [3, 'pause', 30, 3, 7, 3600],
      [4, 'setWeight', 75, 8, 3, 0],
      [5, 'pause', 75, 8, 3, 90], // an integer pause duration is seconds
    ]);
    expect(plan.minimumSeconds).toBe(3720);
  });

  test('blue/green: no steps; the preview, the analysis before promotion and the promotion delay', () => {
    const [plan] = planFromManifests(fixture('blue-green.yaml'));
    expect(plan).toEqual({
      rollout: 'api',
      strategy: 'blueGreen',
      replicas: 3,
      trafficRouting: false,
      steps: [],
      minimumSeconds: 0,
      blueGreen: {
        previewPods: 1,
        activePods: 3,
        autoPromotion: true,
        autoPromotionSeconds: 120,
        prePromotionAnalysis: ['smoke-test'],
        prePromotionSeconds: 0, // a job metric without count or interval measures once
        postPromotionAnalysis: [],
        promotionSeconds: 120,
      },
    });
  });

  test('templates and autoscalers are matched across files, by namespace', () => {
    const [template, rollout, hpa] = fixture('routed-canary.yaml');
    expect(planFromManifests([rollout, hpa, template])[0].steps[5].seconds).toBe(180);
    const elsewhere = { ...(template as object), metadata: { name: 'success-rate', namespace: 'other' } };
    expect(() => planFromManifests([elsewhere, rollout])).toThrow(
      new PlanError(
        'Rollout shop/web',
        'runs the AnalysisTemplate "success-rate", which is not among the objects read',
      ),
    );
  });
});

describe('what the plan refuses, naming the object', () => {
  const rollout = (steps: unknown[], extra: object = {}) =>
    parseManifests(
      'inline',
      JSON.stringify({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata: { name: 'r', namespace: 'ns' },
        spec: { replicas: 3, strategy: { canary: { steps, ...extra } } },
      }),
    );

  test.each([
    [[{ setWeight: 150 }], 'spec.strategy.canary.steps[0].setWeight is 150, not 0..100'],
    [
      [{ setWeight: 10, pause: {} }],
      'spec.strategy.canary.steps[0] must have exactly one action, has setWeight, pause',
    ],
    [
      [{ plugin: { name: 'x' } }],
      'spec.strategy.canary.steps[0] has the action "plugin", which the plan does not know',
    ],
    [
      [{ pause: { duration: '5 minutes' } }],
      'spec.strategy.canary.steps[0].pause.duration is "5 minutes", not a duration',
    ],
    [
      [{ analysis: { templates: [{ templateName: 'gone' }] } }],
      'runs the AnalysisTemplate "gone", which is not among the objects read',
    ],
    [[{ analysis: {} }], 'spec.strategy.canary.steps[0].analysis names no template'],
  ])('%j', (steps, detail) => {
    expect(() => planFromManifests(rollout(steps))).toThrow(new PlanError('Rollout ns/r', detail));
  });

  test('maxSurge that is not a count or a percentage', () => {
    expect(() => planFromManifests(rollout([{ setWeight: 10 }], { maxSurge: '1.5' }))).toThrow(
      /Rollout ns\/r: spec.strategy.canary maxSurge or maxUnavailable: "1.5" is neither a whole number nor a percentage/,
    );
  });

  test('a template argument without a value the plan can read', () => {
    const template = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 't', namespace: 'ns' },
      spec: { args: [{ name: 'n' }], metrics: [{ name: 'm', count: '{{args.n}}', interval: '1m' }] },
    };
    expect(() =>
      planFromManifests([...rollout([{ analysis: { templates: [{ templateName: 't' }] } }]), template]),
    ).toThrow(
      new PlanError(
        'AnalysisTemplate t',
        'spec.metrics[0].count: uses {{args.n}}, which has no value the plan can read',
      ),
    );
  });

  test('two autoscalers on one Rollout', () => {
    const hpa = (name: string) => ({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name, namespace: 'ns' },
      spec: { scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'r' }, maxReplicas: 5 },
    });
    expect(() => planFromManifests([...rollout([{ setWeight: 10 }]), hpa('a'), hpa('b')])).toThrow(
      /Rollout ns\/r: is targeted by 2 HorizontalPodAutoscalers \(a, b\)/,
    );
  });
});

describe("Rollout.plan() on the library's constructs", () => {
  function restarts(scope: ReturnType<typeof newChart>) {
    return new AnalysisTemplate(scope, 'restarts', {
      metrics: [
        {
          name: 'restarts',
          provider: MetricProvider.prometheus({ address: 'http://prometheus:9090', query: 'scalar(vector(0))' }),
          condition: Condition.scalarBelow(2),
          initialDelay: Duration.seconds(30),
          interval: Duration.minutes(1),
          count: 3,
        },
      ],
    });
  }

  test('the same pods as effectiveWeights, the analysis time from the template, the autoscaler range', () => {
    const chart = newChart();
    const rollout = new Rollout(chart, 'rollout', {
      app: 'shop',
      image: 'shop:2.0',
      port: 8080,
      resources: { cpu: { request: Cpu.millis(100) } },
      strategy: RolloutStrategy.canary({
        steps: [
          CanaryStep.setWeight(25),
          CanaryStep.pause(Duration.minutes(1)),
          CanaryStep.analysis(restarts(chart)),
          CanaryStep.setWeight(50),
          CanaryStep.pause(),
        ],
      }),
    });
    new Autoscaler(chart, 'hpa', { target: rollout, minReplicas: 4, maxReplicas: 8 });
    const plan = rollout.plan();
    // Autoscaled: no spec.replicas (1), brought into [4, 8] -> planned at 4; at 8 too.
    expect(plan.replicas).toBe(1);
    expect(plan.autoscaler).toEqual({ name: 'shop-autoscaler', minReplicas: 4, maxReplicas: 8, replicas: 4 });
    expect(plan.steps.map(core)).toEqual([
      [0, 'setWeight', 25, 1, 3, 0],
      [1, 'pause', 25, 1, 3, 60],
      [2, 'analysis', 25, 1, 3, 150], // 30s + 1m x (3 - 1)
      [3, 'setWeight', 50, 2, 2, 0],
      [4, 'pause', 50, 2, 2, null],
    ]);
    expect(plan.steps.map(s => s.atMaxReplicas)).toEqual([
      { canaryPods: 2, stablePods: 6 },
      { canaryPods: 2, stablePods: 6 },
      { canaryPods: 2, stablePods: 6 },
      { canaryPods: 4, stablePods: 4 },
      { canaryPods: 4, stablePods: 4 },
    ]);
  });

  test('agrees with effectiveWeights on every setWeight step of a fixed-size Rollout', () => {
    const chart = newChart();
    const weights = [10, 30, 45, 60, 90];
    const rollout = new Rollout(chart, 'rollout', {
      app: 'shop',
      image: 'shop:2.0',
      port: 8080,
      replicas: 7,
      strategy: RolloutStrategy.canary({ steps: weights.map(w => CanaryStep.setWeight(w)) }),
    });
    expect(rollout.plan().steps.map(s => [s.canaryPods, s.stablePods])).toEqual(
      rollout.effectiveWeights!.map(w => [w.canaryPods, w.stablePods]),
    );
  });
});
