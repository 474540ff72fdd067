import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  CanaryDeployment,
  checkWiring,
  Finding,
  Gateway,
  GatewayRef,
  HttpFilter,
  HttpMatch,
  HttpRoute,
  StableDeployment,
  VersionedService,
} from '../lib';
import { schemaProblems } from './support/schemas';
import { find, newChart, synth } from './support/synth';

function services(chart: Chart = newChart()) {
  const stable = new StableDeployment(chart, 'stable', { app: 'shop', image: 'shop:1.0', port: 8080 });
  const canary = new CanaryDeployment(chart, 'canary', { stable, image: 'shop:2.0' });
  const stableSvc = new VersionedService(chart, 'stable-svc', { serves: stable, port: 80 });
  const canarySvc = new VersionedService(chart, 'canary-svc', { serves: canary, port: 80 });
  return { chart, stableSvc, canarySvc };
}

const publicGateway = GatewayRef.named('public', { namespace: 'gateway-system', sectionName: 'https' });

describe('HttpRoute', () => {
  test('one rule to one Service: parentRefs, hostnames, the Service port by default, no weight', () => {
    const { chart, stableSvc } = services();
    new HttpRoute(chart, 'route', {
      name: 'shop',
      parents: [publicGateway],
      hostnames: ['shop.example.com', '*.shop.example.com'],
      rules: [{ backends: [{ service: stableSvc }] }],
    });
    expect(find(synth(chart), 'HTTPRoute', 'shop')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'shop' },
      spec: {
        parentRefs: [{ name: 'public', namespace: 'gateway-system', sectionName: 'https' }],
        hostnames: ['shop.example.com', '*.shop.example.com'],
        rules: [{ backendRefs: [{ name: 'shop-stable', port: 80 }] }],
      },
    });
  });

  test('canary prop: an exact-weight split in one line, stable 100 - weight and canary weight', () => {
    const { chart, stableSvc, canarySvc } = services();
    new HttpRoute(chart, 'shop', {
      parents: [publicGateway],
      canary: { stable: stableSvc, canary: canarySvc, weight: 10 },
    });
    expect(find(synth(chart), 'HTTPRoute', 'shop').spec.rules).toEqual([
      {
        backendRefs: [
          { name: 'shop-stable', port: 80, weight: 90 },
          { name: 'shop-canary', port: 80, weight: 10 },
        ],
      },
    ]);
  });

  test('canary prop with a header: the header rule to the canary first, then the weighted split on the matches', () => {
    const { chart, stableSvc, canarySvc } = services();
    new HttpRoute(chart, 'shop', {
      parents: [publicGateway],
      canary: {
        stable: stableSvc,
        canary: canarySvc,
        header: { name: 'X-Canary', value: 'always' },
        port: 80,
        matches: [HttpMatch.pathPrefix('/shop')],
      },
    });
    expect(find(synth(chart), 'HTTPRoute', 'shop').spec.rules).toEqual([
      {
        matches: [
          { path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'Exact', name: 'X-Canary', value: 'always' }] },
        ],
        backendRefs: [{ name: 'shop-canary', port: 80 }],
      },
      {
        matches: [{ path: { type: 'PathPrefix', value: '/shop' } }],
        backendRefs: [
          { name: 'shop-stable', port: 80, weight: 100 },
          { name: 'shop-canary', port: 80, weight: 0 },
        ],
      },
    ]);
  });

  test('matches: path prefix, exact path, headers, query parameters and method; named rule; timeouts', () => {
    const { chart, stableSvc } = services();
    const route = new HttpRoute(chart, 'shop', { parents: [GatewayRef.named('public')] });
    route.addRule({
      name: 'api',
      matches: [
        HttpMatch.pathPrefix('/api', { headers: { 'X-Team': 'blue' }, queryParams: { debug: '1' }, method: 'POST' }),
        HttpMatch.exactPath('/healthz'),
        HttpMatch.headers({ 'X-Beta': 'yes' }, { method: 'GET' }),
      ],
      backends: [{ service: stableSvc, port: 80, weight: 3 }],
      timeouts: { request: Duration.seconds(90), backendRequest: Duration.millis(1500) },
    });
    expect(find(synth(chart), 'HTTPRoute', 'shop').spec).toEqual({
      parentRefs: [{ name: 'public' }],
      rules: [
        {
          name: 'api',
          matches: [
            {
              path: { type: 'PathPrefix', value: '/api' },
              headers: [{ type: 'Exact', name: 'X-Team', value: 'blue' }],
              queryParams: [{ type: 'Exact', name: 'debug', value: '1' }],
              method: 'POST',
            },
            { path: { type: 'Exact', value: '/healthz' } },
            {
              path: { type: 'PathPrefix', value: '/' },
              headers: [{ type: 'Exact', name: 'X-Beta', value: 'yes' }],
              method: 'GET',
            },
          ],
          backendRefs: [{ name: 'shop-stable', port: 80, weight: 3 }],
          timeouts: { request: '1m30s', backendRequest: '1s500ms' },
        },
      ],
    });
  });

  test('filters: request and response headers, an HTTPS redirect (no backends), a redirect with every part, rewrites', () => {
    const { chart, stableSvc } = services();
    new HttpRoute(chart, 'shop', {
      parents: [GatewayRef.named('public', { sectionName: 'http', port: 80 })],
      rules: [
        {
          matches: [HttpMatch.pathPrefix('/old')],
          filters: [
            HttpFilter.redirect({
              scheme: 'https',
              hostname: 'new.example.com',
              port: 8443,
              fullPath: '/new',
              statusCode: 308,
            }),
          ],
        },
        { filters: [HttpFilter.httpsRedirect()] },
      ],
    });
    new HttpRoute(chart, 'shop-https', {
      parents: [GatewayRef.named('public', { sectionName: 'https' })],
      rules: [
        {
          matches: [HttpMatch.pathPrefix('/v1')],
          filters: [
            HttpFilter.requestHeaders({ set: { 'X-Env': 'prod' }, add: { 'X-Via': 'gw' }, remove: ['X-Debug'] }),
            HttpFilter.responseHeaders({ remove: ['Server'] }),
            HttpFilter.rewrite({ hostname: 'shop.internal', replacePrefix: '/' }),
          ],
          backends: [{ service: stableSvc }],
        },
        { filters: [HttpFilter.rewrite({ fullPath: '/index.html' })], backends: [{ service: stableSvc }] },
      ],
    });
    const out = synth(chart);
    expect(find(out, 'HTTPRoute', 'shop').spec).toEqual({
      parentRefs: [{ name: 'public', sectionName: 'http', port: 80 }],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/old' } }],
          filters: [
            {
              type: 'RequestRedirect',
              requestRedirect: {
                scheme: 'https',
                hostname: 'new.example.com',
                port: 8443,
                path: { type: 'ReplaceFullPath', replaceFullPath: '/new' },
                statusCode: 308,
              },
            },
          ],
        },
        { filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] },
      ],
    });
    expect(find(out, 'HTTPRoute', 'shop-https').spec.rules).toEqual([
      {
        matches: [{ path: { type: 'PathPrefix', value: '/v1' } }],
        filters: [
          {
            type: 'RequestHeaderModifier',
            requestHeaderModifier: {
              set: [{ name: 'X-Env', value: 'prod' }],
              add: [{ name: 'X-Via', value: 'gw' }],
              remove: ['X-Debug'],
            },
          },
          { type: 'ResponseHeaderModifier', responseHeaderModifier: { remove: ['Server'] } },
          {
            type: 'URLRewrite',
            urlRewrite: { hostname: 'shop.internal', path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } },
          },
        ],
        backendRefs: [{ name: 'shop-stable', port: 80 }],
      },
      {
        filters: [
          { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: '/index.html' } } },
        ],
        backendRefs: [{ name: 'shop-stable', port: 80 }],
      },
    ]);
    expect(schemaProblems(out.filter(m => m.kind === 'HTTPRoute'))).toEqual([]);
  });

  test('a Gateway construct as parent: GatewayRef.of with a listener, or the Gateway itself; namespace left out when shared', () => {
    const chart = new Chart(Testing.app(), 'web', { namespace: 'web' });
    const { stableSvc } = services(chart);
    const gateway = new Gateway(chart, 'gw', {
      className: 'eg',
      listeners: [{ name: 'http', protocol: 'HTTP' }],
    });
    new HttpRoute(chart, 'shop', {
      parents: [GatewayRef.of(gateway, { sectionName: 'http' })],
      rules: [{ backends: [{ service: stableSvc }] }],
    });
    new HttpRoute(chart, 'shop2', {
      parents: [gateway],
      hostnames: ['b.example.com'],
      rules: [{ backends: [{ service: stableSvc }] }],
    });
    const out = synth(chart);
    expect(find(out, 'HTTPRoute', 'shop').metadata).toEqual({ name: 'shop', namespace: 'web' });
    expect(find(out, 'HTTPRoute', 'shop').spec.parentRefs).toEqual([{ name: 'gw', sectionName: 'http' }]);
    expect(find(out, 'HTTPRoute', 'shop2').spec.parentRefs).toEqual([{ name: 'gw' }]);
  });

  test('a backend in another namespace gets its namespace and a ReferenceGrant there, one per namespace', () => {
    const app = Testing.app();
    const { stableSvc, canarySvc } = services(new Chart(app, 'backend', { namespace: 'shop' }));
    const routes = new Chart(app, 'routes', { namespace: 'edge' });
    new HttpRoute(routes, 'shop', {
      parents: [GatewayRef.named('public')],
      canary: { stable: stableSvc, canary: canarySvc, weight: 50 },
    });
    const out = synth(routes);
    expect(find(out, 'HTTPRoute', 'shop').spec.rules[0].backendRefs).toEqual([
      { name: 'shop-stable', namespace: 'shop', port: 80, weight: 50 },
      { name: 'shop-canary', namespace: 'shop', port: 80, weight: 50 },
    ]);
    expect(out.filter(m => m.kind === 'ReferenceGrant')).toEqual([
      {
        apiVersion: 'gateway.networking.k8s.io/v1beta1',
        kind: 'ReferenceGrant',
        metadata: { name: 'shop-from-edge', namespace: 'shop' },
        spec: {
          from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'edge' }],
          to: [
            { group: '', kind: 'Service', name: 'shop-stable' },
            { group: '', kind: 'Service', name: 'shop-canary' },
          ],
        },
      },
    ]);
    expect(schemaProblems(out)).toEqual([]);
  });

  test('a cdk8s-plus Service as backend, by its port number', () => {
    const chart = newChart();
    const svc = new kplus.Service(chart, 'legacy', {
      metadata: { name: 'legacy' },
      ports: [
        { port: 8080, name: 'http' },
        { port: 9090, name: 'metrics' },
      ],
    });
    new HttpRoute(chart, 'legacy-route', {
      parents: [GatewayRef.named('public')],
      rules: [{ backends: [{ service: svc, port: 8080 }] }],
    });
    expect(find(synth(chart), 'HTTPRoute').spec.rules).toEqual([{ backendRefs: [{ name: 'legacy', port: 8080 }] }]);
  });

  test('the output passes schema validation and the wiring checks', () => {
    const { chart, stableSvc, canarySvc } = services();
    new HttpRoute(chart, 'shop', {
      parents: [publicGateway],
      hostnames: ['shop.example.com'],
      canary: { stable: stableSvc, canary: canarySvc, weight: 25, header: { name: 'X-Canary', value: 'always' } },
    });
    const out = synth(chart);
    expect(schemaProblems(out)).toEqual([]);
    expect(checkWiring(out).filter(f => f.severity === 'error')).toEqual([]);
  });
});

