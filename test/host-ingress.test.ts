import { HostIngress, NginxCanary, StableDeployment, CanaryDeployment, VersionedService } from '../lib';
import { find, newChart, synth } from './support/synth';

function services() {
  const chart = newChart();
  const stable = new StableDeployment(chart, 'stable', { app: 'shop', image: 'shop:1.0', port: 3894 });
  const canary = new CanaryDeployment(chart, 'canary', { stable, image: 'shop:2.0' });
  const stableSvc = new VersionedService(chart, 'stable-svc', { serves: stable, port: 8081 });
  const canarySvc = new VersionedService(chart, 'canary-svc', { serves: canary, port: 8081 });
  return { chart, stableSvc, canarySvc };
}

describe('HostIngress', () => {
  test('routes hosts to services with path / Prefix by default and the ingress class', () => {
    const { chart, stableSvc, canarySvc } = services();
    new HostIngress(chart, 'ingress', {
      name: 'app-ingress',
      className: 'nginx',
      rules: [
        { host: 'tutorial-api.com', service: stableSvc },
        { host: 'canary.tutorial-api.com', service: canarySvc, port: 'http' },
      ],
    });
    const ing = find(synth(chart), 'Ingress', 'app-ingress');
    expect(ing.apiVersion).toBe('networking.k8s.io/v1');
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.rules).toEqual([
      {
        host: 'tutorial-api.com',
        http: {
          paths: [
            { path: '/', pathType: 'Prefix', backend: { service: { name: 'shop-stable', port: { number: 8081 } } } },
          ],
        },
      },
      {
        host: 'canary.tutorial-api.com',
        http: {
          paths: [
            { path: '/', pathType: 'Prefix', backend: { service: { name: 'shop-canary', port: { name: 'http' } } } },
          ],
        },
      },
    ]);
    expect(ing.spec.tls).toBeUndefined();
  });

  test('several paths of one host share a rule; addRule after construction reaches the manifest', () => {
    const { chart, stableSvc, canarySvc } = services();
    const ingress = new HostIngress(chart, 'ingress', { rules: [{ host: 'shop.example.com', service: stableSvc }] });
    ingress.addRule({ host: 'shop.example.com', path: '/beta', pathType: 'Exact', service: canarySvc });
    const ing = find(synth(chart), 'Ingress');
    expect(ing.metadata.name).toBe('ingress');
    expect(ing.spec.rules).toHaveLength(1);
    expect(ing.spec.rules[0].http.paths.map((p: any) => [p.path, p.pathType, p.backend.service.name])).toEqual([
      ['/', 'Prefix', 'shop-stable'],
      ['/beta', 'Exact', 'shop-canary'],
    ]);
  });

  test('TLS per host from a secret name', () => {
    const { chart, stableSvc, canarySvc } = services();
    new HostIngress(chart, 'ingress', {
      rules: [
        { host: 'a.example.com', service: stableSvc, tlsSecret: 'example-tls' },
        { host: 'b.example.com', service: canarySvc, tlsSecret: 'example-tls' },
      ],
    });
    expect(find(synth(chart), 'Ingress').spec.tls).toEqual([
      { hosts: ['a.example.com', 'b.example.com'], secretName: 'example-tls' },
    ]);
  });

  test('a host with several paths is listed once under its TLS secret', () => {
    const { chart, stableSvc, canarySvc } = services();
    new HostIngress(chart, 'ingress', {
      rules: [
        { host: 'a.example.com', path: '/api', service: stableSvc, tlsSecret: 'example-tls' },
        { host: 'a.example.com', path: '/web', service: canarySvc, tlsSecret: 'example-tls' },
      ],
    });
    expect(find(synth(chart), 'Ingress').spec.tls).toEqual([{ hosts: ['a.example.com'], secretName: 'example-tls' }]);
  });

  test('an exact-weight nginx canary Ingress repeats the primary host with canary annotations', () => {
    const { chart, stableSvc, canarySvc } = services();
    const primary = new HostIngress(chart, 'primary', {
      className: 'nginx',
      rules: [{ host: 'shop.example.com', service: stableSvc }],
    });
    new HostIngress(chart, 'weighted', {
      canary: { primary, split: NginxCanary.weight(10) },
      rules: [{ host: 'shop.example.com', service: canarySvc }],
    });
    new HostIngress(chart, 'by-header', {
      canary: { primary, split: NginxCanary.header('X-Canary', 'yes') },
      rules: [{ host: 'shop.example.com', service: canarySvc }],
    });
    const out = synth(chart);
    const weighted = find(out, 'Ingress', 'weighted');
    expect(weighted.metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '10',
    });
    expect(weighted.spec.ingressClassName).toBe('nginx');
    expect(find(out, 'Ingress', 'by-header').metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-by-header': 'X-Canary',
      'nginx.ingress.kubernetes.io/canary-by-header-value': 'yes',
    });
  });

  describe('fails if', () => {
    test.each([
      [
        'a host is not a DNS name',
        { host: 'Tutorial_API.com' },
        /test\/ingress: 'rules\[0\].host' is "Tutorial_API.com": must be a DNS host name/,
      ],
      [
        'a host is a bare word',
        { host: 'shop' },
        /test\/ingress: 'rules\[0\].host' is "shop": must be a fully qualified host name/,
      ],
      [
        'the path is relative',
        { host: 'a.example.com', path: 'api' },
        /test\/ingress: 'rules\[0\].path' is "api": must be an absolute URL path: start with "\/"/,
      ],
      [
        'the port is not on the service',
        { host: 'a.example.com', port: 9999 },
        /test\/ingress: 'rules\[0\].port' is 9999: must be a port of test\/stable-svc/,
      ],
      [
        'the port name is not on the service',
        { host: 'a.example.com', port: 'grpc' },
        /'rules\[0\].port' is "grpc": must be a port of test\/stable-svc/,
      ],
      [
        'the TLS secret name is invalid',
        { host: 'a.example.com', tlsSecret: 'Bad Secret' },
        /'rules\[0\].tlsSecret' is "Bad Secret"/,
      ],
    ])('%s', (_name, rule, message) => {
      const { chart, stableSvc } = services();
      expect(() => new HostIngress(chart, 'ingress', { rules: [{ service: stableSvc, ...rule } as any] })).toThrow(
        message,
      );
    });

    test('two rules route the same host and path', () => {
      const { chart, stableSvc, canarySvc } = services();
      expect(
        () =>
          new HostIngress(chart, 'ingress', {
            rules: [
              { host: 'a.example.com', service: stableSvc },
              { host: 'a.example.com', service: canarySvc },
            ],
          }),
      ).toThrow(/test\/ingress: 'rules\[1\].host' is "a.example.com\/": is already routed to shop-stable/);
    });

    test('the name is invalid', () => {
      const { chart } = services();
      expect(() => new HostIngress(chart, 'ingress', { name: 'App_Ingress' })).toThrow(
        /test\/ingress: 'name' is "App_Ingress"/,
      );
    });

    test('a canary weight is outside 0..100', () => {
      const { chart, stableSvc } = services();
      const primary = new HostIngress(chart, 'primary', {
        className: 'nginx',
        rules: [{ host: 'a.example.com', service: stableSvc }],
      });
      expect(() => new HostIngress(chart, 'c', { canary: { primary, split: NginxCanary.weight(101) } })).toThrow(
        /test\/c: 'canary.split.weight' is 101/,
      );
    });

    test('a canary routes a host its primary does not serve', () => {
      const { chart, stableSvc, canarySvc } = services();
      const primary = new HostIngress(chart, 'primary', {
        className: 'nginx',
        rules: [{ host: 'a.example.com', service: stableSvc }],
      });
      new HostIngress(chart, 'c', {
        canary: { primary, split: NginxCanary.weight(5) },
        rules: [{ host: 'b.example.com', service: canarySvc }],
      });
      expect(() => synth(chart)).toThrow(
        /\[test\/c\] 'rules' is "b.example.com\/": must also be a rule of the primary test\/primary/,
      );
    });

    test('an Ingress has no rules', () => {
      const { chart } = services();
      new HostIngress(chart, 'empty');
      expect(() => synth(chart)).toThrow(/\[test\/empty\] 'rules' is \[\]: must hold at least one host rule/);
    });
  });
});

