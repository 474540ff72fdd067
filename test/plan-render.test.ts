import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration } from 'cdk8s';
import {
  AnalysisTemplate,
  CanaryStep,
  planFromManifests,
  planSummary,
  renderPlanMarkdown,
  renderPlanSvg,
  renderPlanTable,
  Rollout,
  RolloutPlan,
  RolloutStrategy,
  synthesizeApp,
} from '../lib';
import { readManifestFile } from '../lib/plan/read-yaml';

const FIXTURES = path.join(__dirname, 'fixtures', 'plan');
const planOf = (name: string): RolloutPlan => planFromManifests(readManifestFile(path.join(FIXTURES, name)))[0];

/** The part of xmldom's DOM the tests read (the library is compiled without the DOM types). */
interface XmlElement {
  readonly tagName: string;
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  getElementsByTagName(name: string): ArrayLike<XmlElement>;
}
interface XmlDocument {
  readonly documentElement: XmlElement;
  getElementsByTagName(name: string): ArrayLike<XmlElement>;
}

/** Parses `svg` as XML (xmldom, which throws on fatal errors); returns the document and every error it reported. */
function parseXml(svg: string): { doc: XmlDocument; problems: string[] } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a dev-time XML parser, loaded by the test only
  const { DOMParser } = require('@xmldom/xmldom');
  const problems: string[] = [];
  const doc = new DOMParser({
    onError: (level: string, message: string) => problems.push(`${level}: ${message}`),
  }).parseFromString(svg, 'image/svg+xml');
  return { doc, problems };
}

describe('the table', () => {
  test('a basic canary: heading, one aligned row per step, the least duration', () => {
    expect(renderPlanTable(planOf('basic-canary.yaml'))).toBe(
      [
        'Rollout rollouts-demo: canary, 5 replicas, no traffic routing',
        '  step  action        weight  canary  stable  holds',
        '     0  setWeight 20     20%       1       4  0s',
        '     1  pause            20%       1       4  until promoted',
        '     2  setWeight 40     40%       2       3  0s',
        '     3  pause 10s        40%       2       3  10s',
        '     4  setWeight 60     60%       3       2  0s',
        '     5  pause 10s        60%       3       2  10s',
        '     6  setWeight 80     80%       4       1  0s',
        '     7  pause 10s        80%       4       1  10s',
        '  at least 30s plus 1 promotion by hand',
        '',
      ].join('\n'),
    );
  });

  test('with an autoscaler, the pods at its minimum and maximum', () => {
    const lines = renderPlanTable(planOf('routed-canary.yaml')).split('\n');
    expect(lines[0]).toBe('Rollout shop/web: canary, 4 replicas, traffic routing, autoscaler web 2..10 (planned at 4)');
    expect(lines[1]).toMatch(/^ {2}step +action +weight +canary +stable +holds +at 2 \(min\) +at 10 \(max\)$/);
    expect(lines[5].split(/ {2,}/).map(c => c.trim())).toEqual([
      '',
      '3',
      'setCanaryScale weight 50',
      '10%',
      '2',
      '4',
      '0s',
      '1 + 2',
      '5 + 10',
    ]);
  });

  test('the one-line summaries', () => {
    expect(planSummary(planOf('basic-canary.yaml'))).toBe(
      'rollout rollouts-demo: 8 steps, at least 30s plus 1 promotion by hand, peak canary share 80% of the pods',
    );
    expect(planSummary(planOf('dynamic-stable.yaml'))).toBe(
      'rollout checkout: 6 steps, at least 1h 2m, peak canary share 75%',
    );
    expect(planSummary(planOf('blue-green.yaml'))).toBe(
      'rollout api: blue/green, 1 preview pod beside 3 active, promotes at least 2m after the preview is ready',
    );
  });
});

describe('markdown', () => {
  test('the table and a Mermaid gantt timeline with a bar per timed step and milestones for the others', () => {
    const md = renderPlanMarkdown(planOf('dynamic-stable.yaml'));
    expect(md).toContain('| step | action | weight | canary | stable | holds |\n|---:|---|---:|---:|---:|---|\n');
    expect(md).toContain('| 3 | pause 1h | 30% | 3 | 7 | 1h |\n');
    const mermaid = md.slice(md.indexOf('```mermaid\n') + 11, md.lastIndexOf('```'));
    expect(mermaid.split('\n')).toEqual([
      'gantt',
      '  title Rollout checkout',
      '  dateFormat X',
      '  axisFormat %M:%S',
      '  section weight 5%',
      '  0 setWeight 5 (2 canary, 10 stable) :milestone, s0, 0, 0s',
      '  1 pause 30s (2 canary, 10 stable) :s1, 0, 30s',
      '  section weight 30%',
      '  2 setWeight 30 (3 canary, 7 stable) :milestone, s2, 30, 0s',
      '  3 pause 1h (3 canary, 7 stable) :s3, 30, 3600s',
      '  section weight 75%',
      '  4 setWeight 75 (8 canary, 3 stable) :milestone, s4, 3630, 0s',
      '  5 pause 1m 30s (8 canary, 3 stable) :s5, 3630, 90s',
      '',
    ]);
  });
});

