import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Duration } from 'cdk8s';
import * as yaml from 'js-yaml';
import {
  AnalysisTemplate,
  AnalysisUse,
  CanaryStep,
  ClusterAnalysisTemplate,
  Condition,
  DeliveryError,
  HostIngress,
  IntOrPercent,
  MetricProvider,
  RestartRateAnalysis,
  Rollout,
  RolloutStrategy,
  StableDeployment,
  TrafficRouting,
  VersionedService,
} from '../lib';
import { attack, AttackResult, expectValidOutput, HostileTarget } from './support/hostile';
import { describeWithTool } from './support/tools';

const address = 'http://prometheus.monitoring.svc:9090';
const RUNS = 150;

/**
 * A factory's arguments as props: `build` refuses arguments the factory does not take (as
 * checkProps would) and passes the rest to the factory, inside a Rollout or template that renders it.
 */
function factoryTarget(
  construct: string,
  args: Record<string, unknown>,
  use: (chart: Chart, args: any) => void,
): HostileTarget {
  return {
    construct,
    props: args,
    build: (chart, given) => {
      const unknown = Object.keys(given).find(k => !(k in args));
      if (unknown !== undefined)
        throw new DeliveryError(chart.node.path, unknown, given[unknown], `is not an argument of ${construct}`);
      use(chart, given);
    },
  };
}

const template = (chart: Chart) =>
  new AnalysisTemplate(chart, 'restarts', {
    args: { container: { default: 'web' }, window: { default: '5m' } },
    metrics: [
      {
        name: 'restarts',
        provider: MetricProvider.prometheus({
          address,
          query: 'sum(rate(kube_pod_container_status_restarts_total{container="{{args.container}}"}[{{args.window}}]))',
        }),
        condition: Condition.vectorFirstBelow(1),
        initialDelay: Duration.minutes(1),
      },
    ],
  });
const rollout = (chart: Chart, strategy: RolloutStrategy) =>
  new Rollout(chart, 'ro', { app: 'web', image: 'web:1.0', port: 8080, replicas: 4, strategy });

