import { App, Duration } from 'cdk8s';
import {
  AnalysisTemplate,
  AnalysisUse,
  CanaryStep,
  ClusterAnalysisTemplate,
  Condition,
  HostIngress,
  IntOrPercent,
  MetricProvider,
  RestartRateAnalysis,
  Rollout,
  RolloutStrategy,
  StableDeployment,
  TrafficRouting,
  VersionedService,
} from '../../../lib';
import { BadInput, chart, prometheus, restarts, web } from '../bad-input-kit';

const scalar = 'scalar(sum(up))';
const metric = (over: object = {}) => ({
  name: 'm',
  provider: MetricProvider.prometheus({ address: prometheus, query: scalar }),
  condition: Condition.scalarBelow(2),
  ...over,
});
const template = (app: App, over: object = {}) => new AnalysisTemplate(chart(app), 't', { metrics: [metric(over)] });
const canary = (app: App, options: object, extra: object = {}) =>
  new Rollout(chart(app), 'ro', { ...web, ...extra, strategy: RolloutStrategy.canary(options as any) });
const serviceQuery = 'sum(rate(http_requests_total{service="{{args.service}}"}[{{args.window}}]))';
/** A Rollout running a template whose query has a string-literal and a bare placeholder. */
const withArgs = (app: App, args: Record<string, string>) => {
  const c = chart(app);
  const t = new AnalysisTemplate(c, 'rate', {
    args: { service: {}, window: { default: '5m' } },
    metrics: [
      {
        name: 'errors',
        provider: MetricProvider.prometheus({ address: prometheus, query: serviceQuery }),
        condition: Condition.vectorFirstBelow(1),
      },
    ],
  });
  new Rollout(c, 'ro', {
    ...web,
    strategy: RolloutStrategy.canary({
      steps: [CanaryStep.setWeight(50), CanaryStep.pause(), CanaryStep.analysis(t, args as any)],
    }),
  });
};
const routed = (app: App, options: object) => {
  const c = chart(app);
  const r = new Rollout(c, 'ro', web);
  const stable = new VersionedService(c, 'stable', { serves: r, name: 'web-stable', port: 80 });
  const can = new VersionedService(c, 'canary', { serves: r, name: 'web-canary', port: 80 });
  const ingress = new HostIngress(c, 'ing', { name: 'web', rules: [{ host: 'web.example.com', service: stable }] });
  r.setStrategy(
    RolloutStrategy.canary({
      canaryService: can,
      stableService: stable,
      trafficRouting: TrafficRouting.nginx(ingress),
      ...options,
    }),
  );
};

