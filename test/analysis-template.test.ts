import { Duration, Testing } from 'cdk8s';
import {
  AnalysisTemplate,
  AnalysisUse,
  ClusterAnalysisTemplate,
  Condition,
  DeliveryError,
  MetricProvider,
  parsePromQL,
} from '../lib';
import { schemaProblems } from './support/schemas';
import { find, newChart, synth } from './support/synth';
import { checkExpr } from '../lib/rollouts/analysis-metric';

const address = 'http://prometheus.monitoring.svc:9090';
const vectorQuery = 'sum(rate(http_requests_total{service="{{args.service}}", code=~"5.."}[5m]))';
const scalarQuery = 'scalar(sum(rate(http_requests_total{code=~"5.."}[5m])))';

/**
 * Evaluates a condition the way Argo's expr does for these simple forms (JS shares the comparison and NaN semantics).
 */
function passes(condition: string, result: number): boolean {
  return new Function('result', `return (${condition});`)(result) as boolean;
}

describe('AnalysisTemplate', () => {
  test('renders metrics, args with defaults, dryRun, and validates against the Argo Rollouts schema', () => {
    const chart = newChart();
    new AnalysisTemplate(chart, 'errors', {
      name: 'error-rate',
      args: { service: {}, window: { default: '5m' } },
      metrics: [
        {
          name: 'errors',
          provider: MetricProvider.prometheus({ address, query: vectorQuery, timeout: Duration.seconds(20) }),
          condition: Condition.vectorFirstBelow(0.05),
          interval: Duration.minutes(1),
          count: 5,
          failureLimit: 1,
          inconclusiveLimit: 2,
          consecutiveErrorLimit: 3,
          initialDelay: Duration.seconds(30),
          dryRun: true,
        },
      ],
    });
    const out = synth(chart);
    const t = find(out, 'AnalysisTemplate', 'error-rate');
    expect(t.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(t.spec).toEqual({
      args: [{ name: 'service' }, { name: 'window', value: '5m' }],
      dryRun: [{ metricName: 'errors' }],
      metrics: [
        {
          name: 'errors',
          initialDelay: '30s',
          interval: '1m',
          count: 5,
          successCondition: 'len(result) > 0 && result[0] < 0.05',
          failureLimit: 1,
          inconclusiveLimit: 2,
          consecutiveErrorLimit: 3,
          provider: { prometheus: { address, query: vectorQuery, timeout: 20 } },
        },
      ],
    });
    expect(schemaProblems(out)).toEqual([]);
  });

  test('web and job providers render and validate; a job metric takes no condition', () => {
    const chart = newChart();
    new ClusterAnalysisTemplate(chart, 'smoke', {
      metrics: [
        {
          name: 'health',
          provider: MetricProvider.web({
            url: 'http://shop.default.svc/healthz',
            jsonPath: '{$.ok}',
            headers: { Accept: 'application/json' },
            timeout: Duration.seconds(5),
            resultShape: 'scalar',
          }),
          condition: Condition.scalarAtLeast(1),
        },
        {
          name: 'e2e',
          provider: MetricProvider.job({ image: 'curlimages/curl:8.5.0', command: ['curl', '-f', 'http://shop/'] }),
        },
      ],
    });
    const out = synth(chart);
    const t = find(out, 'ClusterAnalysisTemplate', 'smoke');
    expect(t.spec.metrics[0]).toEqual({
      name: 'health',
      successCondition: 'result >= 1',
      provider: {
        web: {
          url: 'http://shop.default.svc/healthz',
          jsonPath: '{$.ok}',
          headers: [{ key: 'Accept', value: 'application/json' }],
          timeoutSeconds: 5,
        },
      },
    });
    const job = t.spec.metrics[1].provider.job.spec;
    expect(job.backoffLimit).toBe(0);
    // A Job whose pod never starts fails the measurement after 10 minutes instead of holding the analysis.
    expect(job.activeDeadlineSeconds).toBe(600);
    expect(job.template.spec.restartPolicy).toBe('Never');
    expect(job.template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(job.template.spec.containers[0]).toMatchObject({
      image: 'curlimages/curl:8.5.0',
      command: ['curl', '-f', 'http://shop/'],
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    });
    expect(t.spec.metrics[1]).not.toHaveProperty('successCondition');
    expect(schemaProblems(out)).toEqual([]);
  });

  test('credentials come from a Secret: a secret-backed arg renders valueFrom.secretKeyRef and fills headers', () => {
    const chart = newChart();
    new AnalysisTemplate(chart, 'errors', {
      args: { service: {}, token: { fromSecret: { name: 'prometheus-auth', key: 'token' } } },
      metrics: [
        {
          name: 'errors',
          provider: MetricProvider.prometheus({
            address,
            query: vectorQuery,
            headers: { Authorization: 'Bearer {{args.token}}' },
          }),
          condition: Condition.vectorFirstBelow(0.05),
        },
        {
          name: 'health',
          provider: MetricProvider.web({
            url: 'https://status.example.com/{{args.service}}',
            headers: { 'X-Api-Key': '{{args.token}}' },
            resultShape: 'scalar',
          }),
          condition: Condition.scalarAtLeast(1),
        },
        {
          name: 'smoke',
          provider: MetricProvider.job({
            image: 'busybox:1.36',
            command: ['true'],
            activeDeadline: Duration.minutes(2),
          }),
        },
      ],
    });
    const out = synth(chart);
    const spec = find(out, 'AnalysisTemplate').spec;
    expect(spec.args).toEqual([
      { name: 'service' },
      { name: 'token', valueFrom: { secretKeyRef: { name: 'prometheus-auth', key: 'token' } } },
    ]);
    expect(spec.metrics[0].provider.prometheus.headers).toEqual([
      { key: 'Authorization', value: 'Bearer {{args.token}}' },
    ]);
    expect(spec.metrics[1].provider.web.headers).toEqual([{ key: 'X-Api-Key', value: '{{args.token}}' }]);
    expect(spec.metrics[2].provider.job.spec.activeDeadlineSeconds).toBe(120);
    expect(schemaProblems(out)).toEqual([]);
  });

  test('an external template emits nothing and keeps its declared name and args', () => {
    const chart = newChart();
    const ext = AnalysisTemplate.fromName(chart, 'shared', {
      name: 'success-rate',
      args: { service: {} },
      clusterScope: true,
    });
    expect(synth(chart)).toEqual([]);
    expect(ext.templateName).toBe('success-rate');
    expect(ext.clusterScope).toBe(true);
    expect(ext.metrics).toBeUndefined();
  });

  test('typed args: required values are compile errors when missing, unknown names too', () => {
    const chart = newChart();
    const t = new AnalysisTemplate(chart, 't', {
      args: { service: {}, window: { default: '5m' } },
      metrics: [
        {
          name: 'm',
          provider: MetricProvider.prometheus({ address, query: vectorQuery }),
          condition: Condition.vectorFirstBelow(1),
        },
      ],
    });
    expect(AnalysisUse.of(t, { service: 'shop' }).args).toEqual({ service: 'shop' });
    expect(AnalysisUse.of(t, { service: 'shop', window: '10m' }).args).toEqual({ service: 'shop', window: '10m' });
    // Each call below must not compile: `tsc --noEmit` (part of `npm test`) fails on an unused @ts-expect-error.
    // The runtime checks behind them are in rollout.test.ts.
    void (() => {
      // @ts-expect-error: `service` has no default, so a value is required
      AnalysisUse.of(t, {});
      // @ts-expect-error: no args at all
      AnalysisUse.of(t);
      // @ts-expect-error: `servce` is not an argument
      AnalysisUse.of(t, { service: 'shop', servce: 'x' });
    });
    const noArgs = new AnalysisTemplate(chart, 'plain', {
      metrics: [
        {
          name: 'm',
          provider: MetricProvider.prometheus({ address, query: scalarQuery }),
          condition: Condition.scalarBelow(1),
        },
      ],
    });
    expect(AnalysisUse.of(noArgs).args).toEqual({});
    expect(schemaProblems(synth(chart))).toEqual([]);
  });

  describe('condition helpers know the result shape and say what empty or NaN does', () => {
    test.each([
      ['scalarBelow, NaN fails', Condition.scalarBelow(2), 'result < 2', undefined],
      [
        'scalarBelow, NaN passes',
        Condition.scalarBelow(2, { onNaN: 'pass' }),
        'isNaN(result) || result < 2',
        undefined,
      ],
      [
        'scalarBelow, NaN inconclusive',
        Condition.scalarBelow(2, { onNaN: 'inconclusive' }),
        'result < 2',
        'result >= 2',
      ],
      ['scalarAtMost', Condition.scalarAtMost(2), 'result <= 2', undefined],
      ['scalarAbove', Condition.scalarAbove(0.9), 'result > 0.9', undefined],
      ['vectorFirstBelow, empty fails', Condition.vectorFirstBelow(2), 'len(result) > 0 && result[0] < 2', undefined],
      [
        'vectorFirstBelow, empty passes',
        Condition.vectorFirstBelow(2, { onEmpty: 'pass' }),
        'len(result) == 0 || result[0] < 2',
        undefined,
      ],
      [
        'vectorFirstAbove, empty inconclusive',
        Condition.vectorFirstAbove(0.9, { onEmpty: 'inconclusive' }),
        'len(result) > 0 && result[0] > 0.9',
        'len(result) > 0 && result[0] <= 0.9',
      ],
      ['vectorAllBelow', Condition.vectorAllBelow(2), 'len(result) > 0 && all(result, {# < 2})', undefined],
      [
        'vectorAllBelow, empty passes',
        Condition.vectorAllBelow(2, { onEmpty: 'pass' }),
        'all(result, {# < 2})',
        undefined,
      ],
      [
        'vectorAllAbove, empty inconclusive',
        Condition.vectorAllAbove(1, { onEmpty: 'inconclusive' }),
        'len(result) > 0 && all(result, {# > 1})',
        'any(result, {# <= 1})',
      ],
    ])('%s', (_name, condition, success, failure) => {
      expect(condition.successCondition).toBe(success);
      expect(condition.failureCondition).toBe(failure);
      expect(checkExpr(success, condition.shape)).toBeUndefined();
      if (failure) expect(checkExpr(failure, condition.shape)).toBeUndefined();
    });

    test('scalar conditions behave as documented on a number and on NaN', () => {
      expect(passes(Condition.scalarBelow(2).successCondition!, 1)).toBe(true);
      expect(passes(Condition.scalarBelow(2).successCondition!, 3)).toBe(false);
      expect(passes(Condition.scalarBelow(2).successCondition!, NaN)).toBe(false);
      expect(passes(Condition.scalarBelow(2, { onNaN: 'pass' }).successCondition!, NaN)).toBe(true);
      const inconclusive = Condition.scalarBelow(2, { onNaN: 'inconclusive' });
      expect([passes(inconclusive.successCondition!, NaN), passes(inconclusive.failureCondition!, NaN)]).toEqual([
        false,
        false,
      ]);
      expect([passes(inconclusive.successCondition!, 3), passes(inconclusive.failureCondition!, 3)]).toEqual([
        false,
        true,
      ]);
    });
  });

  test('hand-written conditions: valid expr-lang expressions pass the check, broken ones do not', () => {
    for (const ok of [
      'result[0] >= 0.95',
      'asInt(result) > 1',
      'result.successful == true',
      'result in [1, 2]',
      'result > 2 ? true : false',
      'not (result > 2)',
      '!isNaN(result) and result < 2',
      'len(filter(result, {# > 1})) == 0',
      'result matches "^ok"',
      'result ?? 0 < 1',
    ]) {
      expect({ ok, problem: checkExpr(ok, 'any') }).toEqual({ ok, problem: undefined });
    }
    for (const bad of [
      'result <',
      'result < 2)',
      '(result < 2',
      'result = 2',
      'result < 2 &&',
      'reslt < 2',
      'size(result) > 0',
      'result[0 < 2',
      '"open < 2',
    ]) {
      expect({ bad, problem: checkExpr(bad, 'any') }).toEqual({ bad, problem: expect.any(String) });
    }
  });

  test('PromQL: the parser types queries and refuses what Prometheus refuses', () => {
    expect(parsePromQL(scalarQuery).type).toBe('scalar');
    expect(parsePromQL('sum(rate(x[5m])) by (pod)').type).toBe('vector');
    expect(parsePromQL('x[5m]').type).toBe('matrix');
    expect(() => parsePromQL('sum(rate(x[5m])')).toThrow(/syntax error at offset 15/);
    expect(() => parsePromQL('1 < 2')).toThrow(/needs the bool modifier/);
    expect(() => parsePromQL('rate(x)')).toThrow(/rate\(\) argument 1 expects a range vector/);
    expect(() => parsePromQL('sum(1)')).toThrow(/sum\(\) expects an instant vector/);
    expect(() => parsePromQL('x and 1')).toThrow(/set operator "and" needs instant vectors/);
  });

  test('a placeholder outside a string without a default is parsed at each use, with the value given', () => {
    const chart = newChart();
    const t = new AnalysisTemplate(chart, 't', {
      args: { window: {} },
      metrics: [
        {
          name: 'm',
          provider: MetricProvider.prometheus({ address, query: 'sum(rate(x[{{args.window}}]))' }),
          condition: Condition.vectorFirstBelow(1),
        },
      ],
    });
    expect(t.metrics[0].deferredQuery).toBe('sum(rate(x[{{args.window}}]))');
    expect(find(synth(chart), 'AnalysisTemplate').spec.args).toEqual([{ name: 'window' }]);
    expect(schemaProblems(synth(chart))).toEqual([]);
  });

  describe('fails if', () => {
    const metric = (over: Record<string, unknown> = {}) => ({
      name: 'm',
      provider: MetricProvider.prometheus({ address, query: scalarQuery }),
      condition: Condition.scalarBelow(1),
      ...over,
    });

    test('a query does not parse (names template path, metric, query and template name)', () => {
      const chart = newChart();
      expect(
        () =>
          new AnalysisTemplate(chart, 'bad', {
            name: 'error-rate',
            metrics: [
              metric({ name: 'errors', provider: MetricProvider.prometheus({ address, query: 'sum(rate(x[5m])' }) }),
            ],
          }),
      ).toThrow(
        /^test\/bad: 'metrics\.errors\.query' is "sum\(rate\(x\[5m\]\)": is not valid PromQL \(AnalysisTemplate "error-rate", metric "errors"\): has a syntax error at offset 15/,
      );
    });

    test('a query has a type error', () => {
      expect(
        () =>
          new AnalysisTemplate(newChart(), 'bad', {
            metrics: [metric({ provider: MetricProvider.prometheus({ address, query: 'rate(up)' }) })],
          }),
      ).toThrow(/test\/bad: 'metrics\.m\.query' is "rate\(up\)": is not valid PromQL .*range vector/);
    });

    test('a query returns a range vector, which the Prometheus provider cannot evaluate', () => {
      expect(
        () =>
          new AnalysisTemplate(newChart(), 'bad', {
            metrics: [metric({ provider: MetricProvider.prometheus({ address, query: 'up[5m]' }) })],
          }),
      ).toThrow(/test\/bad: 'metrics\.m\.query' is "up\[5m\]": .*only scalar and instant-vector results/);
    });

    test('a query refers to an undeclared {{args.x}}', () => {
      expect(
        () =>
          new AnalysisTemplate(newChart(), 't', {
            args: { service: {} },
            metrics: [
              metric({
                provider: MetricProvider.prometheus({ address, query: 'sum(x{service="{{args.servce}}"})' }),
                condition: Condition.vectorFirstBelow(1),
              }),
            ],
          }),
      ).toThrow(
        /test\/t: 'metrics\.m\.provider' is "\{\{args\.servce\}\}": refers to an argument the template does not declare \(declared: service\)/,
      );
    });

    test('a scalar helper meets a vector query', () => {
      expect(
        () =>
          new AnalysisTemplate(newChart(), 't', {
            metrics: [
              metric({
                provider: MetricProvider.prometheus({ address, query: 'sum(up)' }),
                condition: Condition.scalarBelow(2),
              }),
            ],
          }),
      ).toThrow(
        /test\/t: 'metrics\.m\.condition' is "scalar < 2": is written for a scalar result, but the query returns an instant vector/,
      );
    });

    test('a vector helper meets a scalar query', () => {
      expect(
        () =>
          new AnalysisTemplate(newChart(), 't', { metrics: [metric({ condition: Condition.vectorFirstBelow(2) })] }),
      ).toThrow(
        /test\/t: 'metrics\.m\.condition' is "first element < 2": is written for a vector result, but the query is wrapped in scalar\(\)/,
      );
    });

    test('a hand-written condition uses result as a number on a vector query', () => {
      expect(
        () =>
          new AnalysisTemplate(newChart(), 't', {
            metrics: [
              metric({
                provider: MetricProvider.prometheus({ address, query: 'sum(up)' }),
                condition: Condition.expr('result < 2'),
              }),
            ],
          }),
      ).toThrow(
        /test\/t: 'metrics\.m\.condition\.successCondition' is "result < 2": uses result as a number, but the query returns an instant vector/,
      );
    });

    test('a hand-written condition indexes a scalar result', () => {
      expect(
        () =>
          new AnalysisTemplate(newChart(), 't', { metrics: [metric({ condition: Condition.expr('result[0] < 2') })] }),
      ).toThrow(/test\/t: 'metrics\.m\.condition\.successCondition' is "result\[0\] < 2": treats result as a list/);
    });

    test('a hand-written condition has a syntax error', () => {
      expect(
        () =>
          new AnalysisTemplate(newChart(), 't', {
            metrics: [metric({ condition: Condition.expr('result < ', 'result >= 2') })],
          }),
      ).toThrow(
        /test\/t: 'metrics\.m\.condition\.successCondition' is "result < ": is not a valid condition expression/,
      );
    });

    test('a hand-written condition names something other than result', () => {
      expect(
        () =>
          new AnalysisTemplate(newChart(), 't', {
            metrics: [metric({ condition: Condition.expr(undefined, 'results > 2') })],
          }),
      ).toThrow(/test\/t: 'metrics\.m\.condition\.failureCondition' is "results > 2": uses "results", but only result/);
    });

    test('a metric has no condition', () => {
      expect(() => new AnalysisTemplate(newChart(), 't', { metrics: [metric({ condition: undefined })] })).toThrow(
        /test\/t: 'metrics\.m\.condition' is undefined: must be set/,
      );
    });

    test('a job metric has a condition', () => {
      expect(
        () =>
          new AnalysisTemplate(newChart(), 't', {
            metrics: [metric({ provider: MetricProvider.job({ image: 'busybox:1.36', command: ['true'] }) })],
          }),
      ).toThrow(/test\/t: 'metrics\.m\.condition' is "scalar < 1": must be unset for a job metric/);
    });

    test("a job metric's image is untagged or latest", () => {
      for (const image of ['busybox', 'busybox:latest']) {
        expect(
          () =>
            new AnalysisTemplate(newChart(), 't', {
              metrics: [metric({ condition: undefined, provider: MetricProvider.job({ image, command: ['true'] }) })],
            }),
        ).toThrow(
          new RegExp(
            `test/t: 'metrics\\.m\\.provider\\.image' is "${image}": must carry an explicit tag other than "latest"`,
          ),
        );
      }
    });

    test('a metric has no provider (exactly one is required)', () => {
      expect(() => new AnalysisTemplate(newChart(), 't', { metrics: [metric({ provider: undefined })] })).toThrow(
        /test\/t: 'metrics\.m\.provider' is undefined: must be exactly one provider/,
      );
    });

    test('count is 0', () => {
      expect(() => new AnalysisTemplate(newChart(), 't', { metrics: [metric({ count: 0 })] })).toThrow(
        "test/t: 'metrics.m.count' is 0: must be a whole number from 1 to 2147483647",
      );
    });

    test('count is not above failureLimit', () => {
      expect(
        () =>
          new AnalysisTemplate(newChart(), 't', {
            metrics: [metric({ count: 3, interval: Duration.minutes(1), failureLimit: 3 })],
          }),
      ).toThrow(/test\/t: 'metrics\.m\.failureLimit' is 3: must be below count \(3\), or the metric can never fail/);
    });

    test('count above 1 has no interval', () => {
      expect(() => new AnalysisTemplate(newChart(), 't', { metrics: [metric({ count: 3 })] })).toThrow(
        /test\/t: 'metrics\.m\.count' is 3: needs an interval/,
      );
    });

    test('a duration is not whole seconds', () => {
      expect(
        () => new AnalysisTemplate(newChart(), 't', { metrics: [metric({ initialDelay: Duration.millis(1500) })] }),
      ).toThrow(
        'test/t: \'metrics.m.initialDelay\' is "1500ms": must be a whole number of seconds from 1 to 9223372036',
      );
    });

    test('the Prometheus address is not a URL', () => {
      expect(
        () =>
          new AnalysisTemplate(newChart(), 't', {
            metrics: [
              metric({ provider: MetricProvider.prometheus({ address: 'prometheus:9090', query: scalarQuery }) }),
            ],
          }),
      ).toThrow(/test\/t: 'metrics\.m\.provider\.address' is "prometheus:9090": must be an absolute http\(s\) URL/);
    });

    test('two metrics share a name', () => {
      expect(() => new AnalysisTemplate(newChart(), 't', { metrics: [metric(), metric()] })).toThrow(
        /test\/t: 'metrics\[1\]\.name' is "m": is used by an earlier metric/,
      );
    });

    test('there are no metrics', () => {
      expect(() => new AnalysisTemplate(newChart(), 't', { metrics: [] })).toThrow(
        /test\/t: 'metrics' is \[\]: must hold at least one metric/,
      );
    });

    test('the Prometheus address carries credentials', () => {
      expect(
        () =>
          new AnalysisTemplate(newChart(), 't', {
            metrics: [
              metric({
                provider: MetricProvider.prometheus({
                  address: 'http://admin:hunter2@prometheus:9090',
                  query: scalarQuery,
                }),
              }),
            ],
          }),
      ).toThrow(
        'test/t: \'metrics.m.provider.address\' is "http://admin:hunter2@prometheus:9090": must not carry credentials (user:password@): they would sit in plain text in the manifest; ' +
          "put the credential in a Secret and send it as a header from a secret-backed argument: args: { token: { fromSecret: { name: 'prometheus-auth', key: 'token' } } }, headers: { Authorization: 'Bearer {{args.token}}' }",
      );
    });

    test('a query uses a secret-backed arg (its value could not be checked)', () => {
      expect(
        () =>
          new AnalysisTemplate(newChart(), 't', {
            args: { token: { fromSecret: { name: 'auth', key: 'token' } } },
            metrics: [
              metric({
                provider: MetricProvider.prometheus({ address, query: 'scalar(sum(up{job="{{args.token}}"}))' }),
              }),
            ],
          }),
      ).toThrow(
        'test/t: \'metrics.m.query\' is "scalar(sum(up{job=\\"{{args.token}}\\"}))": uses {{args.token}}, which comes from Secret auth: a query cannot be checked against a value only known when the analysis runs; send secrets as headers',
      );
    });

    test('count is below inconclusiveLimit (Argo refuses it)', () => {
      expect(
        () =>
          new AnalysisTemplate(newChart(), 't', {
            metrics: [metric({ count: 2, interval: Duration.minutes(1), inconclusiveLimit: 3 })],
          }),
      ).toThrow("test/t: 'metrics.m.inconclusiveLimit' is 3: must be at most count (2): Argo refuses a larger one");
    });

    test('a default would close the string it stands in', () => {
      expect(
        () =>
          new AnalysisTemplate(newChart(), 't', {
            args: { service: { default: 'shop"} or vector(1) #' } },
            metrics: [
              metric({
                provider: MetricProvider.prometheus({ address, query: vectorQuery }),
                condition: Condition.vectorFirstBelow(1),
              }),
            ],
          }),
      ).toThrow(
        'test/t: \'args.service.default\' is "shop\\"} or vector(1) #": stands inside a string literal of the query of metric "m", so it must not hold quotes, backslashes, line breaks or other control characters: they would end the string and let the rest of the value rewrite the query',
      );
    });

    test('errors are DeliveryErrors', () => {
      expect(() => new AnalysisTemplate(Testing.chart(), 't', { metrics: [] })).toThrow(DeliveryError);
    });
  });
});