const TARGETS: HostileTarget[] = [
  {
    construct: 'Rollout (own pod template)',
    props: {
      app: 'web',
      image: 'web:1.0',
      port: 8080,
      replicas: 4,
      name: 'web',
      minReady: Duration.seconds(5),
      progressDeadline: Duration.minutes(5),
      revisionHistoryLimit: 3,
      labelKeys: { app: 'app' },
    },
    build: (chart, props) =>
      new Rollout(chart, 'ro', {
        ...props,
        strategy: RolloutStrategy.canary({ steps: [CanaryStep.setWeight(50), CanaryStep.pause()] }),
      }),
  },
  {
    construct: 'Rollout (workloadRef)',
    props: { workloadScaleDown: 'progressively', replicas: 4, progressDeadlineAbort: true },
    build: (chart, props) => {
      const dep = new StableDeployment(chart, 'dep', { app: 'web', image: 'web:1.0', port: 8080 });
      new Rollout(chart, 'ro', {
        ...props,
        workloadRef: dep,
        strategy: RolloutStrategy.canary({ steps: [CanaryStep.setWeight(50), CanaryStep.pause()] }),
      });
    },
  },
  factoryTarget(
    'RolloutStrategy.canary',
    {
      options: {
        maxSurge: IntOrPercent.count(1),
        maxUnavailable: IntOrPercent.count(0),
        dynamicStableScale: false,
        steps: [CanaryStep.setWeight(25)],
      },
    },
    (chart, a) => rollout(chart, RolloutStrategy.canary(a.options)),
  ),
  // Maps (annotations, headers) stay out of the attacked props: the harness would count a new key in them as an unknown
  // prop.
  factoryTarget(
    'RolloutStrategy.canary with traffic routing',
    { dynamicStableScale: true, abortScaleDownDelay: Duration.seconds(10), annotationValue: 'X-Canary' },
    (chart, a) => {
      const r = new Rollout(chart, 'ro', { app: 'web', image: 'web:1.0', port: 8080 });
      const stable = new VersionedService(chart, 'stable', { serves: r, name: 'web-stable', port: 80 });
      const canary = new VersionedService(chart, 'canary', { serves: r, name: 'web-canary', port: 80 });
      const ingress = new HostIngress(chart, 'ing', {
        name: 'web',
        rules: [{ host: 'web.example.com', service: stable }],
      });
      r.setStrategy(
        RolloutStrategy.canary({
          canaryService: canary,
          stableService: stable,
          dynamicStableScale: a.dynamicStableScale,
          abortScaleDownDelay: a.abortScaleDownDelay,
          trafficRouting: TrafficRouting.nginx(ingress, {
            additionalIngressAnnotations: { 'canary-by-header': a.annotationValue },
          }),
          steps: [CanaryStep.setWeight(30), CanaryStep.pause()],
        }),
      );
    },
  ),
  factoryTarget('CanaryStep.setWeight', { percent: 50 }, (chart, a) =>
    rollout(chart, RolloutStrategy.canary({ steps: [CanaryStep.setWeight(a.percent), CanaryStep.pause()] })),
  ),
  factoryTarget('CanaryStep.pause', { duration: Duration.seconds(30) }, (chart, a) =>
    rollout(chart, RolloutStrategy.canary({ steps: [CanaryStep.setWeight(50), CanaryStep.pause(a.duration)] })),
  ),
  factoryTarget('CanaryStep.analysis', { args: { container: 'web', window: '10m' } }, (chart, a) =>
    rollout(
      chart,
      RolloutStrategy.canary({
        steps: [CanaryStep.setWeight(50), CanaryStep.pause(), CanaryStep.analysis(template(chart), a.args)],
      }),
    ),
  ),
  factoryTarget('RolloutStrategy.canary background analysis', { startingStep: 1 }, (chart, a) =>
    rollout(
      chart,
      RolloutStrategy.canary({
        steps: [CanaryStep.setWeight(50), CanaryStep.pause()],
        analysis: { uses: [AnalysisUse.of(template(chart))], startingStep: a.startingStep },
      }),
    ),
  ),
  {
    construct: 'AnalysisTemplate (prometheus)',
    props: { name: 'error-rate', args: { service: {}, window: { default: '5m' } } },
    build: (chart, props) => {
      const t = new AnalysisTemplate(chart, 't', {
        ...props,
        metrics: [
          {
            name: 'errors',
            provider: MetricProvider.prometheus({
              address,
              query: 'sum(rate(http_requests_total{service="{{args.service}}"}[{{args.window}}]))',
            }),
            condition: Condition.vectorFirstBelow(0.05),
            interval: Duration.minutes(1),
            count: 5,
            failureLimit: 1,
          },
        ],
      });
      rollout(
        chart,
        RolloutStrategy.canary({
          steps: [CanaryStep.setWeight(50), CanaryStep.pause(), CanaryStep.analysis(t, { service: 'web' })],
        }),
      );
    },
  },
  factoryTarget(
    'AnalysisTemplate metric',
    {
      metric: {
        name: 'm',
        count: 3,
        interval: Duration.minutes(1),
        failureLimit: 1,
        inconclusiveLimit: 1,
        consecutiveErrorLimit: 2,
        initialDelay: Duration.seconds(30),
        dryRun: false,
      },
    },
    (chart, a) =>
      new AnalysisTemplate(chart, 't', {
        metrics: [
          {
            provider: MetricProvider.prometheus({ address, query: 'scalar(sum(up))' }),
            condition: Condition.scalarBelow(2),
            ...a.metric,
          },
        ],
      }),
  ),
  factoryTarget(
    'MetricProvider.prometheus',
    { props: { address, query: 'scalar(sum(up))', timeout: Duration.seconds(20), insecure: false }, header: 'team-a' },
    (chart, a) =>
      new AnalysisTemplate(chart, 't', {
        metrics: [
          {
            name: 'm',
            provider: MetricProvider.prometheus({ ...a.props, headers: { 'X-Scope-OrgID': a.header } }),
            condition: Condition.scalarBelow(2),
          },
        ],
      }),
  ),
  factoryTarget(
    'MetricProvider.web',
    {
      props: {
        url: 'https://status.example.com/{{args.path}}',
        jsonPath: '{$.ok}',
        method: 'POST',
        body: '{}',
        timeout: Duration.seconds(5),
        resultShape: 'scalar',
      },
      header: 'Bearer {{args.token}}',
    },
    (chart, a) =>
      new ClusterAnalysisTemplate(chart, 't', {
        args: { path: { default: 'healthz' }, token: { fromSecret: { name: 'auth', key: 'token' } } },
        metrics: [
          {
            name: 'm',
            provider: MetricProvider.web({ ...a.props, headers: { Authorization: a.header } }),
            condition: Condition.scalarAtLeast(1),
          },
        ],
      }),
  ),
  factoryTarget(
    'MetricProvider.job',
    {
      props: {
        image: 'busybox:1.36',
        command: ['sh', '-c', 'true'],
        args: ['x'],
        backoffLimit: 1,
        activeDeadline: Duration.minutes(5),
      },
    },
    (chart, a) => new AnalysisTemplate(chart, 't', { metrics: [{ name: 'm', provider: MetricProvider.job(a.props) }] }),
  ),
  factoryTarget(
    'Condition.scalarBelow',
    { threshold: 2, options: { onNaN: 'inconclusive' } },
    (chart, a) =>
      new AnalysisTemplate(chart, 't', {
        metrics: [
          {
            name: 'm',
            provider: MetricProvider.prometheus({ address, query: 'scalar(sum(up))' }),
            condition: Condition.scalarBelow(a.threshold, a.options),
          },
        ],
      }),
  ),
  factoryTarget(
    'Condition.vectorAllAbove',
    { threshold: 0.9, options: { onEmpty: 'pass' } },
    (chart, a) =>
      new AnalysisTemplate(chart, 't', {
        metrics: [
          {
            name: 'm',
            provider: MetricProvider.prometheus({ address, query: 'sum(up)' }),
            condition: Condition.vectorAllAbove(a.threshold, a.options),
          },
        ],
      }),
  ),
  factoryTarget(
    'Condition.expr',
    { success: 'result[0] >= 0.95', failure: 'result[0] < 0.5', shape: 'vector' },
    (chart, a) =>
      new AnalysisTemplate(chart, 't', {
        metrics: [
          {
            name: 'm',
            provider: MetricProvider.prometheus({ address, query: 'sum(up)' }),
            condition: Condition.expr(a.success, a.failure, a.shape),
          },
        ],
      }),
  ),
  {
    construct: 'AnalysisTemplate.fromName',
    props: { name: 'success-rate', clusterScope: true, args: { service: {} } },
    build: (chart, props) => {
      const ext = AnalysisTemplate.fromName(chart, 'ext', props);
      rollout(
        chart,
        RolloutStrategy.canary({
          steps: [CanaryStep.setWeight(50), CanaryStep.pause(), CanaryStep.analysis(ext, { service: 'web' } as any)],
        }),
      );
    },
  },
  {
    construct: 'RestartRateAnalysis',
    props: {
      name: 'restart-rate',
      prometheusAddress: address,
      namespace: 'default',
      container: 'web',
      window: Duration.minutes(2),
      threshold: 2,
      initialDelay: Duration.minutes(3),
      onNoData: 'pass',
    },
    build: (chart, props) => new RestartRateAnalysis(chart, 'rr', props),
  },
];

