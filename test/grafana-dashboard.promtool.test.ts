import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { NatsPipelineChart } from '../examples/nats-pipeline';
import { GrafanaDashboard, NatsServer } from '../lib';
import { find, newChart, synth } from './support/synth';
import { describeWithTool } from './support/tools';

/** The example chart's dashboard, parsed from the ConfigMap it synthesizes, and the NATS Service. */
function exampleDashboard() {
  const out = Testing.synth(new NatsPipelineChart(Testing.app(), 'nats-pipeline'));
  const cm = out.find(m => m.kind === 'ConfigMap' && m.metadata.labels?.grafana_dashboard === '1');
  const [file] = Object.keys(cm.data);
  return { file, cm, dashboard: JSON.parse(cm.data[file]), service: find(out, 'Service', 'my-nats') };
}

function targets(dashboard: any): Array<{ panel: string; refId: string; expr: string }> {
  return dashboard.panels.flatMap((p: any) =>
    p.targets.map((t: any) => ({ panel: p.title, refId: t.refId, expr: t.expr })),
  );
}

// Grafana replaces its built-in $__ macros before the query reaches Prometheus; promtool gets what Prometheus gets.
const GRAFANA_MACROS: Record<string, string> = { $__rate_interval: '1m' };
function asPrometheusSees(expr: string): string {
  let out = expr;
  for (const [macro, value] of Object.entries(GRAFANA_MACROS)) out = out.split(macro).join(value);
  if (out.includes('$')) throw new Error(`unexpected Grafana variable left in ${expr}`);
  return out;
}

describe('the NATS Grafana dashboard', () => {
  test("is a ConfigMap entry <name>.json that parses as a dashboard with the course's panels", () => {
    const { file, cm, dashboard } = exampleDashboard();
    expect(file).toBe(`${cm.metadata.name}.json`);
    expect(dashboard.uid).toBe('my-nats-dashboard');
    expect(dashboard.panels.map((p: any) => p.title)).toEqual([
      'CPU',
      'Memory',
      'Bytes in/out',
      'Messages in/out',
      'Connections',
      'Subscriptions',
      'Slow consumers',
    ]);
    const ids = dashboard.panels.map((p: any) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test("reads the exporter's nats_varz_* metrics of the pipeline's NATS Service and namespace", () => {
    const { dashboard, service } = exampleDashboard();
    const namespace = service.metadata.namespace ?? 'default';
    for (const t of targets(dashboard)) {
      expect(t.expr).toMatch(/\bnats_varz_[a-z_]+\{/);
      expect(t.expr).toContain(`service="${service.metadata.name}"`);
      expect(t.expr).toContain(`namespace="${namespace}"`);
    }
  });

  test('shows bytes and messages in and out as rates of the counters', () => {
    const byPanel = (title: string) =>
      targets(exampleDashboard().dashboard)
        .filter(t => t.panel === title)
        .map(t => t.expr);
    expect(byPanel('Bytes in/out')).toEqual([
      expect.stringMatching(/^rate\(nats_varz_in_bytes\{[^}]*\}\[\$__rate_interval\]\)$/),
      expect.stringMatching(/^rate\(nats_varz_out_bytes\{[^}]*\}\[\$__rate_interval\]\)$/),
    ]);
    expect(byPanel('Messages in/out')).toEqual([
      expect.stringMatching(/^rate\(nats_varz_in_msgs\{[^}]*\}\[\$__rate_interval\]\)$/),
      expect.stringMatching(/^rate\(nats_varz_out_msgs\{[^}]*\}\[\$__rate_interval\]\)$/),
    ]);
    expect(byPanel('Slow consumers')).toEqual([expect.stringMatching(/^increase\(nats_varz_slow_consumers\{/)]);
  });

  test('every panel and query uses the datasource template variable, which lists Prometheus data sources', () => {
    const { dashboard } = exampleDashboard();
    expect(dashboard.templating.list).toEqual([
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    ]);
    for (const p of dashboard.panels) {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of p.targets) expect(t.datasource).toEqual(p.datasource);
    }
    expect(JSON.stringify(dashboard)).not.toMatch(/\$\{DS_/);
  });

  test('with a datasource uid, every panel uses that uid and there is no template variable', () => {
    const chart = newChart();
    const server = new NatsServer(chart, 'nats');
    const d = new GrafanaDashboard(chart, 'dash', { server, datasourceUid: 'prom-main' });
    const parsed = JSON.parse(find(synth(chart), 'ConfigMap', 'nats-dashboard').data[d.fileName]);
    expect(parsed.templating.list).toEqual([]);
    for (const p of parsed.panels) expect(p.datasource).toEqual({ type: 'prometheus', uid: 'prom-main' });
  });

  test("the ConfigMap goes to the chart's namespace unless told otherwise", () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'monitoring' });
    new GrafanaDashboard(chart, 'dash', { server: new NatsServer(chart, 'nats') });
    expect(find(Testing.synth(chart), 'ConfigMap', 'nats-dashboard').metadata.namespace).toBe('monitoring');
  });

  describe('fails if', () => {
    test('fails if the uid is longer than Grafana allows', () => {
      const chart = newChart();
      const server = new NatsServer(chart, 'nats');
      expect(() => new GrafanaDashboard(chart, 'dash', { server, uid: 'x'.repeat(41) })).toThrow(
        /^test\/dash: 'uid' is "x{41}": must be 1 to 40 letters, digits, "-" and "_"/,
      );
    });

    test('fails if the datasource uid is not a Grafana uid', () => {
      const chart = newChart();
      const server = new NatsServer(chart, 'nats');
      expect(() => new GrafanaDashboard(chart, 'dash', { server, datasourceUid: '${DS_PROMETHEUS}' })).toThrow(
        /^test\/dash: 'datasourceUid' is "\$\{DS_PROMETHEUS\}": must be a Grafana data source uid/,
      );
    });
  });
});

