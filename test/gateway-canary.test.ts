import { Chart, Testing } from 'cdk8s';
import { GatewayCanaryChart } from '../examples/gateway-canary';
import {
  CanaryStep,
  checkWiring,
  GatewayRef,
  GrpcRoute,
  HostIngress,
  HttpRoute,
  Rollout,
  RolloutStrategy,
  TrafficRouting,
  VersionedService,
  warningsOf,
} from '../lib';
import { schemaProblems } from './support/schemas';
import { find, newChart, synth } from './support/synth';

describe('gateway-canary example', () => {
  const app = Testing.app();
  const chart = new GatewayCanaryChart(app, 'gateway-canary');
  const out = synth(chart);

  test('snapshot', () => {
    expect(out).toMatchSnapshot();
  });

  test('the two Services, 80 -> 8080', () => {
    for (const name of ['storefront-stable', 'storefront-canary']) {
      expect(find(out, 'Service', name).spec.ports).toEqual([
        { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
      ]);
    }
  });

  test('the HTTPRoute: storefront.example.com on public/https in gateway-system, one rule with both Services on port 80', () => {
    expect(find(out, 'HTTPRoute', 'storefront').spec).toEqual({
      parentRefs: [{ name: 'public', namespace: 'gateway-system', sectionName: 'https' }],
      hostnames: ['storefront.example.com'],
      rules: [
        {
          backendRefs: [
            { name: 'storefront-stable', port: 80, weight: 100 },
            { name: 'storefront-canary', port: 80, weight: 0 },
          ],
        },
      ],
    });
  });

  test('the Rollout: 5 replicas, the image, port 8080, probes, routed by the Gateway API plugin through the route', () => {
    const rollout = find(out, 'Rollout', 'storefront');
    expect(rollout.spec.replicas).toBe(5);
    const container = rollout.spec.template.spec.containers[0];
    expect(container.image).toBe('ghcr.io/example/storefront:2.3.0');
    expect(container.ports).toEqual([{ containerPort: 8080, name: 'http' }]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 8080 });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/livez', port: 8080 });
    expect(rollout.spec.strategy.canary).toEqual({
      canaryService: 'storefront-canary',
      stableService: 'storefront-stable',
      trafficRouting: {
        managedRoutes: [{ name: 'canary-testers' }],
        plugins: { 'argoproj-labs/gatewayAPI': { httpRoutes: [{ name: 'storefront', useHeaderRoutes: true }] } },
      },
      steps: [
        { setWeight: 10 },
        {
          setHeaderRoute: {
            name: 'canary-testers',
            match: [{ headerName: 'X-Canary', headerValue: { exact: 'always' } }],
          },
        },
        { pause: { duration: '5m' } },
        { analysis: { templates: [{ templateName: 'storefront-restart-rate' }] } },
        { setWeight: 50 },
        { pause: { duration: '5m' } },
      ],
    });
    expect(find(out, 'AnalysisTemplate', 'storefront-restart-rate').spec.metrics[0].name).toBeDefined();
  });

  test('passes schema validation and the wiring checks, with no warnings', () => {
    expect(schemaProblems(out)).toEqual([]);
    expect(checkWiring(out)).toEqual([]);
    expect(warningsOf(app)).toEqual([]);
  });
});

/** A Rollout with its two Services, for the routing contract. */
function rolloutWithServices(chart: Chart = newChart()) {
  const rollout = new Rollout(chart, 'rollout', { app: 'shop', image: 'shop:1.0', port: 8080, replicas: 3 });
  const stable = new VersionedService(chart, 'stable', { name: 'shop-stable', serves: rollout, port: 80 });
  const canary = new VersionedService(chart, 'canary', { name: 'shop-canary', serves: rollout, port: 80 });
  return { chart, rollout, stable, canary };
}
const parents = [GatewayRef.named('public')];

