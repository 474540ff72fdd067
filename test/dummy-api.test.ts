import { Testing } from 'cdk8s';
import { DummyApiChart } from '../examples/dummy-api';
import { warningsOf } from '../lib';
import { schemaProblems } from './support/schemas';
import { find, selects } from './support/synth';

function chart() {
  const c = new DummyApiChart(Testing.app(), 'dummy-api');
  return { chart: c, out: Testing.synth(c) };
}

describe('dummy-api example chart (first seed)', () => {
  test('keeps the course names so its kubectl commands work', () => {
    const { out } = chart();
    expect(out.map(m => `${m.kind}/${m.metadata.name}`)).toEqual([
      'Deployment/dummy-api-stable',
      'Deployment/dummy-api-canary',
      'Service/dummy-service',
      'Service/dummy-stable-service',
      'Service/dummy-canary-service',
      'Ingress/app-ingress',
      'HorizontalPodAutoscaler/dummy-api-stable-autoscaler',
    ]);
  });

  test('the course values: images, pull policy, CPU 4m/5m, port 3894, 1 canary, replicas left to the HPA', () => {
    const { out } = chart();
    const stable = find(out, 'Deployment', 'dummy-api-stable');
    const canary = find(out, 'Deployment', 'dummy-api-canary');
    for (const [d, image] of [
      [stable, 'dummy-api:1.0'],
      [canary, 'dummy-api:2.0'],
    ]) {
      const c = d.spec.template.spec.containers[0];
      expect(c).toMatchObject({
        name: 'dummy-api',
        image,
        imagePullPolicy: 'Never',
        ports: [{ containerPort: 3894, name: 'http' }],
      });
      expect(c.resources).toEqual({ requests: { cpu: '4m' }, limits: { cpu: '5m' } });
      expect(d.spec.template.metadata.labels.app).toBe('api-label');
    }
    expect(stable.spec.template.metadata.labels['dummy-version']).toBe('1.0');
    expect(canary.spec.template.metadata.labels['dummy-version']).toBe('2.0');
    expect(stable.spec.replicas).toBeUndefined();
    expect(canary.spec.replicas).toBe(1);
    const hpa = find(out, 'HorizontalPodAutoscaler');
    expect(hpa.spec).toMatchObject({
      minReplicas: 1,
      maxReplicas: 10,
      scaleTargetRef: { kind: 'Deployment', name: 'dummy-api-stable' },
    });
    expect(hpa.spec.metrics[0].resource.target).toEqual({ type: 'Utilization', averageUtilization: 80 });
  });

  test('every Service selects exactly the pods it should, on 8081 -> 3894 (computed from the YAML)', () => {
    const { out } = chart();
    const deployments = out.filter(m => m.kind === 'Deployment');
    const served = (svc: string) => {
      const s = find(out, 'Service', svc);
      expect(s.spec.ports).toEqual([expect.objectContaining({ port: 8081, targetPort: 3894 })]);
      return deployments
        .filter(d => selects(s.spec.selector, d.spec.template.metadata.labels))
        .map(d => d.metadata.name)
        .sort();
    };
    expect(served('dummy-service')).toEqual(['dummy-api-canary', 'dummy-api-stable']);
    expect(served('dummy-stable-service')).toEqual(['dummy-api-stable']);
    expect(served('dummy-canary-service')).toEqual(['dummy-api-canary']);
    for (const d of deployments) {
      // Deployment selectors match their own template and hold no version.
      expect(selects(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
      expect(Object.keys(d.spec.selector.matchLabels)).not.toContain('dummy-version');
    }
  });

  test('the Ingress routes the two host names to the two track Services on a port they have', () => {
    const { out } = chart();
    const ing = find(out, 'Ingress', 'app-ingress');
    expect(ing.spec.ingressClassName).toBe('nginx');
    const routes = ing.spec.rules.map((r: any) => [
      r.host,
      r.http.paths[0].backend.service.name,
      r.http.paths[0].backend.service.port.number,
    ]);
    expect(routes).toEqual([
      ['tutorial-api.com', 'dummy-stable-service', 8081],
      ['canary.tutorial-api.com', 'dummy-canary-service', 8081],
    ]);
    for (const [, svc, port] of routes)
      expect(find(out, 'Service', svc).spec.ports.map((p: any) => p.port)).toContain(port);
  });

  test('synth warns how the canary share moves while the stable autoscales', () => {
    const { chart: c } = chart();
    expect(warningsOf(c)).toEqual([
      expect.stringContaining('1 canary pod(s) beside 1..10 stable pods is 50% down to 9.09%'),
    ]);
  });

  test('every object passes the independent Kubernetes schema', () => {
    expect(schemaProblems(chart().out)).toEqual([]);
  });

  test('snapshot', () => {
    expect(chart().out).toMatchSnapshot();
  });
});