describe('the SVG picture', () => {
  const plans = ['basic-canary.yaml', 'routed-canary.yaml', 'dynamic-stable.yaml', 'blue-green.yaml'].map(planOf);

  test('is well-formed XML with one step mark per step, each titled with its numbers', () => {
    const svg = renderPlanSvg(plans);
    const { doc, problems } = parseXml(svg);
    expect(problems).toEqual([]);
    expect(doc.documentElement.tagName).toBe('svg');
    const marks = Array.from(doc.getElementsByTagName('g')).filter(g => g.getAttribute('class') === 'step');
    expect(marks).toHaveLength(8 + 10 + 6 + 0);
    expect(marks.map(g => g.getAttribute('data-step')).slice(0, 8)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(marks[1].getElementsByTagName('title')[0].textContent).toBe(
      'step 1: pause; weight 20%; 1 canary + 4 stable pods; holds until promoted',
    );
    const panels = Array.from(doc.getElementsByTagName('g')).filter(g => g.getAttribute('class') === 'plan');
    expect(panels).toHaveLength(4);
  });

  test('bars stack stable under canary, scaled to the most pods; the weight is one stepped line', () => {
    const { doc } = parseXml(renderPlanSvg([planOf('dynamic-stable.yaml')]));
    const marks = Array.from(doc.getElementsByTagName('g')).filter(g => g.getAttribute('class') === 'step');
    const heights = marks.map(g =>
      Array.from(g.getElementsByTagName('rect')).map(r => Number(r.getAttribute('height'))),
    );
    // The plot is 160 px high for the most pods of any step (12 = 2 + 10): 10 stable pods are 133.3 px.
    expect(heights[0]).toEqual([133.3, 26.7]);
    expect(heights[2]).toEqual([93.3, 40]);
    const paths = Array.from(doc.getElementsByTagName('path'));
    expect(paths).toHaveLength(1);
    // 5%, 30% and 75% of the 160 px weight axis above y = 218.
    expect(paths[0].getAttribute('d')).toMatch(/^M 64 218 V 210 H [\d.]+ V 210 H [\d.]+ V 170 H /);
  });

  test('escapes text and draws the same bytes for the same plans', () => {
    const plan = { ...planOf('basic-canary.yaml'), rollout: 'a<b>&"c"' };
    const svg = renderPlanSvg([plan]);
    expect(parseXml(svg).problems).toEqual([]);
    expect(svg).toContain('Rollout a&lt;b&gt;&amp;&quot;c&quot;');
    expect(renderPlanSvg([plan])).toBe(svg);
  });
});

describe('at synth', () => {
  function app() {
    const a = new App();
    const chart = new Chart(a, 'shop');
    new Rollout(chart, 'rollout', {
      app: 'shop',
      image: 'shop:2.0',
      port: 8080,
      replicas: 4,
      strategy: RolloutStrategy.canary({
        steps: [
          CanaryStep.setWeight(25),
          CanaryStep.pause(Duration.minutes(5)),
          CanaryStep.setWeight(50),
          CanaryStep.pause(),
        ],
      }),
    });
    return a;
  }

  test('synthesizeApp prints one line per Rollout after the warnings', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-synth-'));
    try {
      const lines: string[] = [];
      synthesizeApp(app(), { outdir: path.join(dir, 'dist'), log: l => lines.push(l) });
      const plan = lines.filter(l => l.startsWith('plan: '));
      expect(plan).toEqual([
        'plan: rollout shop: 4 steps, at least 5m plus 1 promotion by hand, peak canary share 50% of the pods',
      ]);
      expect(lines.indexOf(plan[0])).toBe(lines.length - 1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a Rollout that cannot be planned gets a line saying why, and the synthesis goes on', () => {
    const a = new App();
    const chart = new Chart(a, 'shop');
    const elsewhere = AnalysisTemplate.fromName(chart, 'errors', { name: 'error-rate' });
    new Rollout(chart, 'rollout', {
      app: 'shop',
      image: 'shop:2.0',
      port: 8080,
      replicas: 2,
      strategy: RolloutStrategy.canary({ steps: [CanaryStep.setWeight(50), CanaryStep.analysis(elsewhere)] }),
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-synth-'));
    try {
      const lines: string[] = [];
      expect(synthesizeApp(a, { outdir: path.join(dir, 'dist'), log: l => lines.push(l) })).toContain('shop.k8s.yaml');
      expect(lines.filter(l => l.startsWith('plan: '))).toEqual([
        'plan: rollout shop: cannot be planned: Rollout shop: runs the AnalysisTemplate "error-rate", which is not among the objects read',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('with plan: true it prints the whole table', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-synth-'));
    try {
      const lines: string[] = [];
      synthesizeApp(app(), { outdir: path.join(dir, 'dist'), log: l => lines.push(l), plan: true });
      expect(lines.filter(l => l.startsWith('plan: '))).toEqual([
        'plan: Rollout shop: canary, 4 replicas, no traffic routing',
        'plan:   step  action        weight  canary  stable  holds',
        'plan:      0  setWeight 25     25%       1       3  0s',
        'plan:      1  pause 5m         25%       1       3  5m',
        'plan:      2  setWeight 50     50%       2       2  0s',
        'plan:      3  pause            50%       2       2  until promoted',
        'plan:   at least 5m plus 1 promotion by hand',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