/** Bad inputs for Rollout, CanaryStep, AnalysisTemplate, RestartRateAnalysis. */
export const ROLLOUT_ROWS: readonly BadInput[] = [
  // Rollout: props from JavaScript callers
  {
    construct: 'Rollout',
    name: 'misspelt prop',
    build: app => new Rollout(chart(app), 'ro', { ...web, replica: 3 } as any),
    path: 'app/ro',
    prop: 'replica',
    value: '3',
    message: "app/ro: 'replica' is 3: is not a prop of Rollout: did you mean 'replicas'?",
  },
  {
    construct: 'Rollout',
    name: 'replicas as a string',
    build: app => new Rollout(chart(app), 'ro', { ...web, replicas: '3' } as any),
    path: 'app/ro',
    prop: 'replicas',
    value: '"3"',
    message: 'app/ro: \'replicas\' is "3": must be a number or left out',
  },
  {
    construct: 'Rollout',
    name: 'replicas NaN',
    build: app => new Rollout(chart(app), 'ro', { ...web, replicas: NaN, strategy: RolloutStrategy.canary() }),
    path: 'app/ro',
    prop: 'replicas',
    value: 'NaN',
    message: "app/ro: 'replicas' is NaN: must be a whole number from 0 to 2147483647",
  },
  {
    construct: 'Rollout',
    name: 'replicas beyond int32',
    build: app => new Rollout(chart(app), 'ro', { ...web, replicas: 2 ** 31, strategy: RolloutStrategy.canary() }),
    path: 'app/ro',
    prop: 'replicas',
    value: '2147483648',
    message: "app/ro: 'replicas' is 2147483648: must be a whole number from 0 to 2147483647",
  },
  {
    construct: 'Rollout',
    name: 'workloadScaleDown not an Argo value',
    build: app => {
      const c = chart(app);
      const dep = new StableDeployment(c, 'web', web);
      new Rollout(c, 'ro', {
        workloadRef: dep,
        workloadScaleDown: 'always' as any,
        strategy: RolloutStrategy.canary(),
      });
    },
    path: 'app/ro',
    prop: 'workloadScaleDown',
    value: '"always"',
    message: 'app/ro: \'workloadScaleDown\' is "always": must be one of "never", "onsuccess", "progressively"',
  },
  {
    construct: 'Rollout',
    name: 'minReady at the default progress deadline',
    build: app => canary(app, {}, { minReady: Duration.minutes(10) }),
    path: 'app/ro',
    prop: 'minReady',
    value: '"600s"',
    message:
      'app/ro: \'minReady\' is "600s": must be shorter than the progress deadline, 600s by default (the API server refuses the object otherwise); set progressDeadline longer, or minReady shorter',
  },
  // Rollout: canary strategy and steps
  {
    construct: 'Rollout',
    name: 'setWeight NaN',
    build: app => canary(app, { steps: [CanaryStep.setWeight(NaN)] }),
    path: 'app/ro',
    prop: 'strategy.steps[0].setWeight',
    value: 'NaN',
    message: "app/ro: 'strategy.steps[0].setWeight' is NaN: must be a whole percentage from 0 to 100",
  },
  {
    construct: 'Rollout',
    name: 'setWeight -0',
    build: app => canary(app, { steps: [CanaryStep.setWeight(-0)] }),
    path: 'app/ro',
    prop: 'strategy.steps[0].setWeight',
    value: '-0',
    message: "app/ro: 'strategy.steps[0].setWeight' is -0: must be a whole percentage from 0 to 100",
  },
  {
    construct: 'Rollout',
    name: 'fractional setWeight',
    build: app => canary(app, { steps: [CanaryStep.setWeight(12.5)] }),
    path: 'app/ro',
    prop: 'strategy.steps[0].setWeight',
    value: '12.5',
    message: "app/ro: 'strategy.steps[0].setWeight' is 12.5: must be a whole percentage from 0 to 100",
  },
  {
    construct: 'Rollout',
    name: 'pause with a string duration',
    build: app => canary(app, { steps: [CanaryStep.pause('30s' as any)] }),
    path: 'app/ro',
    prop: 'strategy.steps[0].pause.duration',
    value: '"30s"',
    message: 'app/ro: \'strategy.steps[0].pause.duration\' is "30s": must be a Duration, e.g. Duration.seconds(30)',
  },
  {
    construct: 'Rollout',
    name: 'pause longer than int32 seconds',
    build: app => canary(app, { steps: [CanaryStep.pause(Duration.hours(600_000))] }),
    path: 'app/ro',
    prop: 'strategy.steps[0].pause.duration',
    value: '"2160000000000ms"',
    message:
      'app/ro: \'strategy.steps[0].pause.duration\' is "2160000000000ms": must be a whole number of seconds from 0 to 2147483647',
  },
  {
    construct: 'Rollout',
    name: 'misspelt strategy option',
    build: app => canary(app, { step: [] }),
    path: 'app/ro',
    prop: 'strategy.step',
    value: '[]',
    message: "app/ro: 'strategy.step' is []: is not a prop of Rollout: did you mean 'strategy.steps'?",
  },
  {
    construct: 'Rollout',
    name: 'startingStep beyond the steps',
    build: app => {
      const c = chart(app);
      new Rollout(c, 'ro', {
        ...web,
        strategy: RolloutStrategy.canary({
          steps: [CanaryStep.setWeight(50), CanaryStep.pause()],
          analysis: { uses: [AnalysisUse.of(restarts(c))], startingStep: 2 },
        }),
      });
    },
    path: 'app/ro',
    prop: 'strategy.analysis.startingStep',
    value: '2',
    message: "app/ro: 'strategy.analysis.startingStep' is 2: must be a whole number from 0 to 1",
  },
  {
    construct: 'Rollout',
    name: 'setCanaryScale with an unknown key',
    build: app => routed(app, { steps: [CanaryStep.setCanaryScale({ replica: 1 } as any)] }),
    path: 'app/ro',
    prop: 'strategy.steps[0].setCanaryScale.replica',
    value: '1',
    message:
      "app/ro: 'strategy.steps[0].setCanaryScale.replica' is 1: is not a prop of Rollout: did you mean 'strategy.steps[0].setCanaryScale.replicas'?",
  },
  {
    construct: 'Rollout',
    name: 'dynamicStableScale with scaleDownDelay under traffic routing',
    build: app => routed(app, { dynamicStableScale: true, scaleDownDelay: Duration.seconds(30) }),
    path: 'app/ro',
    prop: 'strategy.dynamicStableScale',
    value: 'true',
    message:
      "app/ro: 'strategy.dynamicStableScale' is true: cannot be combined with scaleDownDelay (30s): Argo refuses the pair; with dynamicStableScale the stable pods scale down as traffic leaves them",
  },
  {
    construct: 'Rollout',
    name: 'setWeight that Argo runs with no canary pod (tie fallback)',
    build: app =>
      canary(
        app,
        {
          maxSurge: IntOrPercent.count(0),
          maxUnavailable: IntOrPercent.count(1),
          steps: [CanaryStep.setWeight(95), CanaryStep.pause()],
        },
        { replicas: 10 },
      ),
    path: 'app/ro',
    prop: 'strategy.steps[0].setWeight',
    value: '95',
    message:
      "[app/ro] 'strategy.steps[0].setWeight' is 95: runs 0 canary pods of 10 without traffic routing and without surge: Argo's approximation finds no split at this tie (10 x 95% = 9.5 pods) and falls back to none; pick another weight, allow maxSurge, change replicas, or use traffic routing",
  },
  {
    construct: 'Rollout',
    name: 'use-site value closing a string literal',
    build: app => withArgs(app, { service: 'shop"} or vector(1) or up{a="' }),
    path: 'app/ro',
    prop: 'strategy.steps[2].analysis[0].args.service',
    value: '"shop\\"} or vector(1) or up{a=\\""',
    message:
      'app/ro: \'strategy.steps[2].analysis[0].args.service\' is "shop\\"} or vector(1) or up{a=\\"": stands inside a string literal of the query of metric "errors", so it must not hold quotes, backslashes, line breaks or other control characters: they would end the string and let the rest of the value rewrite the query (template app/rate)',
  },
  {
    construct: 'Rollout',
    name: 'use-site value adding or vector(1) outside a string',
    build: app => withArgs(app, { service: 'shop', window: '5m])) or vector(1) #' }),
    path: 'app/ro',
    prop: 'strategy.steps[2].analysis[0].args.window',
    value: '"5m])) or vector(1) #"',
    message:
      'app/ro: \'strategy.steps[2].analysis[0].args.window\' is "5m])) or vector(1) #": stands outside any string literal of the query of metric "errors", so it must be one number (e.g. 0.05), duration (e.g. 5m) or name (e.g. http_requests_total) that is not a PromQL keyword: anything more could change the query\'s structure (template app/rate)',
  },
  {
    construct: 'Rollout',
    name: 'use-site value with a newline',
    build: app => withArgs(app, { service: 'shop\n' }),
    path: 'app/ro',
    prop: 'strategy.steps[2].analysis[0].args.service',
    value: '"shop\\n"',
    message:
      'app/ro: \'strategy.steps[2].analysis[0].args.service\' is "shop\\n": stands inside a string literal of the query of metric "errors", so it must not hold quotes, backslashes, line breaks or other control characters: they would end the string and let the rest of the value rewrite the query (template app/rate)',
  },
  {
    construct: 'Rollout',
    name: 'use-site value that is a PromQL keyword',
    build: app => withArgs(app, { service: 'shop', window: 'offset' }),
    path: 'app/ro',
    prop: 'strategy.steps[2].analysis[0].args.window',
    value: '"offset"',
    message:
      'app/ro: \'strategy.steps[2].analysis[0].args.window\' is "offset": stands outside any string literal of the query of metric "errors", so it must be one number (e.g. 0.05), duration (e.g. 5m) or name (e.g. http_requests_total) that is not a PromQL keyword: anything more could change the query\'s structure (template app/rate)',
  },
  {
    construct: 'Rollout',
    name: 'use-site args that are not an object',
    build: app => {
      const c = chart(app);
      new Rollout(c, 'ro', {
        ...web,
        strategy: RolloutStrategy.canary({ steps: [CanaryStep.analysis(restarts(c), 'shop' as any)] }),
      });
    },
    path: 'app/ro',
    prop: 'strategy.steps[0].analysis[0].args',
    value: '"shop"',
    message:
      'app/ro: \'strategy.steps[0].analysis[0].args\' is "shop": must be an object of argument names to string values',
  },
  {
    construct: 'Rollout',
    name: 'use-site value for a secret-backed arg',
    build: app => {
      const c = chart(app);
      const t = new AnalysisTemplate(c, 'w', {
        args: { token: { fromSecret: { name: 'auth', key: 'token' } } },
        metrics: [
          {
            name: 'm',
            provider: MetricProvider.web({
              url: 'https://status.example.com/',
              headers: { Authorization: 'Bearer {{args.token}}' },
            }),
            condition: Condition.expr('result == true'),
          },
        ],
      });
      new Rollout(c, 'ro', {
        ...web,
        strategy: RolloutStrategy.canary({
          steps: [CanaryStep.pause(), CanaryStep.analysis(t, { token: 's3cret' } as any)],
        }),
      });
    },
    path: 'app/ro',
    prop: 'strategy.steps[1].analysis[0].args.token',
    value: '"s3cret"',
    message:
      'app/ro: \'strategy.steps[1].analysis[0].args.token\' is "s3cret": must be left out: app/w reads it from Secret auth (key token), and a value here would replace the Secret with plain text',
  },
  // AnalysisTemplate
  {
    construct: 'AnalysisTemplate',
    name: 'misspelt metric option',
    build: app => template(app, { cout: 3 }),
    path: 'app/t',
    prop: 'metrics[0].cout',
    value: '3',
    message: "app/t: 'metrics[0].cout' is 3: is not a prop of AnalysisTemplate: did you mean 'metrics[0].count'?",
  },
  {
    construct: 'AnalysisTemplate',
    name: 'count below inconclusiveLimit',
    build: app => template(app, { count: 2, interval: Duration.minutes(1), inconclusiveLimit: 3 }),
    path: 'app/t',
    prop: 'metrics.m.inconclusiveLimit',
    value: '3',
    message: "app/t: 'metrics.m.inconclusiveLimit' is 3: must be at most count (2): Argo refuses a larger one",
  },
  {
    construct: 'AnalysisTemplate',
    name: 'failureLimit Infinity',
    build: app => template(app, { failureLimit: Infinity }),
    path: 'app/t',
    prop: 'metrics.m.failureLimit',
    value: 'Infinity',
    message: "app/t: 'metrics.m.failureLimit' is Infinity: must be a whole number from 0 to 2147483647",
  },
  {
    construct: 'AnalysisTemplate',
    name: 'consecutiveErrorLimit beyond int32',
    build: app => template(app, { consecutiveErrorLimit: 2 ** 31 }),
    path: 'app/t',
    prop: 'metrics.m.consecutiveErrorLimit',
    value: '2147483648',
    message: "app/t: 'metrics.m.consecutiveErrorLimit' is 2147483648: must be a whole number from 0 to 2147483647",
  },
  {
    construct: 'AnalysisTemplate',
    name: 'interval beyond a Go duration',
    build: app => template(app, { interval: Duration.hours(2_600_000) }),
    path: 'app/t',
    prop: 'metrics.m.interval',
    value: '"9360000000000ms"',
    message:
      'app/t: \'metrics.m.interval\' is "9360000000000ms": must be a Duration from 0 to 9223372036854ms (2562047h)',
  },
  {
    construct: 'AnalysisTemplate',
    name: 'Prometheus address with user:password@',
    build: app =>
      template(app, {
        provider: MetricProvider.prometheus({ address: 'http://admin:hunter2@prometheus:9090', query: scalar }),
      }),
    path: 'app/t',
    prop: 'metrics.m.provider.address',
    value: '"http://admin:hunter2@prometheus:9090"',
    message:
      "app/t: 'metrics.m.provider.address' is \"http://admin:hunter2@prometheus:9090\": must not carry credentials (user:password@): they would sit in plain text in the manifest; put the credential in a Secret and send it as a header from a secret-backed argument: args: { token: { fromSecret: { name: 'prometheus-auth', key: 'token' } } }, headers: { Authorization: 'Bearer {{args.token}}' }",
  },
  {
    construct: 'AnalysisTemplate',
    name: 'web URL with a token in the userinfo',
    build: app =>
      template(app, {
        provider: MetricProvider.web({ url: 'https://token@status.example.com/' }),
        condition: Condition.expr('result == true'),
      }),
    path: 'app/t',
    prop: 'metrics.m.provider.url',
    value: '"https://token@status.example.com/"',
    message:
      "app/t: 'metrics.m.provider.url' is \"https://token@status.example.com/\": must not carry credentials (user:password@): they would sit in plain text in the manifest; put the credential in a Secret and send it as a header from a secret-backed argument: args: { token: { fromSecret: { name: 'prometheus-auth', key: 'token' } } }, headers: { Authorization: 'Bearer {{args.token}}' }",
  },
  {
    construct: 'AnalysisTemplate',
    name: 'Prometheus address that is a number',
    build: app => template(app, { provider: MetricProvider.prometheus({ address: 42 as any, query: scalar }) }),
    path: 'app/t',
    prop: 'metrics.m.provider.address',
    value: '42',
    message: "app/t: 'metrics.m.provider.address' is 42: must be a string",
  },
  {
    construct: 'AnalysisTemplate',
    name: 'web method in lower case',
    build: app =>
      template(app, {
        provider: MetricProvider.web({ url: 'https://status.example.com/', method: 'get' as any }),
        condition: Condition.expr('result == true'),
      }),
    path: 'app/t',
    prop: 'metrics.m.provider.method',
    value: '"get"',
    message: 'app/t: \'metrics.m.provider.method\' is "get": must be one of "GET", "POST", "PUT"',
  },
  {
    construct: 'AnalysisTemplate',
    name: 'header value with a line break',
    build: app =>
      template(app, {
        provider: MetricProvider.web({
          url: 'https://status.example.com/',
          headers: { 'X-Team': 'a\r\nX-Admin: yes' },
        }),
        condition: Condition.expr('result == true'),
      }),
    path: 'app/t',
    prop: 'metrics.m.provider.headers.X-Team',
    value: '"a\\r\\nX-Admin: yes"',
    message:
      'app/t: \'metrics.m.provider.headers.X-Team\' is "a\\r\\nX-Admin: yes": must be a header value: a string without line breaks or control characters',
  },
  {
    construct: 'AnalysisTemplate',
    name: 'job backoffLimit -1',
    build: app =>
      template(app, {
        provider: MetricProvider.job({ image: 'busybox:1.36', command: ['true'], backoffLimit: -1 }),
        condition: undefined,
      }),
    path: 'app/t',
    prop: 'metrics.m.provider.backoffLimit',
    value: '-1',
    message: "app/t: 'metrics.m.provider.backoffLimit' is -1: must be a whole number from 0 to 2147483647",
  },
  {
    construct: 'AnalysisTemplate',
    name: 'job command as a string',
    build: app =>
      template(app, {
        provider: MetricProvider.job({ image: 'busybox:1.36', command: 'true' as any }),
        condition: undefined,
      }),
    path: 'app/t',
    prop: 'metrics.m.provider.command',
    value: '"true"',
    message: 'app/t: \'metrics.m.provider.command\' is "true": must be an array',
  },
  {
    construct: 'AnalysisTemplate',
    name: 'job activeDeadline of 0',
    build: app =>
      template(app, {
        provider: MetricProvider.job({ image: 'busybox:1.36', command: ['true'], activeDeadline: Duration.seconds(0) }),
        condition: undefined,
      }),
    path: 'app/t',
    prop: 'metrics.m.provider.activeDeadline',
    value: '"0ms"',
    message:
      'app/t: \'metrics.m.provider.activeDeadline\' is "0ms": must be a whole number of seconds from 1 to 2147483647',
  },
  {
    construct: 'AnalysisTemplate',
    name: 'condition threshold NaN',
    build: app => template(app, { condition: Condition.scalarBelow(NaN) }),
    path: 'app/t',
    prop: 'metrics.m.condition.threshold',
    value: 'NaN',
    message: "app/t: 'metrics.m.condition.threshold' is NaN: must be a finite number",
  },
  {
    construct: 'AnalysisTemplate',
    name: 'condition onNaN not a known outcome',
    build: app => template(app, { condition: Condition.scalarBelow(2, { onNaN: 'ignore' as any }) }),
    path: 'app/t',
    prop: 'metrics.m.condition.onNaN',
    value: '"ignore"',
    message: 'app/t: \'metrics.m.condition.onNaN\' is "ignore": must be one of "fail", "pass", "inconclusive"',
  },
  {
    construct: 'AnalysisTemplate',
    name: 'default that closes its string literal',
    build: app =>
      new ClusterAnalysisTemplate(chart(app), 't', {
        args: { service: { default: 'x"} or vector(1) #' } },
        metrics: [
          metric({
            provider: MetricProvider.prometheus({ address: prometheus, query: 'sum(up{service="{{args.service}}"})' }),
            condition: Condition.vectorFirstBelow(1),
          }),
        ],
      }),
    path: 'app/t',
    prop: 'args.service.default',
    value: '"x\\"} or vector(1) #"',
    message:
      'app/t: \'args.service.default\' is "x\\"} or vector(1) #": stands inside a string literal of the query of metric "m", so it must not hold quotes, backslashes, line breaks or other control characters: they would end the string and let the rest of the value rewrite the query',
  },
  {
    construct: 'AnalysisTemplate',
    name: 'secret-backed arg with a default too',
    build: app =>
      new AnalysisTemplate(chart(app), 't', {
        args: { token: { default: 'x', fromSecret: { name: 'auth', key: 'token' } } },
        metrics: [metric()],
      }),
    path: 'app/t',
    prop: 'args.token.default',
    value: '"x"',
    message: 'app/t: \'args.token.default\' is "x": must be unset with fromSecret: the value comes from the Secret',
  },
  {
    construct: 'AnalysisTemplate',
    name: 'secret-backed arg in a query',
    build: app =>
      new AnalysisTemplate(chart(app), 't', {
        args: { token: { fromSecret: { name: 'auth', key: 'token' } } },
        metrics: [
          metric({
            provider: MetricProvider.prometheus({
              address: prometheus,
              query: 'scalar(sum(up{job="{{args.token}}"}))',
            }),
          }),
        ],
      }),
    path: 'app/t',
    prop: 'metrics.m.query',
    value: '"scalar(sum(up{job=\\"{{args.token}}\\"}))"',
    message:
      'app/t: \'metrics.m.query\' is "scalar(sum(up{job=\\"{{args.token}}\\"}))": uses {{args.token}}, which comes from Secret auth: a query cannot be checked against a value only known when the analysis runs; send secrets as headers',
  },
  // RestartRateAnalysis
  {
    construct: 'RestartRateAnalysis',
    name: 'threshold NaN',
    build: app =>
      new RestartRateAnalysis(chart(app), 'restart-rate', {
        prometheusAddress: prometheus,
        namespace: 'default',
        container: 'web',
        threshold: NaN,
      }),
    path: 'app/restart-rate',
    prop: 'threshold',
    value: 'NaN',
    message: "app/restart-rate: 'threshold' is NaN: must be a whole number from 1 to 2147483647",
  },
  {
    construct: 'RestartRateAnalysis',
    name: 'missing namespace',
    build: app =>
      new RestartRateAnalysis(chart(app), 'restart-rate', {
        prometheusAddress: prometheus,
        container: 'web',
        threshold: 2,
      } as any),
    path: 'app/restart-rate',
    prop: 'namespace',
    value: 'undefined',
    message: "app/restart-rate: 'namespace' is undefined: is required: give a string",
  },
  {
    construct: 'RestartRateAnalysis',
    name: 'onNoData not a known outcome',
    build: app =>
      new RestartRateAnalysis(chart(app), 'restart-rate', {
        prometheusAddress: prometheus,
        namespace: 'default',
        container: 'web',
        threshold: 2,
        onNoData: 'skip' as any,
      }),
    path: 'app/restart-rate',
    prop: 'onNoData',
    value: '"skip"',
    message: 'app/restart-rate: \'onNoData\' is "skip": must be one of "fail", "pass", "inconclusive"',
  },
  {
    construct: 'RestartRateAnalysis',
    name: 'Prometheus address with credentials',
    build: app =>
      new RestartRateAnalysis(chart(app), 'restart-rate', {
        prometheusAddress: 'https://u:p@prometheus:9090',
        namespace: 'default',
        container: 'web',
        threshold: 2,
      }),
    path: 'app/restart-rate',
    prop: 'prometheusAddress',
    value: '"https://u:p@prometheus:9090"',
    message:
      "app/restart-rate: 'prometheusAddress' is \"https://u:p@prometheus:9090\": must not carry credentials (user:password@): they would sit in plain text in the manifest; put the credential in a Secret and send it as a header from a secret-backed argument: args: { token: { fromSecret: { name: 'prometheus-auth', key: 'token' } } }, headers: { Authorization: 'Bearer {{args.token}}' }",
  },
];