const results = new Map<string, AttackResult>();

describe('hostile props for the Argo Rollouts constructs', () => {
  test.each(TARGETS.map(t => [t.construct, t] as const))(
    '%s: only DeliveryErrors or schema-valid output',
    (_, target) => {
      const result = attack(target, RUNS);
      results.set(target.construct, result);
      expect(result.refused).toBeGreaterThan(0);
      expectValidOutput(result);
    },
  );
});

describeWithTool('promtool', 'apt-get install -y prometheus', 'PromQL of accepted hostile outputs', bin => {
  test('every query of every accepted output passes `promtool check rules` (one batch)', () => {
    const queries = [...results.values()]
      .flatMap(r => r.accepted)
      .flatMap(a => a.manifests)
      .filter(m => m.kind === 'AnalysisTemplate' || m.kind === 'ClusterAnalysisTemplate')
      .flatMap(m => (m.spec as any).metrics.map((metric: any) => metric.provider.prometheus?.query))
      .filter((q): q is string => typeof q === 'string' && !q.includes('{{'));
    expect(queries.length).toBeGreaterThan(0);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promtool-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'rules.yml'),
        yaml.dump({ groups: [{ name: 'q', rules: queries.map((expr, i) => ({ record: `q_${i}`, expr })) }] }),
      );
      const run = spawnSync(bin, ['check', 'rules', 'rules.yml'], { cwd: dir, encoding: 'utf8' });
      expect(`${run.stdout}${run.stderr}`).toContain(`SUCCESS: ${queries.length} rules found`);
      expect(run.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
