import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration } from 'cdk8s';
import * as yaml from 'js-yaml';
import { buildExamples } from '../main';
import { parsePromQL, RestartRateAnalysis } from '../lib';
import { describeWithTool } from './support/tools';
import { find, newChart, synth, synthApp } from './support/synth';

/** Runs promtool in a fresh temp dir holding `files`; returns its exit code and output. */
function promtool(bin: string, args: string[], files: Record<string, unknown>): { code: number; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promtool-'));
  try {
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), yaml.dump(content));
    const run = spawnSync(bin, args, { cwd: dir, encoding: 'utf8' });
    return { code: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Each query as a recording rule, the way `promtool check rules` reads PromQL. */
function rulesFile(queries: readonly string[]) {
  return { groups: [{ name: 'queries', rules: queries.map((expr, i) => ({ record: `query_${i}`, expr })) }] };
}

/** Every Prometheus query of every analysis template in a set of manifests. */
function analysisQueries(manifests: readonly any[]): string[] {
  return manifests
    .filter(m => m.kind === 'AnalysisTemplate' || m.kind === 'ClusterAnalysisTemplate')
    .flatMap(m => m.spec.metrics)
    .map(metric => metric.provider.prometheus?.query)
    .filter((q): q is string => q !== undefined);
}

/** Argo's expr and JavaScript agree on `<`, `||`, `isNaN` over numbers, which is all these conditions use. */
function conditionPasses(condition: string, result: number): boolean {
  return new Function('result', `return (${condition});`)(result) as boolean;
}

describeWithTool('promtool', 'apt-get install -y prometheus', 'PromQL checked by promtool', bin => {
  test('every PromQL query in the example charts passes `promtool check rules`', () => {
    const app = new App();
    buildExamples(app);
    const queries = analysisQueries(synthApp(app));
    expect(queries.length).toBeGreaterThanOrEqual(1);
    const result = promtool(bin, ['check', 'rules', 'rules.yml'], { 'rules.yml': rulesFile(queries) });
    expect(result.output).toContain(`SUCCESS: ${queries.length} rules found`);
    expect(result.code).toBe(0);
  });

  test('the synth-time parser refuses exactly what promtool refuses', () => {
    const queries = [
      'scalar(sum(up) - sum(up offset 2m))',
      'sum by (pod) (rate(http_requests_total{code=~"5.."}[5m]))',
      'histogram_quantile(0.9, sum by (le) (rate(latency_bucket[5m])))',
      '1 < bool 2',
      'up[5m]',
      'sum(rate(x[5m])',
      '1 < 2',
      'rate(up)',
      'sum(1)',
      'up and 1',
      'scalar(up[5m])',
      'foo bar',
      '1e400',
      '1e300',
      'rate(up[0s])',
      'rate(up[42])',
    ];
    const verdicts = queries.map(q => {
      const ours = (() => {
        try {
          parsePromQL(q);
          return 'ok';
        } catch {
          return 'refused';
        }
      })();
      const theirs =
        promtool(bin, ['check', 'rules', 'rules.yml'], { 'rules.yml': rulesFile([q]) }).code === 0 ? 'ok' : 'refused';
      return { q, ours, theirs };
    });
    for (const v of verdicts) expect({ q: v.q, verdict: v.ours }).toEqual({ q: v.q, verdict: v.theirs });
    // Both kinds of verdict occur, so the comparison means something.
    expect(new Set(verdicts.map(v => v.theirs))).toEqual(new Set(['ok', 'refused']));
  });

  describe('the restart-rate query evaluated by `promtool test rules`', () => {
    const chart = newChart();
    const analysis = new RestartRateAnalysis(chart, 'restart-rate', {
      prometheusAddress: 'http://prometheus:9090',
      namespace: 'default',
      container: 'flaky-update',
      window: Duration.minutes(2),
      threshold: 2,
    });
    const metric = find(synth(chart), 'AnalysisTemplate', 'restart-rate').spec.metrics[0];
    const rules = {
      groups: [{ name: 'restart-rate', rules: [{ record: 'restart_rate', expr: `vector(${analysis.query})` }] }],
    };
    const series = (container: string, pod: string, values: string) => ({
      series: `kube_pod_container_status_restarts_total{namespace="default", container="${container}", pod="${pod}"}`,
      values,
    });

    /** Evaluates the query at 4m on series sampled every 30 s (index 8 is 4m, index 4 is 2m). */
    function evaluate(inputSeries: object[], expected: { value: number } | 'NaN') {
      const check =
        expected === 'NaN'
          ? { expr: 'restart_rate != bool restart_rate', eval_time: '4m', exp_samples: [{ labels: '{}', value: 1 }] } // true only for NaN
          : { expr: 'restart_rate', eval_time: '4m', exp_samples: [{ labels: 'restart_rate', value: expected.value }] };
      const tests = {
        rule_files: ['rules.yml'],
        evaluation_interval: '30s',
        tests: [{ interval: '30s', input_series: inputSeries, promql_expr_test: [check] }],
      };
      return promtool(bin, ['test', 'rules', 'tests.yml'], { 'rules.yml': rules, 'tests.yml': tests });
    }

    test('the template carries the seed query and condition', () => {
      expect(metric.successCondition).toBe('result < 2');
      expect(metric.initialDelay).toBe('2m');
      expect(metric.provider.prometheus.query).toBe(analysis.query);
    });

    test('a healthy version: no restarts in the window (older restarts do not count), the condition passes', () => {
      const result = evaluate([series('flaky-update', 'a', '0x8'), series('flaky-update', 'b', '5x8')], { value: 0 });
      expect(result.output).toContain('SUCCESS');
      expect(result.code).toBe(0);
      expect(conditionPasses(metric.successCondition, 0)).toBe(true);
    });

    test('one restart in the window still passes', () => {
      const result = evaluate([series('flaky-update', 'a', '0 0 0 0 0 0 1 1 1'), series('flaky-update', 'b', '0x8')], {
        value: 1,
      });
      expect(result.code).toBe(0);
      expect(conditionPasses(metric.successCondition, 1)).toBe(true);
    });

    test('a version with 3 restarts in the window fails the condition', () => {
      const result = evaluate(
        [series('flaky-update', 'a', '0 0 0 0 0 1 2 2 2'), series('flaky-update', 'b', '4 4 4 4 4 4 4 5 5')],
        { value: 3 },
      );
      expect(result.output).toContain('SUCCESS');
      expect(result.code).toBe(0);
      expect(conditionPasses(metric.successCondition, 3)).toBe(false);
    });

    test('no data for the container: the query is NaN, and NaN fails the condition as documented', () => {
      const result = evaluate([series('other-app', 'a', '0 1 2 3 4 5 6 7 8')], 'NaN');
      expect(result.code).toBe(0);
      expect(conditionPasses(metric.successCondition, NaN)).toBe(false);
    });

    test('a container younger than the window: no sample one window ago, so NaN again', () => {
      const result = evaluate([series('flaky-update', 'a', '_ _ _ _ _ _ 0 0 0')], 'NaN');
      expect(result.code).toBe(0);
    });

    test('the harness fails when the expectation is wrong (3 restarts are not 0)', () => {
      const result = evaluate([series('flaky-update', 'a', '0 0 0 0 0 1 2 3 3')], { value: 0 });
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(/got: \{__name__="restart_rate"\} 3/);
    });

    test('onNoData "pass" turns NaN into a pass', () => {
      const passChart = newChart();
      new RestartRateAnalysis(passChart, 'restart-rate', {
        prometheusAddress: 'http://prometheus:9090',
        namespace: 'default',
        container: 'flaky-update',
        threshold: 2,
        onNoData: 'pass',
      });
      const condition = find(synth(passChart), 'AnalysisTemplate').spec.metrics[0].successCondition;
      expect(condition).toBe('isNaN(result) || result < 2');
      expect(conditionPasses(condition, NaN)).toBe(true);
      expect(conditionPasses(condition, 3)).toBe(false);
    });
  });
});
