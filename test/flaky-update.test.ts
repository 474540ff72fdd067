import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing, YamlOutputType } from 'cdk8s';
import * as yaml from 'js-yaml';
import { FlakyUpdateChart } from '../examples/flaky-update';
import { FlakyUpdateRolloutChart } from '../examples/flaky-update-rollout';
import { KUSTOMIZATION_FILE, synthesizeApp, warningsOf } from '../lib';
import { schemaProblems } from './support/schemas';
import { find, selects, synth } from './support/synth';

/** Builds a chart with FLAKY_UPDATE_TAG set to `tag` (or unset), restoring the variable afterwards. */
function withTag<T>(tag: string | undefined, build: () => T): T {
  const saved = process.env.FLAKY_UPDATE_TAG;
  if (tag === undefined) delete process.env.FLAKY_UPDATE_TAG;
  else process.env.FLAKY_UPDATE_TAG = tag;
  try {
    return build();
  } finally {
    if (saved === undefined) delete process.env.FLAKY_UPDATE_TAG;
    else process.env.FLAKY_UPDATE_TAG = saved;
  }
}

const probes = {
  readinessProbe: { httpGet: { path: '/healthz', port: 3541 }, initialDelaySeconds: 10, periodSeconds: 5 },
  livenessProbe: { httpGet: { path: '/healthz', port: 3541 }, initialDelaySeconds: 20, periodSeconds: 5 },
};