describe('TrafficRouting.gatewayApi', () => {
  test('one HttpRoute, weight steps only: httpRoutes without useHeaderRoutes, no managedRoutes', () => {
    const { chart, rollout, stable, canary } = rolloutWithServices();
    const route = new HttpRoute(chart, 'shop', { parents, canary: { stable, canary } });
    rollout.setStrategy(
      RolloutStrategy.canary({
        stableService: stable,
        canaryService: canary,
        trafficRouting: TrafficRouting.gatewayApi(route),
        steps: [CanaryStep.setWeight(20), CanaryStep.pause()],
      }),
    );
    expect(find(synth(chart), 'Rollout').spec.strategy.canary.trafficRouting).toEqual({
      plugins: { 'argoproj-labs/gatewayAPI': { httpRoutes: [{ name: 'shop' }] } },
    });
  });

  test('several routes, HTTP and gRPC, a mirror step, another plugin name and the routes namespace', () => {
    const app = Testing.app();
    const { chart, rollout, stable, canary } = rolloutWithServices(new Chart(app, 'shop', { namespace: 'shop' }));
    const edge = new Chart(app, 'edge', { namespace: 'edge' });
    const web = new HttpRoute(edge, 'web', { parents, canary: { stable, canary } });
    const api = new HttpRoute(edge, 'api', { parents, canary: { stable, canary } });
    const grpc = new GrpcRoute(edge, 'grpc', {
      parents,
      rules: [
        {
          backends: [
            { service: stable, weight: 100 },
            { service: canary, weight: 0 },
          ],
        },
      ],
    });
    rollout.setStrategy(
      RolloutStrategy.canary({
        stableService: stable,
        canaryService: canary,
        trafficRouting: TrafficRouting.gatewayApi([web, api, grpc], { pluginName: 'example/gateway' }),
        steps: [
          CanaryStep.setMirrorRoute('mirror', 30),
          CanaryStep.setHeaderRoute('beta', [{ header: 'X-Beta', value: 'yes' }]),
          CanaryStep.setWeight(10),
          CanaryStep.pause(),
        ],
      }),
    );
    const canaryStrategy = find(synth(chart), 'Rollout').spec.strategy.canary;
    expect(canaryStrategy.trafficRouting).toEqual({
      managedRoutes: [{ name: 'mirror' }, { name: 'beta' }],
      plugins: {
        'example/gateway': {
          httpRoutes: [
            { name: 'web', useHeaderRoutes: true },
            { name: 'api', useHeaderRoutes: true },
          ],
          grpcRoutes: [{ name: 'grpc', useHeaderRoutes: true }],
          namespace: 'edge',
        },
      },
    });
    expect(canaryStrategy.steps.slice(0, 2)).toEqual([
      { setMirrorRoute: { name: 'mirror', percentage: 30, match: [{ path: { prefix: '/' } }] } },
      { setHeaderRoute: { name: 'beta', match: [{ headerName: 'X-Beta', headerValue: { exact: 'yes' } }] } },
    ]);
    expect(schemaProblems(synth(chart))).toEqual([]);
  });

  test('a route whose rules lack the canary Service fails synthesis, naming the route', () => {
    const { chart, rollout, stable, canary } = rolloutWithServices();
    const route = new HttpRoute(chart, 'shop', { parents, rules: [{ backends: [{ service: stable }] }] });
    rollout.setStrategy(
      RolloutStrategy.canary({
        stableService: stable,
        canaryService: canary,
        trafficRouting: TrafficRouting.gatewayApi(route),
        steps: [CanaryStep.setWeight(20), CanaryStep.pause()],
      }),
    );
    expect(() => chart.toJson()).toThrow(
      `[test/rollout] 'strategy.trafficRouting.routes[0]' is "shop": must have a rule whose backends are both the stableService "shop-stable" and the canaryService "shop-canary"`,
    );
  });

  test('a rule with both Services added after the Rollout counts: the check runs at synthesis', () => {
    const { chart, rollout, stable, canary } = rolloutWithServices();
    const route = new HttpRoute(chart, 'shop', { parents });
    rollout.setStrategy(
      RolloutStrategy.canary({
        stableService: stable,
        canaryService: canary,
        trafficRouting: TrafficRouting.gatewayApi(route),
        steps: [CanaryStep.setWeight(20), CanaryStep.pause()],
      }),
    );
    route.addRule({
      backends: [
        { service: stable, weight: 1 },
        { service: canary, weight: 0 },
      ],
    });
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('a header route step needs at least one header', () => {
    const { chart, rollout, stable, canary } = rolloutWithServices();
    const route = new HttpRoute(chart, 'shop', { parents, canary: { stable, canary } });
    expect(() =>
      rollout.setStrategy(
        RolloutStrategy.canary({
          stableService: stable,
          canaryService: canary,
          trafficRouting: TrafficRouting.gatewayApi(route),
          steps: [CanaryStep.setHeaderRoute('beta', [])],
        }),
      ),
    ).toThrow(`test/rollout: 'strategy.steps[0].setHeaderRoute.match' is []: must hold at least one { header, value }`);
  });

  test('nginx routing (legacy) still refuses header steps, pointing at the Gateway API router', () => {
    const { chart, rollout, stable, canary } = rolloutWithServices();
    const ingress = new HostIngress(chart, 'ing', { rules: [{ host: 'shop.example.com', service: stable }] });
    expect(() =>
      rollout.setStrategy(
        RolloutStrategy.canary({
          stableService: stable,
          canaryService: canary,
          trafficRouting: TrafficRouting.nginx(ingress),
          steps: [CanaryStep.setHeaderRoute('beta', [{ header: 'X-Beta', value: 'yes' }])],
        }),
      ),
    ).toThrow(
      `test/rollout: 'strategy.steps[0].setHeaderRoute' is "beta": cannot be done by the nginx router: Argo manages header and mirror routes only with Istio, ALB, Apisix or the Gateway API plugin (TrafficRouting.gatewayApi; use HostIngress's NginxCanary.header for a fixed header split)`,
    );
  });
});