describeWithTool(
  'promtool',
  'sudo apt-get install -y prometheus',
  "the dashboard's PromQL, checked by promtool",
  promtool => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-promql-'));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    function checkRules(exprs: string[]) {
      const file = path.join(dir, `rules-${exprs.length}-${Date.now()}.yml`);
      const rules = exprs.map((expr, i) => ({ record: `dashboard:query_${i}`, expr }));
      fs.writeFileSync(file, yaml.dump({ groups: [{ name: 'nats-dashboard', rules }] }));
      return spawnSync(promtool, ['check', 'rules', file], { encoding: 'utf8', timeout: 20000 });
    }

    test('every panel query passes promtool check rules', () => {
      const exprs = targets(exampleDashboard().dashboard).map(t => asPrometheusSees(t.expr));
      expect(exprs).toHaveLength(9);
      const result = checkRules(exprs);
      expect(result.stdout + result.stderr).toContain(`SUCCESS: ${exprs.length} rules found`);
      expect(result.status).toBe(0);
    });

    test('promtool rejects a rate() without a range (the check can fail)', () => {
      const result = checkRules(['rate(nats_varz_in_msgs{service="my-nats"})']);
      expect(result.status).not.toBe(0);
      expect(result.stdout + result.stderr).toMatch(/range vector/);
    });

    test("the message and byte rates are per second and only for the pipeline's Service", () => {
      const byPanel = (title: string) =>
        targets(exampleDashboard().dashboard)
          .filter(t => t.panel === title)
          .map(t => asPrometheusSees(t.expr));
      const [msgsIn] = byPanel('Messages in/out');
      const [bytesIn] = byPanel('Bytes in/out');
      const own = 'namespace="default",pod="my-nats-0",service="my-nats"';
      const other = 'namespace="default",pod="other-0",service="other-nats"';
      const testFile = path.join(dir, 'rates.test.yml');
      fs.writeFileSync(
        testFile,
        yaml.dump({
          rule_files: [],
          evaluation_interval: '1m',
          tests: [
            {
              interval: '15s',
              input_series: [
                // 15 messages and 1500 bytes every 15 s: 1 msg/s and 100 B/s.
                { series: `nats_varz_in_msgs{${own}}`, values: '0+15x40' },
                { series: `nats_varz_in_bytes{${own}}`, values: '0+1500x40' },
                // Another NATS Service's counters, which the dashboard must not show.
                { series: `nats_varz_in_msgs{${other}}`, values: '0+150x40' },
                { series: `nats_varz_in_bytes{${other}}`, values: '0+15000x40' },
              ],
              promql_expr_test: [
                { expr: msgsIn, eval_time: '5m', exp_samples: [{ labels: `{${own}}`, value: 1 }] },
                { expr: bytesIn, eval_time: '5m', exp_samples: [{ labels: `{${own}}`, value: 100 }] },
              ],
            },
          ],
        }),
      );
      const result = spawnSync(promtool, ['test', 'rules', testFile], { encoding: 'utf8', timeout: 20000 });
      expect(result.stdout + result.stderr).toContain('SUCCESS');
      expect(result.status).toBe(0);
    });
  },
);
