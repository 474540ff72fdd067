import { Chart, Testing } from 'cdk8s';
import { GatewayRef, GrpcMatch, GrpcRoute, HttpFilter, StableDeployment, VersionedService } from '../lib';
import { schemaProblems } from './support/schemas';
import { find, newChart, synth } from './support/synth';

function grpcServices(chart: Chart = newChart()) {
  const stable = new StableDeployment(chart, 'cart-dep', { app: 'cart', image: 'cart:1.0', port: 9000 });
  const v1 = new VersionedService(chart, 'v1', { name: 'cart-v1', serves: stable, port: 9000, portName: 'grpc' });
  const v2 = new VersionedService(chart, 'v2', { name: 'cart-v2', serves: stable, port: 9000, portName: 'grpc' });
  return { chart, v1, v2 };
}

describe('GrpcRoute', () => {
  test('service and method matches, header matches, header filters, weighted backends', () => {
    const { chart, v1, v2 } = grpcServices();
    new GrpcRoute(chart, 'cart', {
      parents: [GatewayRef.named('internal', { namespace: 'gateway-system' })],
      hostnames: ['cart.internal.example.com'],
      rules: [
        {
          name: 'add-item',
          matches: [
            GrpcMatch.method('shop.v1.Cart', 'AddItem', { 'x-tenant': 'blue' }),
            GrpcMatch.headers({ 'x-beta': 'yes' }),
          ],
          filters: [HttpFilter.requestHeaders({ set: { 'x-routed-by': 'gateway' } })],
          backends: [{ service: v2 }],
        },
        {
          matches: [GrpcMatch.service('shop.v1.Cart')],
          backends: [
            { service: v1, weight: 90 },
            { service: v2, weight: 10 },
          ],
        },
      ],
    });
    const out = synth(chart);
    expect(find(out, 'GRPCRoute', 'cart')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GRPCRoute',
      metadata: { name: 'cart' },
      spec: {
        parentRefs: [{ name: 'internal', namespace: 'gateway-system' }],
        hostnames: ['cart.internal.example.com'],
        rules: [
          {
            name: 'add-item',
            matches: [
              {
                method: { type: 'Exact', service: 'shop.v1.Cart', method: 'AddItem' },
                headers: [{ type: 'Exact', name: 'x-tenant', value: 'blue' }],
              },
              { headers: [{ type: 'Exact', name: 'x-beta', value: 'yes' }] },
            ],
            filters: [
              {
                type: 'RequestHeaderModifier',
                requestHeaderModifier: { set: [{ name: 'x-routed-by', value: 'gateway' }] },
              },
            ],
            backendRefs: [{ name: 'cart-v2', port: 9000 }],
          },
          {
            matches: [{ method: { type: 'Exact', service: 'shop.v1.Cart' } }],
            backendRefs: [
              { name: 'cart-v1', port: 9000, weight: 90 },
              { name: 'cart-v2', port: 9000, weight: 10 },
            ],
          },
        ],
      },
    });
    expect(schemaProblems(out)).toEqual([]);
  });

  test('a backend in another namespace gets a ReferenceGrant for GRPCRoutes', () => {
    const app = Testing.app();
    const { v1 } = grpcServices(new Chart(app, 'backend', { namespace: 'cart' }));
    const edge = new Chart(app, 'edge', { namespace: 'edge' });
    new GrpcRoute(edge, 'cart', { parents: [GatewayRef.named('internal')], rules: [{ backends: [{ service: v1 }] }] });
    const out = synth(edge);
    expect(find(out, 'GRPCRoute').spec.rules).toEqual([
      { backendRefs: [{ name: 'cart-v1', namespace: 'cart', port: 9000 }] },
    ]);
    expect(find(out, 'ReferenceGrant', 'cart-from-edge').spec).toEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', namespace: 'edge' }],
      to: [{ group: '', kind: 'Service', name: 'cart-v1' }],
    });
  });
});