describe('Gateway API wiring checks', () => {
  const svc = (name: string, namespace: string, port = 80) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { ports: [{ name: 'http', port }] },
  });
  const route = (kind: string, name: string, namespace: string, spec: object) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind,
    metadata: { name, namespace },
    spec,
  });
  const rules = (findings: readonly Finding[]) => findings.map(f => `${f.rule} ${f.object} ${f.location}`);

  test('backends: a missing Service, a missing port, in GRPCRoutes and across namespaces; other kinds and foreign namespaces are skipped', () => {
    const findings = checkWiring([
      svc('web', 'shop'),
      svc('api', 'edge', 9000),
      route('HTTPRoute', 'web', 'edge', {
        parentRefs: [{ name: 'public' }],
        rules: [
          {
            backendRefs: [
              { name: 'web', namespace: 'shop', port: 80 },
              { name: 'web', namespace: 'shop', port: 8080 },
              { name: 'wbe', namespace: 'shop', port: 80 },
              { name: 'bucket', group: 'storage.example.com', kind: 'Bucket' },
              { name: 'elsewhere', namespace: 'other', port: 80 },
            ],
          },
        ],
      }),
      route('GRPCRoute', 'api', 'edge', {
        parentRefs: [{ name: 'public' }],
        rules: [
          {
            backendRefs: [
              { name: 'api', port: 9000 },
              { name: 'apii', port: 9000 },
            ],
          },
        ],
      }),
    ]);
    expect(rules(findings)).toEqual([
      'route-missing-port HTTPRoute/edge/web spec.rules[0].backendRefs[1].port',
      'route-missing-service HTTPRoute/edge/web spec.rules[0].backendRefs[2].name',
      'route-missing-service GRPCRoute/edge/api spec.rules[0].backendRefs[1].name',
    ]);
  });

  test('duplicate matches: reported for a second route on the same parent and host name, not for another listener or host', () => {
    const spec = (sectionName: string, host: string) => ({
      parentRefs: [{ name: 'public', namespace: 'gateway-system', sectionName }],
      hostnames: [host],
      rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/shop' } }], backendRefs: [{ name: 'web', port: 80 }] },
      ],
    });
    const findings = checkWiring([
      svc('web', 'shop'),
      route('HTTPRoute', 'first', 'shop', spec('https', 'a.example.com')),
      route('HTTPRoute', 'second', 'shop', spec('https', 'a.example.com')),
      route('HTTPRoute', 'other-listener', 'shop', spec('http', 'a.example.com')),
      route('HTTPRoute', 'other-host', 'shop', spec('https', 'b.example.com')),
    ]);
    expect(rules(findings)).toEqual(['route-duplicate-match HTTPRoute/shop/second spec.rules[0].matches[0]']);
    expect(findings[0].message).toBe(
      `'spec.rules[0].matches[0]' is "a.example.com/shop": is already claimed by HTTPRoute/shop/first on the same parent (gateway-system/public/https); the gateway serves only one of them, so give each host name and path one route`,
    );
  });
});