describe('HostIngress hosts and paths', () => {
  test('a wildcard host (whole leftmost label) and clean paths are accepted', () => {
    const { chart, stableSvc } = services();
    new HostIngress(chart, 'ing', {
      rules: [
        { host: '*.example.com', service: stableSvc },
        { host: 'api.example.com', path: '/v1/users.json', pathType: 'Exact', service: stableSvc },
        { host: 'api.example.com', path: '/a%20b/~me', service: stableSvc },
      ],
    });
    expect(find(synth(chart), 'Ingress').spec.rules.map((r: any) => r.host)).toEqual([
      '*.example.com',
      'api.example.com',
    ]);
  });

  test.each([
    ['*example.com', '/'],
    ['*.*.example.com', '/'],
    ['192.168.0.1', '/'],
    ['[::1]', '/'],
  ])('host %s is refused', (host, path) => {
    const { chart, stableSvc } = services();
    expect(() => new HostIngress(chart, 'ing', { rules: [{ host, path, service: stableSvc }] })).toThrow(
      /test\/ing: 'rules\[0\].host' is .*: must be a DNS host name/,
    );
  });

  test.each(['/a/./b', '/a/..', '/a/.', '/a%2fb', '/a?b=1', '/a#top', '/a\tb', '/{x}'])('path %j is refused', path => {
    const { chart, stableSvc } = services();
    expect(
      () => new HostIngress(chart, 'ing', { rules: [{ host: 'a.example.com', path, service: stableSvc }] }),
    ).toThrow(`test/ing: 'rules[0].path' is ${JSON.stringify(path)}: must be an absolute URL path`);
  });
});
