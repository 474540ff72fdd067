import { CanaryDeployment, StableDeployment, VersionedService } from '../lib';
import { find, newChart, selects, synth } from './support/synth';

function shop() {
  const chart = newChart();
  const stable = new StableDeployment(chart, 'stable', { app: 'shop', image: 'shop:1.0', port: 3894 });
  const canary = new CanaryDeployment(chart, 'canary', { stable, image: 'shop:2.0' });
  return { chart, stable, canary };
}

describe('VersionedService', () => {
  test('a Service for all versions selects the app only, port 8081 -> the container port', () => {
    const { chart, stable, canary } = shop();
    new VersionedService(chart, 'all', { name: 'dummy-service', serves: [stable, canary], port: 8081 });
    const svc = find(synth(chart), 'Service');
    expect(svc.metadata.name).toBe('dummy-service');
    expect(svc.spec.selector).toEqual({ 'app.kubernetes.io/name': 'shop' });
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 8081, targetPort: 3894, protocol: 'TCP' }]);
    expect(svc.spec.type).toBe('ClusterIP');
  });

  test('a Service for one track selects app and track, never the version', () => {
    const { chart, stable, canary } = shop();
    new VersionedService(chart, 'stable-svc', { serves: stable, port: 8081 });
    new VersionedService(chart, 'canary-svc', { serves: canary, port: 8081, portName: 'web' });
    const out = synth(chart);
    const s = find(out, 'Service', 'shop-stable');
    const c = find(out, 'Service', 'shop-canary');
    expect(s.spec.selector).toEqual({ 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/track': 'stable' });
    expect(c.spec.selector).toEqual({ 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/track': 'canary' });
    expect(c.spec.ports[0].name).toBe('web');
  });

  test('each Service selects exactly the pods it serves (computed from the YAML)', () => {
    const { chart, stable, canary } = shop();
    new VersionedService(chart, 'all', { name: 'all', serves: [stable, canary], port: 80 });
    new VersionedService(chart, 'stable-svc', { name: 'only-stable', serves: stable, port: 80 });
    const out = synth(chart);
    const pods = (svc: string) =>
      out
        .filter(
          m =>
            m.kind === 'Deployment' &&
            selects(find(out, 'Service', svc).spec.selector, m.spec.template.metadata.labels),
        )
        .map(m => m.metadata.name);
    expect(pods('all').sort()).toEqual(['shop-canary', 'shop-stable']);
    expect(pods('only-stable')).toEqual(['shop-stable']);
  });

  test('targetPort can be given explicitly when it matches the pods', () => {
    const { chart, stable } = shop();
    const svc = new VersionedService(chart, 'svc', { serves: stable, port: 80, targetPort: 3894 });
    expect(svc.servicePort).toEqual({ name: 'http', port: 80, targetPort: 3894 });
  });

  describe('fails if', () => {
    test.each([
      ['the port is out of range', { port: 0 }, /test\/svc: 'port' is 0: must be a whole number from 1 to 65535/],
      ['the port is above 65535', { port: 65536 }, /test\/svc: 'port' is 65536/],
      [
        "targetPort is not the pods' port",
        { port: 80, targetPort: 8080 },
        /test\/svc: 'targetPort' is 8080: must be a port the pods listen on: test\/stable listens on 3894/,
      ],
      [
        'the name is not a DNS-1035 label',
        { port: 80, name: 'dummy.service' },
        /test\/svc: 'name' is "dummy.service": must be a DNS-1035 label/,
      ],
      [
        'the port name is invalid',
        { port: 80, portName: 'HTTP' },
        /test\/svc: 'portName' is "HTTP": must be an IANA service name/,
      ],
    ])('%s', (_name, props, message) => {
      const { chart, stable } = shop();
      expect(() => new VersionedService(chart, 'svc', { serves: stable, ...props })).toThrow(message);
    });

    test('it serves two different apps', () => {
      const { chart, stable } = shop();
      const other = new StableDeployment(chart, 'cart', { app: 'cart', image: 'cart:1.0', port: 3894 });
      expect(() => new VersionedService(chart, 'svc', { serves: [stable, other], port: 80 })).toThrow(
        /test\/svc: 'serves' is construct test\/cart: must all be of one app with one label scheme: test\/cart is app "cart" but test\/stable is "shop"/,
      );
    });

    test('it serves nothing', () => {
      const { chart } = shop();
      expect(() => new VersionedService(chart, 'svc', { serves: [], port: 80 })).toThrow(
        /test\/svc: 'serves' is \[\]: must name at least one workload/,
      );
    });
  });
});
