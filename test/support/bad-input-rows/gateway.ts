import { ApiObject, App, Chart, Duration } from 'cdk8s';
import {
  CanaryStep,
  enableWiringChecks,
  Gateway,
  GatewayRef,
  GrpcMatch,
  GrpcRoute,
  HttpFilter,
  HttpMatch,
  HttpRoute,
  ReferenceGrant,
  Rollout,
  RolloutStrategy,
  StableDeployment,
  TrafficRouting,
  VersionedService,
} from '../../../lib';
import { BadInput, chart, service } from '../bad-input-kit';

const HOST =
  'must be a DNS host name: lower-case letters, digits, "-" and ".", each label starting and ending with a letter or digit, at most 253 characters; "*" only as the whole leftmost label, e.g. "*.example.com"';
const parents = [GatewayRef.named('public')];

/** An HttpRoute in front of the kit's Service `web-stable` (port 80), with `props` over a valid rule. */
const routeWith = (props: object) => (app: App) => {
  const { c, svc } = service(app);
  new HttpRoute(c, 'route', { parents, rules: [{ backends: [{ service: svc }] }], ...props } as any);
};
/** An HttpRoute whose one rule is `rule` over a backend on the kit's Service. */
const ruleWith = (rule: (svc: VersionedService) => object) => (app: App) => {
  const { c, svc } = service(app);
  new HttpRoute(c, 'route', { parents, rules: [{ backends: [{ service: svc }], ...rule(svc) }] } as any);
};
const gatewayWith = (listeners: object[]) => (app: App) => {
  new Gateway(chart(app), 'gw', { className: 'eg', listeners } as any);
};
/** A Rollout with its stable and canary Services; `steps` and `route` decide the rest. */
const rolloutRouted =
  (
    build: (c: Chart, stable: VersionedService, canary: VersionedService) => HttpRoute | GrpcRoute,
    steps: CanaryStep[] = [CanaryStep.setWeight(10), CanaryStep.pause()],
  ) =>
  (app: App) => {
    const c = chart(app);
    const rollout = new Rollout(c, 'rollout', { app: 'shop', image: 'shop:1.0', port: 8080, replicas: 2 });
    const stable = new VersionedService(c, 'stable', { name: 'shop-stable', serves: rollout, port: 80 });
    const canary = new VersionedService(c, 'canary', { name: 'shop-canary', serves: rollout, port: 80 });
    rollout.setStrategy(
      RolloutStrategy.canary({
        stableService: stable,
        canaryService: canary,
        trafficRouting: TrafficRouting.gatewayApi(build(c, stable, canary)),
        steps,
      }),
    );
  };
/** A plain HTTPRoute (as another tool would write it) beside the kit's Service, wiring checks on. */
const l1Route = (rules: object[]) => (app: App) => {
  const { c } = service(app);
  new ApiObject(c, 'l1-route', {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'other' },
    spec: { parentRefs: [{ name: 'public' }], rules },
  });
  enableWiringChecks(app);
};

