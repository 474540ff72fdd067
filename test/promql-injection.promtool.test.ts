import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import * as yaml from 'js-yaml';
import {
  AnalysisTemplate,
  CanaryStep,
  Condition,
  DeliveryError,
  MetricProvider,
  parsePromQL,
  Rollout,
  RolloutStrategy,
} from '../lib';
import { describeWithTool } from './support/tools';
import { promqlStructure, substituteArgs } from '../lib/rollouts/promql';

/** An error-ratio gate: `service` stands inside string literals, `window` outside any. */
const QUERY =
  'sum(rate(http_errors_total{service="{{args.service}}"}[{{args.window}}])) / sum(rate(http_requests_total{service="{{args.service}}"}[{{args.window}}]))';
const BASELINE = { service: 'shop', window: '5m' };

/** Builds a Rollout whose canary step runs the gate with these use-site values; true when the library accepts them. */
function accepts(values: { service: string; window: string }): boolean {
  const chart = Testing.chart();
  const gate = new AnalysisTemplate(chart, 'gate', {
    args: { service: {}, window: {} },
    metrics: [
      {
        name: 'errors',
        provider: MetricProvider.prometheus({ address: 'http://prometheus:9090', query: QUERY }),
        condition: Condition.vectorFirstBelow(0.05),
      },
    ],
  });
  try {
    new Rollout(chart, 'ro', {
      app: 'shop',
      image: 'shop:1.0',
      strategy: RolloutStrategy.canary({
        steps: [CanaryStep.setWeight(50), CanaryStep.pause(), CanaryStep.analysis(gate, values)],
      }),
    });
    return true;
  } catch (e) {
    if (!(e instanceof DeliveryError)) throw e;
    return false;
  }
}

const ATTACKS = [
  'shop"} or vector(1) or up{a="',
  'shop"}) or vector(1) #',
  'shop\\"',
  'shop\\',
  "shop'",
  'shop`',
  'shop\n',
  'shop\r\n) or vector(1)',
  'shop\u0000',
  '5m])) or vector(1) #',
  '5m]) or vector(1',
  '5m] offset 1h',
  '5m #',
  '5m\n',
  'or',
  'offset',
  'bool',
  'unless',
  '5 m',
  '-5m',
  '(5m)',
  '5m]',
  '0s',
  '0m',
  '1e400',
  'Inf',
  'NaN',
  '{{args.service}}',
  '',
];
const BENIGN = [
  'shop',
  'cart',
  'checkout-api',
  'a b c',
  '.*',
  'shop|cart',
  '#',
  'x or vector(1)',
  '5m',
  '1h',
  '30s',
  '1h30m',
  '1d',
  'up',
  'job:rate5m',
  '42',
];

describeWithTool('promtool', 'apt-get install -y prometheus', 'PromQL injection through argument values', bin => {
  // Every value tried, for each argument; the accepted ones are checked for structure and by promtool.
  const tried: Array<{ service: string; window: string; accepted: boolean }> = [];
  const values = [...ATTACKS, ...BENIGN];
  fc.assert(
    fc.property(
      fc.oneof(fc.string({ maxLength: 16 }), fc.string({ unit: 'binary', maxLength: 16 }), fc.constantFrom(...values)),
      v => {
        values.push(v);
      },
    ),
    { numRuns: 150 },
  );
  for (const v of values) {
    tried.push({ ...BASELINE, service: v, accepted: accepts({ ...BASELINE, service: v }) });
    tried.push({ ...BASELINE, window: v, accepted: accepts({ ...BASELINE, window: v }) });
  }
  const accepted = tried.filter(t => t.accepted).map(({ service, window }) => ({ service, window }));

  test('the attacks are refused, plain values accepted', () => {
    for (const v of ATTACKS.filter(a => a !== '' && a !== '{{args.service}}')) {
      expect({
        v,
        accepted:
          tried.some(t => t.accepted && t.service === v && t.window === BASELINE.window) &&
          tried.some(t => t.accepted && t.window === v),
      }).toEqual({ v, accepted: false });
    }
    for (const v of ['5m])) or vector(1) #', 'or', '0s', '1e400', '-5m'])
      expect(accepts({ ...BASELINE, window: v })).toBe(false);
    for (const v of ['shop"} or vector(1) or up{a="', 'shop\\', 'shop\n'])
      expect(accepts({ ...BASELINE, service: v })).toBe(false);
    for (const v of ['shop', 'a b c', '.*', '#', 'x or vector(1)'])
      expect(accepts({ ...BASELINE, service: v })).toBe(true);
    for (const v of ['5m', '1h30m', '30s']) expect(accepts({ ...BASELINE, window: v })).toBe(true);
  });

  test('every accepted value leaves the query with the same structure', () => {
    const structure = promqlStructure(substituteArgs(QUERY, BASELINE));
    for (const t of accepted) {
      const query = substituteArgs(QUERY, t);
      expect({ query, type: parsePromQL(query).type }).toEqual({ query, type: 'vector' });
      expect({ query, structure: promqlStructure(query) }).toEqual({ query, structure });
    }
  });

  test('no accepted value turns the failing gate (10% errors) into a passing one (`promtool test rules`)', () => {
    // 10 errors in 100 requests every 30 s for shop: the ratio is 0.1, above the 0.05 the gate allows.
    const input_series = [
      { series: 'http_errors_total{service="shop"}', values: '0+10x40' },
      { series: 'http_requests_total{service="shop"}', values: '0+100x40' },
    ];
    // The gate passes only if some element is below 0.05; expect none, for every accepted value.
    const cases = [BASELINE, ...accepted].map(t => ({
      expr: `count((${substituteArgs(QUERY, t)}) < 0.05)`,
      eval_time: '20m',
      exp_samples: [],
    }));
    // The harness can fail: the same check on a healthy ratio (0.1 < 0.5) finds a sample.
    const control = {
      expr: `count((${substituteArgs(QUERY, BASELINE)}) < 0.5)`,
      eval_time: '20m',
      exp_samples: [{ labels: '{}', value: 1 }],
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promtool-'));
    try {
      fs.writeFileSync(path.join(dir, 'rules.yml'), yaml.dump({ groups: [] }));
      fs.writeFileSync(
        path.join(dir, 'tests.yml'),
        yaml.dump({
          rule_files: ['rules.yml'],
          evaluation_interval: '30s',
          tests: [{ interval: '30s', input_series, promql_expr_test: [...cases, control] }],
        }),
      );
      const run = spawnSync(bin, ['test', 'rules', 'tests.yml'], { cwd: dir, encoding: 'utf8' });
      expect(`${run.stdout}${run.stderr}`).toContain('SUCCESS');
      expect(run.status).toBe(0);
      expect(cases.length).toBeGreaterThan(20);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
