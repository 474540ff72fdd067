import { Chart, Duration } from 'cdk8s';
import {
  AllowedRoutes,
  Gateway,
  GatewayRef,
  GrpcMatch,
  GrpcRoute,
  HttpFilter,
  HttpMatch,
  HttpRoute,
  ReferenceGrant,
  RolloutsGatewayAccess,
  StableDeployment,
  VersionedService,
} from '../lib';
import { attack, expectValidOutput, HostileTarget } from './support/hostile';

const RUNS = 150;

const services = (chart: Chart) => {
  const stable = new StableDeployment(chart, 'web', { app: 'web', image: 'web:1.0', port: 8080 });
  const a = new VersionedService(chart, 'a', { name: 'web-a', serves: stable, port: 80 });
  const b = new VersionedService(chart, 'b', { name: 'web-b', serves: stable, port: 80 });
  return { a, b };
};

/**
 * Services are made inside `build`; header maps are attacked as one name and one value, since a map
 * takes any valid header name as a key.
 */
/** A one-entry map; a hostile non-string name stands in for the whole map. */
const mapOf = (name: unknown, value: unknown): any => (typeof name === 'string' ? { [name]: value } : name);

const TARGETS: HostileTarget[] = [
  {
    construct: 'HttpRoute',
    props: {
      name: 'shop',
      hostnames: ['shop.example.com', '*.shop.example.com'],
      parentNamespace: 'gateway-system',
      sectionName: 'https',
      weight: 10,
      header: { name: 'X-Canary', value: 'always' },
      port: 80,
      path: '/api',
      timeouts: { request: Duration.seconds(30), backendRequest: Duration.seconds(10) },
      setHeaderName: 'X-Env',
      setHeaderValue: 'prod',
      ruleName: 'api',
    },
    build: (chart, p: any) => {
      const { a, b } = services(chart);
      const known = [
        'name',
        'hostnames',
        'parentNamespace',
        'sectionName',
        'weight',
        'header',
        'port',
        'path',
        'timeouts',
        'setHeaderName',
        'setHeaderValue',
        'ruleName',
      ];
      const unknown = Object.keys(p).filter(k => !known.includes(k));
      new HttpRoute(chart, 'route', {
        name: p.name,
        parents: [GatewayRef.named('public', { namespace: p.parentNamespace, sectionName: p.sectionName })],
        hostnames: p.hostnames,
        canary: { stable: a, canary: b, weight: p.weight, header: p.header, port: p.port },
        rules: [
          {
            name: p.ruleName,
            matches: [HttpMatch.pathPrefix(p.path)],
            filters: [HttpFilter.requestHeaders({ set: mapOf(p.setHeaderName, p.setHeaderValue) })],
            backends: [{ service: a, port: p.port }],
            timeouts: p.timeouts,
          },
        ],
        ...Object.fromEntries(unknown.map(k => [k, p[k]])),
      } as any);
    },
  },
  {
    construct: 'GrpcRoute',
    props: {
      name: 'cart',
      hostnames: ['cart.example.com'],
      service: 'shop.v1.Cart',
      method: 'AddItem',
      headerName: 'x-tenant',
      headerValue: 'blue',
      weight: 3,
    },
    build: (chart, p: any) => {
      const { a } = services(chart);
      const { name, hostnames, service, method, headerName, headerValue, weight, ...unknown } = p;
      new GrpcRoute(chart, 'route', {
        name,
        parents: [GatewayRef.named('internal')],
        hostnames,
        rules: [
          {
            matches: [GrpcMatch.method(service, method, mapOf(headerName, headerValue))],
            backends: [{ service: a, weight }],
          },
        ],
        ...unknown,
      } as any);
    },
  },
  {
    construct: 'Gateway',
    props: {
      name: 'public',
      className: 'eg',
      listeners: [
        { name: 'http', protocol: 'HTTP', port: 8080, hostname: 'a.example.com' },
        { name: 'https', protocol: 'HTTPS', hostname: '*.example.com', certificates: ['tls'] },
      ],
    },
    build: (chart, p: any) => {
      const listeners = Array.isArray(p.listeners)
        ? p.listeners.map((l: any) =>
            l && typeof l === 'object' ? { ...l, allowedRoutes: AllowedRoutes.allNamespaces() } : l,
          )
        : p.listeners;
      new Gateway(chart, 'gw', { ...p, listeners });
    },
  },
  {
    construct: 'ReferenceGrant',
    props: { name: 'grant', namespace: 'shop', from: [{ kind: 'HTTPRoute', namespace: 'edge' }] },
    build: (chart, p: any) => new ReferenceGrant(chart, 'grant', p),
  },
  {
    construct: 'RolloutsGatewayAccess',
    props: { name: 'access', controllerNamespace: 'argo', controllerServiceAccount: 'rollouts' },
    build: (chart, p: any) => new RolloutsGatewayAccess(chart, 'access', p),
  },
];

describe('hostile props for the Gateway API constructs', () => {
  test.each(TARGETS.map(t => [t.construct, t] as const))(
    '%s: refused with a DeliveryError or valid output',
    (_, target) => {
      const result = attack(target, RUNS);
      expect(result.refused + result.accepted.length).toBe(RUNS);
      expectValidOutput(result);
    },
  );
});