/** Bad inputs for the Gateway API constructs, their Argo Rollouts routing and their wiring checks. */
export const GATEWAY_ROWS: readonly BadInput[] = [
  {
    construct: 'HttpRoute',
    name: 'a typo in a prop name',
    build: routeWith({ hostname: ['a.example.com'] }),
    path: 'app/route',
    prop: 'hostname',
    value: '["a.example.com"]',
    message: `app/route: 'hostname' is ["a.example.com"]: is not a prop of HttpRoute: did you mean 'hostnames'?`,
  },
  {
    construct: 'HttpRoute',
    name: 'no parent Gateway',
    build: routeWith({ parents: [] }),
    path: 'app/route',
    prop: 'parents',
    value: '0',
    message: `app/route: 'parents' is 0: must name 1 to 32 Gateways (GatewayRef.named or a Gateway construct)`,
  },
  {
    construct: 'HttpRoute',
    name: 'a wildcard that is not the leftmost label',
    build: routeWith({ hostnames: ['shop.*.example.com'] }),
    path: 'app/route',
    prop: 'hostnames[0]',
    value: '"shop.*.example.com"',
    message: `app/route: 'hostnames[0]' is "shop.*.example.com": ${HOST}`,
  },
  {
    construct: 'HttpRoute',
    name: 'an IP address as host name',
    build: routeWith({ hostnames: ['10.0.0.1'] }),
    path: 'app/route',
    prop: 'hostnames[0]',
    value: '"10.0.0.1"',
    message: `app/route: 'hostnames[0]' is "10.0.0.1": must be a DNS host name, not an IP address`,
  },
  {
    construct: 'HttpRoute',
    name: 'an upper-case host name',
    build: routeWith({ hostnames: ['Shop.example.com'] }),
    path: 'app/route',
    prop: 'hostnames[0]',
    value: '"Shop.example.com"',
    message: `app/route: 'hostnames[0]' is "Shop.example.com": ${HOST}`,
  },
  {
    construct: 'HttpRoute',
    name: '17 rules',
    build: app => {
      const { c, svc } = service(app);
      const rules = Array.from({ length: 17 }, (_, i) => ({
        matches: [HttpMatch.pathPrefix(`/p${i}`)],
        backends: [{ service: svc }],
      }));
      new HttpRoute(c, 'route', { parents, rules });
    },
    path: 'app/route',
    prop: 'rules',
    value: '17',
    message: `app/route: 'rules' is 17: must hold at most 16 rules`,
  },
  {
    construct: 'HttpRoute',
    name: '65 matches in one rule',
    build: ruleWith(() => ({ matches: Array.from({ length: 65 }, (_, i) => HttpMatch.exactPath(`/p${i}`)) })),
    path: 'app/route',
    prop: 'rules[0].matches',
    value: '65',
    message: `app/route: 'rules[0].matches' is 65: must hold at most 64 matches`,
  },
  {
    construct: 'HttpRoute',
    name: 'a weight above 1000000',
    build: ruleWith(svc => ({ backends: [{ service: svc, weight: 1_000_001 }] })),
    path: 'app/route',
    prop: 'rules[0].backends[0].weight',
    value: '1000001',
    message: `app/route: 'rules[0].backends[0].weight' is 1000001: must be a whole number from 0 to 1000000`,
  },
  {
    construct: 'HttpRoute',
    name: 'a negative weight',
    build: ruleWith(svc => ({ backends: [{ service: svc, weight: -1 }] })),
    path: 'app/route',
    prop: 'rules[0].backends[0].weight',
    value: '-1',
    message: `app/route: 'rules[0].backends[0].weight' is -1: must be a whole number from 0 to 1000000`,
  },
  {
    construct: 'HttpRoute',
    name: 'every weight of a rule 0',
    build: ruleWith(svc => ({ backends: [{ service: svc, weight: 0 }] })),
    path: 'app/route',
    prop: 'rules[0].backends[*].weight',
    value: '[0]',
    message: `app/route: 'rules[0].backends[*].weight' is [0]: must give at least one backend a weight above 0: with every weight 0 the gateway answers every request with an error`,
  },
  {
    construct: 'HttpRoute',
    name: 'a backend port the Service does not have',
    build: ruleWith(svc => ({ backends: [{ service: svc, port: 8080 }] })),
    path: 'app/route',
    prop: 'rules[0].backends[0].port',
    value: '8080',
    message: `app/route: 'rules[0].backends[0].port' is 8080: must be a port of Service "web-stable" (it has http/80)`,
  },
  {
    construct: 'HttpRoute',
    name: 'a backend that is not a Service',
    build: ruleWith(() => ({ backends: [{ service: { name: 'web' } }] })),
    path: 'app/route',
    prop: 'rules[0].backends[0].service',
    value: '{"name":"web"}',
    message: `app/route: 'rules[0].backends[0].service' is {"name":"web"}: must be a construct`,
  },
  {
    construct: 'HttpRoute',
    name: 'a rule without backends or redirect',
    build: ruleWith(() => ({ backends: [] })),
    path: 'app/route',
    prop: 'rules[0].backends',
    value: '[]',
    message: `app/route: 'rules[0].backends' is []: must name at least one backend (or add a redirect filter)`,
  },
  {
    construct: 'HttpRoute',
    name: 'a redirect beside backends',
    build: ruleWith(() => ({ filters: [HttpFilter.httpsRedirect()] })),
    path: 'app/route',
    prop: 'rules[0].backends',
    value: '1',
    message: `app/route: 'rules[0].backends' is 1: must be left out with a redirect filter: the redirect answers`,
  },
  {
    construct: 'HttpRoute',
    name: 'a redirect status code that is no redirect',
    build: routeWith({ rules: [{ filters: [HttpFilter.redirect({ statusCode: 200 as any })] }] }),
    path: 'app/route',
    prop: 'rules[0].filters[0].requestRedirect.statusCode',
    value: '200',
    message: `app/route: 'rules[0].filters[0].requestRedirect.statusCode' is 200: must be 301, 302, 303, 307 or 308`,
  },
  {
    construct: 'HttpRoute',
    name: 'a prefix rewrite on two matches',
    build: ruleWith(() => ({
      matches: [HttpMatch.pathPrefix('/a'), HttpMatch.pathPrefix('/b')],
      filters: [HttpFilter.rewrite({ replacePrefix: '/' })],
    })),
    path: 'app/route',
    prop: 'rules[0].matches',
    value: '2',
    message: `app/route: 'rules[0].matches' is 2: must be exactly one HttpMatch.pathPrefix with a replacePrefix rewrite`,
  },
  {
    construct: 'HttpRoute',
    name: 'a header name with a space',
    build: ruleWith(() => ({ matches: [HttpMatch.headers({ 'X Canary': 'yes' })] })),
    path: 'app/route',
    prop: 'rules[0].matches[0].headers.X Canary',
    value: '"X Canary"',
    message: `app/route: 'rules[0].matches[0].headers.X Canary' is "X Canary": must be an HTTP header name: 1 to 256 letters, digits and !#$%&'*+-.^_\`|~ (no spaces or ":")`,
  },
  {
    construct: 'HttpRoute',
    name: 'a relative match path',
    build: ruleWith(() => ({ matches: [HttpMatch.pathPrefix('api')] })),
    path: 'app/route',
    prop: 'rules[0].matches[0].path',
    value: '"api"',
  },
  {
    construct: 'HttpRoute',
    name: 'the same match in two rules',
    build: app => {
      const { c, svc } = service(app);
      new HttpRoute(c, 'route', {
        parents,
        rules: [
          { matches: [HttpMatch.pathPrefix('/api')], backends: [{ service: svc }] },
          { matches: [HttpMatch.pathPrefix('/api')], backends: [{ service: svc }] },
        ],
      });
    },
    path: 'app/route',
    prop: 'rules[1].matches[0]',
    value: '"PathPrefix /api"',
    message: `app/route: 'rules[1].matches[0]' is "PathPrefix /api": is already matched by rules[0], which the gateway prefers; merge the rules or tell them apart by headers, query or method`,
  },
  {
    construct: 'HttpRoute',
    name: 'a backend timeout above the request timeout',
    build: ruleWith(() => ({ timeouts: { request: Duration.seconds(5), backendRequest: Duration.seconds(10) } })),
    path: 'app/route',
    prop: 'rules[0].timeouts.backendRequest',
    value: '"10s"',
    message: `app/route: 'rules[0].timeouts.backendRequest' is "10s": must be at most the request timeout (5s)`,
  },
  {
    construct: 'HttpRoute',
    name: 'no rules',
    build: routeWith({ rules: [] }),
    path: 'app/route',
    prop: 'rules',
    value: '[]',
    message: `[app/route] 'rules' is []: must hold at least one rule`,
  },
  {
    construct: 'HttpRoute',
    name: 'a canary weight above 100',
    build: app => {
      const { c, s, svc } = service(app);
      const other = new VersionedService(c, 'other', { name: 'web-other', serves: s, port: 80 });
      new HttpRoute(c, 'route', { parents, canary: { stable: svc, canary: other, weight: 150 } });
    },
    path: 'app/route',
    prop: 'canary.weight',
    value: '150',
    message: `app/route: 'canary.weight' is 150: must be a whole percentage from 0 to 100`,
  },
  {
    construct: 'HttpRoute',
    name: 'a listener the Gateway construct does not have',
    build: app => {
      const { c, svc } = service(app);
      const gw = new Gateway(c, 'gw', { className: 'eg', listeners: [{ name: 'http', protocol: 'HTTP' }] });
      new HttpRoute(c, 'route', {
        parents: [GatewayRef.of(gw, { sectionName: 'https' })],
        rules: [{ backends: [{ service: svc }] }],
      });
    },
    path: 'app/route',
    prop: 'parents[0].sectionName',
    value: '"https"',
    message: `app/route: 'parents[0].sectionName' is "https": must be a listener of app/gw (http)`,
  },
  {
    construct: 'HttpRoute',
    name: 'a backend in another namespace without a route namespace',
    build: app => {
      const backend = new Chart(app, 'backend', { namespace: 'shop' });
      const s = new StableDeployment(backend, 'web', { app: 'web', image: 'web:1.0', port: 8080 });
      const svc = new VersionedService(backend, 'svc', { serves: s, port: 80 });
      new HttpRoute(chart(app), 'route', { parents, rules: [{ backends: [{ service: svc }] }] });
    },
    path: 'app/route',
    prop: 'rules[0].backends[0].service',
    value: 'construct backend/svc',
    message: `app/route: 'rules[0].backends[0].service' is construct backend/svc: is in namespace "shop": set the route's namespace (on its Chart) so the ReferenceGrant made for it can name the namespace it trusts`,
  },
  {
    construct: 'Gateway',
    name: 'an HTTPS listener without certificates',
    build: gatewayWith([{ name: 'https', protocol: 'HTTPS' }]),
    path: 'app/gw',
    prop: 'listeners[0].certificates',
    value: 'undefined',
    message: `app/gw: 'listeners[0].certificates' is undefined: must name 1 to 64 TLS Secrets for an HTTPS listener`,
  },
  {
    construct: 'Gateway',
    name: 'certificates on an HTTP listener',
    build: gatewayWith([{ name: 'http', protocol: 'HTTP', certificates: ['tls'] }]),
    path: 'app/gw',
    prop: 'listeners[0].certificates',
    value: '["tls"]',
    message: `app/gw: 'listeners[0].certificates' is ["tls"]: must be left out for an HTTP listener; use HTTPS`,
  },
  {
    construct: 'Gateway',
    name: 'two listeners of one name',
    build: gatewayWith([
      { name: 'web', protocol: 'HTTP' },
      { name: 'web', protocol: 'HTTP', port: 8080 },
    ]),
    path: 'app/gw',
    prop: 'listeners[1].name',
    value: '"web"',
    message: `app/gw: 'listeners[1].name' is "web": is already the name of listeners[0]; names are unique`,
  },
  {
    construct: 'Gateway',
    name: 'two listeners on one port, protocol and hostname',
    build: gatewayWith([
      { name: 'a', protocol: 'HTTP' },
      { name: 'b', protocol: 'HTTP', port: 80 },
    ]),
    path: 'app/gw',
    prop: 'listeners[1]',
    value: '"HTTP:80 *"',
    message: `app/gw: 'listeners[1]' is "HTTP:80 *": repeats the port, protocol and hostname of listeners[0]; each combination must be unique`,
  },
  {
    construct: 'Gateway',
    name: 'a protocol the construct does not offer',
    build: gatewayWith([{ name: 'tcp', protocol: 'TCP' }]),
    path: 'app/gw',
    prop: 'listeners[0].protocol',
    value: '"TCP"',
    message: `app/gw: 'listeners[0].protocol' is "TCP": must be one of "HTTP", "HTTPS"`,
  },
  {
    construct: 'GrpcRoute',
    name: 'a gRPC service name with a slash',
    build: app => {
      const { c, svc } = service(app);
      new GrpcRoute(c, 'route', {
        parents,
        rules: [{ matches: [GrpcMatch.service('shop/Cart')], backends: [{ service: svc }] }],
      });
    },
    path: 'app/route',
    prop: 'rules[0].matches[0].service',
    value: '"shop/Cart"',
    message: `app/route: 'rules[0].matches[0].service' is "shop/Cart": must be a gRPC service name such as "shop.v1.Cart" (letters, digits, "_" and ".")`,
  },
  {
    construct: 'GrpcRoute',
    name: 'a redirect filter',
    build: app => {
      const { c, svc } = service(app);
      new GrpcRoute(c, 'route', {
        parents,
        rules: [{ filters: [HttpFilter.httpsRedirect()], backends: [{ service: svc }] }],
      });
    },
    path: 'app/route',
    prop: 'rules[0].filters[0]',
    value: '"RequestRedirect"',
    message: `app/route: 'rules[0].filters[0]' is "RequestRedirect": must be HttpFilter.requestHeaders or HttpFilter.responseHeaders: a GRPCRoute takes only header filters`,
  },
  {
    construct: 'ReferenceGrant',
    name: 'a route kind it cannot trust',
    build: app => {
      new ReferenceGrant(chart(app), 'grant', { from: [{ kind: 'TCPRoute' as any, namespace: 'edge' }] });
    },
    path: 'app/grant',
    prop: 'from[0].kind',
    value: '"TCPRoute"',
    message: `app/grant: 'from[0].kind' is "TCPRoute": must be one of "HTTPRoute", "GRPCRoute"`,
  },
  {
    construct: 'Rollout',
    name: 'a Gateway API route without the canary Service in a rule',
    build: rolloutRouted(
      (c, stable) => new HttpRoute(c, 'shop', { parents, rules: [{ backends: [{ service: stable }] }] }),
    ),
    path: 'app/rollout',
    prop: 'strategy.trafficRouting.routes[0]',
    value: '"shop"',
    message: `[app/rollout] 'strategy.trafficRouting.routes[0]' is "shop": must have a rule whose backends are both the stableService "shop-stable" and the canaryService "shop-canary": the plugin moves traffic between them there (HttpRoute's canary prop writes such a rule)`,
  },
  {
    construct: 'Rollout',
    name: 'a mirror step with only a GrpcRoute',
    build: rolloutRouted(
      (c, stable, canary) =>
        new GrpcRoute(c, 'shop', {
          parents,
          rules: [
            {
              backends: [
                { service: stable, weight: 1 },
                { service: canary, weight: 0 },
              ],
            },
          ],
        }),
      [CanaryStep.setMirrorRoute('mirror', 10), CanaryStep.pause()],
    ),
    path: 'app/rollout',
    prop: 'strategy.steps[0].setMirrorRoute',
    value: '"mirror"',
    message: `app/rollout: 'strategy.steps[0].setMirrorRoute' is "mirror": needs an HttpRoute: the plugin mirrors HTTP traffic only`,
  },
  {
    construct: 'Rollout',
    name: 'a header route name that is no DNS name',
    build: rolloutRouted(
      (c, stable, canary) => new HttpRoute(c, 'shop', { parents, canary: { stable, canary } }),
      [CanaryStep.setHeaderRoute('Beta Testers', [{ header: 'X-Beta', value: 'yes' }]), CanaryStep.pause()],
    ),
    path: 'app/rollout',
    prop: 'strategy.steps[0].setHeaderRoute.name',
    value: '"Beta Testers"',
  },
  {
    construct: 'Wiring checks',
    name: 'HTTPRoute backend on a missing Service',
    build: l1Route([{ backendRefs: [{ name: 'wbe', port: 80 }] }]),
    path: 'app/l1-route',
    prop: 'spec.rules[0].backendRefs[0].name',
    value: '"wbe"',
    message: `[app/l1-route] HTTPRoute/other 'spec.rules[0].backendRefs[0].name' is "wbe": names no Service in namespace "default" of this app (Services there: web-stable) [route-missing-service]`,
  },
  {
    construct: 'Wiring checks',
    name: 'HTTPRoute backend on a missing port',
    build: l1Route([{ backendRefs: [{ name: 'web-stable', port: 8080 }] }]),
    path: 'app/l1-route',
    prop: 'spec.rules[0].backendRefs[0].port',
    value: '8080',
    message: `[app/l1-route] HTTPRoute/other 'spec.rules[0].backendRefs[0].port' is 8080: must be a port number of Service "web-stable" (it has http/80) [route-missing-port]`,
  },
  {
    construct: 'Wiring checks',
    name: 'two HTTPRoutes claiming one host name and path on one parent',
    build: app => {
      const { c, svc } = service(app);
      const rule = { matches: [HttpMatch.pathPrefix('/shop')], backends: [{ service: svc }] };
      new HttpRoute(c, 'first', { parents, hostnames: ['shop.example.com'], rules: [rule] });
      new HttpRoute(c, 'second', { parents, hostnames: ['shop.example.com'], rules: [rule] });
      enableWiringChecks(app);
    },
    path: 'app/second',
    prop: 'spec.rules[0].matches[0]',
    value: '"shop.example.com/shop"',
    message: `[app/second] HTTPRoute/second 'spec.rules[0].matches[0]' is "shop.example.com/shop": is already claimed by HTTPRoute/first on the same parent (default/public); the gateway serves only one of them, so give each host name and path one route [route-duplicate-match]`,
  },
];