describe('flaky-update chart', () => {
  const chart = withTag(undefined, () => new FlakyUpdateChart(Testing.app(), 'flaky-update'));
  const out = synth(chart);

  test('snapshot', () => {
    expect(out).toMatchSnapshot();
  });

  test('the course Deployment: flaky-update-dep, 4 replicas, jakousa/dwk-app8:v1, probes on /healthz:3541', () => {
    expect(out.map(m => m.kind)).toEqual(['Deployment']);
    const dep = find(out, 'Deployment', 'flaky-update-dep');
    expect(dep.spec.replicas).toBe(4);
    const container = dep.spec.template.spec.containers[0];
    expect(container.name).toBe('flaky-update');
    expect(container.image).toBe('jakousa/dwk-app8:v1');
    expect(container).toMatchObject(probes);
    // The course's label key: `kubectl get po -l app=flaky-update` selects the pods.
    expect(selects({ app: 'flaky-update' }, dep.spec.template.metadata.labels)).toBe(true);
    expect(selects(dep.spec.selector.matchLabels, dep.spec.template.metadata.labels)).toBe(true);
    expect(dep.spec.selector.matchLabels).not.toHaveProperty('app.kubernetes.io/version');
    expect(dep.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(chart.deployment.version).toBe('v1');
  });

  test('FLAKY_UPDATE_TAG picks the course version (v1..v5) at synth time; the prop wins over it', () => {
    const v3 = withTag('v3', () => new FlakyUpdateChart(Testing.app(), 'flaky-update'));
    expect(find(synth(v3), 'Deployment').spec.template.spec.containers[0].image).toBe('jakousa/dwk-app8:v3');
    expect(find(synth(v3), 'Deployment').spec.template.metadata.labels['app.kubernetes.io/version']).toBe('v3');
    const prop = withTag('v3', () => new FlakyUpdateChart(Testing.app(), 'flaky-update', { tag: 'v5' }));
    expect(find(synth(prop), 'Deployment').spec.template.spec.containers[0].image).toBe('jakousa/dwk-app8:v5');
  });

  test('fails if FLAKY_UPDATE_TAG is not a usable tag', () => {
    expect(() => withTag('latest', () => new FlakyUpdateChart(Testing.app(), 'flaky-update'))).toThrow(
      /^flaky-update\/deployment: 'image' is "jakousa\/dwk-app8:latest": must carry an explicit tag other than "latest"/,
    );
  });

  test('validates against the Kubernetes schema', () => {
    expect(schemaProblems(out)).toEqual([]);
  });
});

describe('flaky-update-rollout chart', () => {
  const chart = withTag(undefined, () => new FlakyUpdateRolloutChart(Testing.app(), 'flaky-update-rollout'));
  const out = synth(chart);

  test('snapshot', () => {
    expect(out).toMatchSnapshot();
  });

  test('the AnalysisTemplate restart-rate: the seed query, success while fewer than 2 restarts, initial delay 2m', () => {
    const t = find(out, 'AnalysisTemplate', 'restart-rate');
    expect(t.spec.metrics).toHaveLength(1);
    const m = t.spec.metrics[0];
    expect(m.name).toBe('restart-rate');
    expect(m.initialDelay).toBe('2m');
    expect(m.successCondition).toBe('result < 2');
    expect(m.provider.prometheus.address).toBe(
      'http://kube-prometheus-stack-1602-prometheus.prometheus.svc.cluster.local:9090',
    );
    expect(m.provider.prometheus.query.replace(/\s+/g, ' ').trim()).toBe(
      'scalar( sum(kube_pod_container_status_restarts_total{namespace="default", container="flaky-update"}) - ' +
        'sum(kube_pod_container_status_restarts_total{namespace="default", container="flaky-update"} offset 2m) )',
    );
  });

  test('the Rollout flaky-update-dep: setWeight 50 then the restart-rate analysis, same pods as the Deployment', () => {
    const r = find(out, 'Rollout', 'flaky-update-dep');
    expect(r.spec.replicas).toBe(4);
    expect(r.spec.strategy).toEqual({
      canary: { steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'restart-rate' }] } }] },
    });
    const deployment = find(
      synth(withTag(undefined, () => new FlakyUpdateChart(Testing.app(), 'flaky-update'))),
      'Deployment',
    );
    expect(r.spec.template).toEqual(deployment.spec.template);
    expect(r.spec.selector).toEqual(deployment.spec.selector);
    expect(r.spec.template.spec.containers[0]).toMatchObject({ image: 'jakousa/dwk-app8:v1', ...probes });
    // 50% of 4 pods is exact, so nothing is approximated.
    expect(chart.rollout.effectiveWeights).toEqual([
      { step: 0, requested: 50, canaryPods: 2, stablePods: 2, effective: 50 },
    ]);
  });

  test('the Prometheus address is a prop', () => {
    const other = new FlakyUpdateRolloutChart(Testing.app(), 'flaky-update-rollout', {
      prometheusAddress: 'http://prometheus-operated.monitoring.svc:9090',
    });
    expect(find(synth(other), 'AnalysisTemplate').spec.metrics[0].provider.prometheus.address).toBe(
      'http://prometheus-operated.monitoring.svc:9090',
    );
  });

  test('fails if the Prometheus address is not a URL', () => {
    expect(
      () => new FlakyUpdateRolloutChart(Testing.app(), 'flaky-update-rollout', { prometheusAddress: 'prometheus' }),
    ).toThrow(
      /^flaky-update-rollout\/restart-rate: 'prometheusAddress' is "prometheus": must be an absolute http\(s\) URL/,
    );
  });

  test('validates against the Argo Rollouts schema, and synthesizes without warnings', () => {
    expect(schemaProblems(out)).toEqual([]);
    (chart.node.root as App).synth();
    expect(warningsOf(chart)).toEqual([]);
  });

  test('goes to its own file beside flaky-update.k8s.yaml, so one or the other is applied', () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'flaky-')), 'dist');
    try {
      const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_CHART });
      withTag(undefined, () => {
        new FlakyUpdateChart(app, 'flaky-update');
        new FlakyUpdateRolloutChart(app, 'flaky-update-rollout');
      });
      expect(synthesizeApp(app, { outdir, log: () => undefined })).toEqual([
        'flaky-update-rollout.k8s.yaml',
        'flaky-update.k8s.yaml',
        KUSTOMIZATION_FILE,
      ]);
      const kinds = (file: string) =>
        yaml.loadAll(fs.readFileSync(path.join(outdir, file), 'utf8')).map((m: any) => `${m.kind}/${m.metadata.name}`);
      expect(kinds('flaky-update.k8s.yaml')).toEqual(['Deployment/flaky-update-dep']);
      expect(kinds('flaky-update-rollout.k8s.yaml')).toEqual([
        'AnalysisTemplate/restart-rate',
        'Rollout/flaky-update-dep',
      ]);
    } finally {
      fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
    }
  });
});
