import { Chart, Testing } from 'cdk8s';
import {
  AllowedRoutes,
  Gateway,
  ReferenceGrant,
  RolloutsGatewayAccess,
  StableDeployment,
  VersionedService,
} from '../lib';
import { schemaProblems } from './support/schemas';
import { find, newChart, synth } from './support/synth';

describe('Gateway', () => {
  test('class and listeners: HTTP on 80 and HTTPS on 443 by default, certificates, hostnames, allowed routes', () => {
    const chart = newChart();
    const gw = new Gateway(chart, 'public', {
      className: 'eg',
      listeners: [
        { name: 'http', protocol: 'HTTP', allowedRoutes: AllowedRoutes.allNamespaces() },
        {
          name: 'https',
          protocol: 'HTTPS',
          hostname: '*.example.com',
          certificates: ['wildcard-tls', 'ecdsa-tls'],
          allowedRoutes: AllowedRoutes.fromNamespacesLabelled({ 'gateway-access': 'public' }),
        },
        {
          name: 'admin',
          protocol: 'HTTP',
          port: 8080,
          hostname: 'admin.example.com',
          allowedRoutes: AllowedRoutes.sameNamespace(),
        },
      ],
    });
    expect(gw.listenerNames).toEqual(['http', 'https', 'admin']);
    const out = synth(chart);
    expect(find(out, 'Gateway', 'public')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'public' },
      spec: {
        gatewayClassName: 'eg',
        listeners: [
          { name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'All' } } },
          {
            name: 'https',
            protocol: 'HTTPS',
            port: 443,
            hostname: '*.example.com',
            tls: {
              mode: 'Terminate',
              certificateRefs: [
                { kind: 'Secret', name: 'wildcard-tls' },
                { kind: 'Secret', name: 'ecdsa-tls' },
              ],
            },
            allowedRoutes: {
              namespaces: { from: 'Selector', selector: { matchLabels: { 'gateway-access': 'public' } } },
            },
          },
          {
            name: 'admin',
            protocol: 'HTTP',
            port: 8080,
            hostname: 'admin.example.com',
            allowedRoutes: { namespaces: { from: 'Same' } },
          },
        ],
      },
    });
    expect(schemaProblems(out)).toEqual([]);
  });

  test('name prop and the chart namespace', () => {
    const chart = new Chart(Testing.app(), 'infra', { namespace: 'gateway-system' });
    const gw = new Gateway(chart, 'gw', {
      name: 'public',
      className: 'cilium',
      listeners: [{ name: 'http', protocol: 'HTTP' }],
    });
    expect(gw.namespace).toBe('gateway-system');
    expect(find(synth(chart), 'Gateway').metadata).toEqual({ name: 'public', namespace: 'gateway-system' });
  });
});

describe('ReferenceGrant', () => {
  test('every Service of the namespace by default; named Services when given', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const stable = new StableDeployment(chart, 'web', { app: 'web', image: 'web:1.0', port: 8080 });
    const svc = new VersionedService(chart, 'svc', { serves: stable, port: 80 });
    new ReferenceGrant(chart, 'all', {
      from: [
        { kind: 'HTTPRoute', namespace: 'edge' },
        { kind: 'GRPCRoute', namespace: 'edge' },
      ],
    });
    new ReferenceGrant(chart, 'one', {
      name: 'web-only',
      from: [{ kind: 'HTTPRoute', namespace: 'edge' }],
      services: [svc],
    });
    const out = synth(chart);
    expect(find(out, 'ReferenceGrant', 'all')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: { name: 'all', namespace: 'shop' },
      spec: {
        from: [
          { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'edge' },
          { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', namespace: 'edge' },
        ],
        to: [{ group: '', kind: 'Service' }],
      },
    });
    expect(find(out, 'ReferenceGrant', 'web-only').spec.to).toEqual([
      { group: '', kind: 'Service', name: 'web-stable' },
    ]);
    expect(schemaProblems(out.filter(m => m.kind === 'ReferenceGrant'))).toEqual([]);
  });
});

describe('RolloutsGatewayAccess', () => {
  test('a ClusterRole on HTTPRoutes and GRPCRoutes bound to the Argo Rollouts controller', () => {
    const chart = newChart();
    new RolloutsGatewayAccess(chart, 'argo-rollouts-gateway-api');
    new RolloutsGatewayAccess(chart, 'custom', {
      name: 'rollouts-routes',
      controllerNamespace: 'argo',
      controllerServiceAccount: 'rollouts',
    });
    const out = synth(chart);
    expect(find(out, 'ClusterRole', 'argo-rollouts-gateway-api')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'argo-rollouts-gateway-api' },
      rules: [
        {
          apiGroups: ['gateway.networking.k8s.io'],
          resources: ['httproutes', 'grpcroutes'],
          verbs: ['get', 'patch', 'update'],
        },
      ],
    });
    expect(find(out, 'ClusterRoleBinding', 'argo-rollouts-gateway-api')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'argo-rollouts-gateway-api' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'argo-rollouts-gateway-api' },
      subjects: [{ kind: 'ServiceAccount', name: 'argo-rollouts', namespace: 'argo-rollouts' }],
    });
    expect(find(out, 'ClusterRoleBinding', 'rollouts-routes').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'rollouts', namespace: 'argo' },
    ]);
    expect(schemaProblems(out)).toEqual([]);
  });
});
