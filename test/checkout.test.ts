import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { CheckoutChart } from '../examples/checkout';
import { checkPolicy, checkWiring, warningsOf } from '../lib';
import { notPartOf } from './support/docs-example';
import { schemaProblems } from './support/schemas';
import { find, synth } from './support/synth';

describe('checkout example', () => {
  const app = Testing.app();
  const chart = new CheckoutChart(app, 'checkout');
  app.synth(); // every validation of the app, as npm run synth runs them
  const out = synth(chart);
  const stable = find(out, 'Deployment', 'checkout-stable');
  const canary = find(out, 'Deployment', 'checkout-canary');
  const pod = (d: any) => d.spec.template.spec;

  test('snapshot', () => {
    expect(out).toMatchSnapshot();
  });

  test('the objects: cdk8s-plus ConfigMap, ServiceAccount and autoscaler beside the library constructs', () => {
    expect(out.map(m => `${m.kind}/${m.metadata.name}`)).toEqual([
      'ConfigMap/checkout-config',
      'ServiceAccount/checkout',
      'Deployment/checkout-stable',
      'PodDisruptionBudget/checkout-stable',
      'Deployment/checkout-canary',
      'HorizontalPodAutoscaler/checkout-stable',
      'Service/checkout',
      'Ingress/checkout',
    ]);
    expect(find(out, 'ServiceAccount', 'checkout').automountServiceAccountToken).toBe(false);
  });

  test('the stable: image, port 8080, requests and limits, probes; replicas left to the autoscaler', () => {
    expect(stable.spec).not.toHaveProperty('replicas');
    const [app] = pod(stable).containers;
    expect(app.image).toBe('ghcr.io/example/checkout:1.4.0');
    expect(app.ports).toEqual([{ containerPort: 8080, name: 'http' }]);
    expect(app.resources).toEqual({
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { cpu: '1000m', memory: '512Mi' },
    });
    expect(app.readinessProbe.httpGet).toEqual({ path: '/healthz/ready', port: 'http' });
    expect(app.livenessProbe).toEqual({
      httpGet: { path: '/healthz/live', port: 'http' },
      initialDelaySeconds: 10,
      failureThreshold: 6,
    });
  });

  test.each([
    ['stable', () => stable],
    ['canary', () => canary],
  ])(
    'the %s: DATABASE_URL from Secret checkout-db, the ConfigMap as env, the TLS Secret read-only, the service account',
    (_, d) => {
      const spec = pod(d());
      const [app] = spec.containers;
      expect(app.env).toEqual([
        { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'checkout-db', key: 'url' } } },
      ]);
      expect(app.envFrom).toEqual([{ configMapRef: { name: 'checkout-config' } }]);
      expect(app.volumeMounts).toContainEqual({ name: 'tls', mountPath: '/etc/checkout/tls', readOnly: true });
      expect(spec.volumes).toContainEqual({ name: 'tls', secret: { secretName: 'checkout-tls' } });
      expect(spec.serviceAccountName).toBe('checkout');
      // The token stays unmounted: checkout does not call the Kubernetes API.
      expect(spec.automountServiceAccountToken).toBe(false);
    },
  );

  test.each([
    ['stable', () => stable],
    ['canary', () => canary],
  ])('the %s: the log-shipper native sidecar with its requests, spread across zones by track', (track, d) => {
    const spec = pod(d());
    expect(spec.initContainers).toHaveLength(1);
    const [sidecar] = spec.initContainers;
    expect(sidecar).toMatchObject({ name: 'log-shipper', image: 'fluent/fluent-bit:3.1', restartPolicy: 'Always' });
    expect(sidecar.resources.requests).toEqual({ cpu: '50m', memory: '64Mi' });
    expect(spec.topologySpreadConstraints).toEqual([
      {
        topologyKey: 'topology.kubernetes.io/zone',
        maxSkew: 1,
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'checkout', 'app.kubernetes.io/track': track } },
        matchLabelKeys: ['pod-template-hash'],
      },
    ]);
  });

  test('the canary: the new image, one pod, no budget of its own', () => {
    expect(pod(canary).containers[0].image).toBe('ghcr.io/example/checkout:1.5.0');
    expect(canary.spec.replicas).toBe(1);
    expect(out.filter(m => m.kind === 'PodDisruptionBudget')).toHaveLength(1);
  });

  test('the disruption budget keeps 2 stable pods; the autoscaler keeps at least 3, so a drain can evict one', () => {
    const pdb = find(out, 'PodDisruptionBudget', 'checkout-stable');
    expect(pdb.spec).toEqual({
      minAvailable: 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'checkout', 'app.kubernetes.io/track': 'stable' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
    const hpa = find(out, 'HorizontalPodAutoscaler', 'checkout-stable');
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout-stable' },
      minReplicas: 3,
      maxReplicas: 20,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ],
    });
    expect(hpa.spec.minReplicas - pdb.spec.minAvailable).toBe(1);
    expect(chart.stable.autoscalingRange).toEqual({ min: 3, max: 20 });
  });

  test('one Service for both tracks, 80 -> 8080, and the TLS Ingress for checkout.example.com', () => {
    const service = find(out, 'Service', 'checkout');
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'checkout' });
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]);
    expect(find(out, 'Ingress', 'checkout').spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['checkout.example.com'], secretName: 'checkout-example-com-tls' }],
      rules: [
        {
          host: 'checkout.example.com',
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'checkout', port: { number: 80 } } } },
            ],
          },
        },
      ],
    });
  });

  test('every container meets the restricted Pod Security Standard', () => {
    for (const d of [stable, canary]) {
      const spec = pod(d);
      expect(spec.securityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: 10001,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      for (const c of [...spec.containers, ...spec.initContainers]) {
        expect({ container: c.name, securityContext: c.securityContext }).toEqual({
          container: c.name,
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            privileged: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
          },
        });
      }
    }
  });

  test('passes schema validation, the policy checker (no errors) and the wiring checks', () => {
    expect(schemaProblems(out)).toEqual([]);
    expect(checkPolicy(out).filter(f => f.severity === 'error')).toEqual([]);
    // The one finding, and the one synth warning: the canary's share of the Service drifts while the stable
    // autoscales (1 pod beside 3..20). A Service per track with ingress weights would hold it fixed.
    expect(checkWiring(out).map(f => `${f.severity} ${f.rule} ${f.object}`)).toEqual([
      'warning hpa-canary-share Deployment/checkout-canary',
    ]);
    expect(warningsOf(chart.canary)).toEqual([
      expect.stringContaining('1 canary pod(s) beside 3..20 stable pods is 25% down to 4.76% of the traffic'),
    ]);
  });

  describe('the README\'s "A real service"', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const section = /### A real service[^\n]*\n([\s\S]*?)\n### /.exec(readme)?.[1] ?? '';

    test('shows the TypeScript of examples/checkout.ts', () => {
      const shown = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
      const source = fs.readFileSync(path.join(__dirname, '..', 'examples', 'checkout.ts'), 'utf8');
      const indented = shown
        .split('\n')
        .map(line => (line ? `    ${line}` : line))
        .join('\n');
      expect(shown.split('\n').length).toBeGreaterThan(50);
      expect(source).toContain(indented.trimEnd());
    });

    test('shows YAML that is part of what the chart writes', () => {
      const docs = yaml.loadAll(/```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '') as any[];
      expect(docs.map(d => d.kind)).toEqual([
        'Deployment',
        'PodDisruptionBudget',
        'HorizontalPodAutoscaler',
        'Service',
        'Ingress',
      ]);
      for (const doc of docs) {
        const object = `${doc.kind}/${doc.metadata.name}`;
        expect({ object, problems: notPartOf(doc, find(out, doc.kind, doc.metadata.name)) }).toEqual({
          object,
          problems: [],
        });
      }
    });
  });
});
