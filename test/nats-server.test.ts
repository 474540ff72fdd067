import { Chart, Duration, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { Memory, NatsServer, NatsServerProps, PodSecurity } from '../lib';
import { schemaProblems } from './support/schemas';
import { find, newChart, selects, synth } from './support/synth';

function build(props: NatsServerProps = {}) {
  const chart = newChart();
  const server = new NatsServer(chart, 'nats', { name: 'my-nats', ...props });
  return { server, out: synth(chart) };
}

/** nats.conf with its bare `$VAR` references quoted, so it parses as the JSON it otherwise is. */
function parseConf(text: string): any {
  return JSON.parse(text.replace(/:\s*\$([A-Za-z_][A-Za-z0-9_]*)/g, ': "$$$1"'));
}

function conf(out: any[]): any {
  return parseConf(find(out, 'ConfigMap', 'my-nats-config').data['nats.conf']);
}

function podSpec(out: any[]): any {
  return find(out, 'StatefulSet', 'my-nats').spec.template.spec;
}

function container(out: any[], name: string): any {
  return podSpec(out).containers.find((c: any) => c.name === name);
}

describe('NatsServer', () => {
  test('has the names clients rely on: Service my-nats on 4222 plus metrics 7777, headless Service, StatefulSet, budget', () => {
    const { out, server } = build();
    expect(out.map(m => `${m.kind}/${m.metadata.name}`)).toEqual([
      'ConfigMap/my-nats-config',
      'Service/my-nats',
      'Service/my-nats-headless',
      'StatefulSet/my-nats',
      'PodDisruptionBudget/my-nats',
    ]);
    expect(server.url).toBe('nats://my-nats:4222');
    const svc = find(out, 'Service', 'my-nats');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports.map((p: any) => [p.name, p.port])).toEqual([
      ['client', 4222],
      ['metrics', 7777],
    ]);
  });

  test('both Services select the server pods, and their target ports are ports the containers declare', () => {
    const { out } = build();
    const podLabels = find(out, 'StatefulSet', 'my-nats').spec.template.metadata.labels;
    const declared = podSpec(out).containers.flatMap((c: any) => c.ports.map((p: any) => p.name));
    for (const name of ['my-nats', 'my-nats-headless']) {
      const svc = find(out, 'Service', name);
      expect(selects(svc.spec.selector, podLabels)).toBe(true);
      for (const port of svc.spec.ports) expect(declared).toContain(port.targetPort);
    }
    expect(declared.sort()).toEqual(['client', 'cluster', 'metrics', 'monitor']);
  });

  test("the headless Service publishes not-ready pods and is the StatefulSet's serviceName", () => {
    const { out } = build({ replicas: 3 });
    const headless = find(out, 'Service', 'my-nats-headless');
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.publishNotReadyAddresses).toBe(true);
    const sts = find(out, 'StatefulSet', 'my-nats');
    expect(sts.spec).toMatchObject({ serviceName: 'my-nats-headless', podManagementPolicy: 'Parallel', replicas: 3 });
    expect(selects(sts.spec.selector.matchLabels, sts.spec.template.metadata.labels)).toBe(true);
  });

  test('a single server has no cluster block; three servers route to every pod through the headless Service', () => {
    expect(conf(build().out).cluster).toBeUndefined();
    const three = conf(build({ replicas: 3 }).out);
    expect(three.cluster).toEqual({
      name: 'my-nats',
      port: 6222,
      no_advertise: true,
      routes: [
        'nats://my-nats-0.my-nats-headless:6222',
        'nats://my-nats-1.my-nats-headless:6222',
        'nats://my-nats-2.my-nats-headless:6222',
      ],
    });
    // An even count is fine without JetStream: plain NATS clustering is a full mesh with no quorum.
    expect(conf(build({ replicas: 2 }).out).cluster.routes).toHaveLength(2);
  });

  test("for any replica count, the routes are exactly the StatefulSet pods' DNS names under its serviceName", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 25 }), replicas => {
        const { out } = build({ replicas });
        const sts = find(out, 'StatefulSet', 'my-nats');
        const podHosts = Array.from(
          { length: sts.spec.replicas },
          (_, i) => `${sts.metadata.name}-${i}.${sts.spec.serviceName}`,
        );
        const routeHosts = conf(out)
          .cluster.routes.map((r: string) => new URL(r))
          .map((u: URL) => {
            expect(u.protocol).toBe('nats:');
            expect(u.port).toBe('6222');
            return u.hostname;
          });
        expect(routeHosts).toEqual(podHosts);
      }),
      { numRuns: 30 },
    );
  });

  test('nats.conf sets the client and monitor ports, the server name from the pod name and lame-duck timing', () => {
    const { out } = build();
    expect(conf(out)).toMatchObject({
      port: 4222,
      http_port: 8222,
      server_name: '$SERVER_NAME',
      lame_duck_duration: '30s',
      lame_duck_grace_period: '10s',
    });
    expect(container(out, 'nats').env).toEqual([
      { name: 'SERVER_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ]);
    // The config file the server is started with is the ConfigMap's key, mounted from that ConfigMap.
    const nats = container(out, 'nats');
    const configFile = nats.args[nats.args.indexOf('--config') + 1];
    const mount = nats.volumeMounts.find((m: any) => configFile.startsWith(`${m.mountPath}/`));
    const volume = podSpec(out).volumes.find((v: any) => v.name === mount.name);
    expect(volume.configMap.name).toBe('my-nats-config');
    expect(configFile.slice(mount.mountPath.length + 1)).toBe('nats.conf');
  });

  test('JetStream stores on a ReadWriteOnce volume claim mounted where nats.conf points, sized by the prop', () => {
    const { out } = build({
      replicas: 3,
      jetstream: { storage: Memory.gibibytes(5), storageClass: 'fast-ssd', maxMemoryStore: Memory.mebibytes(512) },
    });
    const sts = find(out, 'StatefulSet', 'my-nats');
    expect(sts.spec.volumeClaimTemplates).toEqual([
      {
        metadata: { name: 'jetstream' },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'fast-ssd',
          resources: { requests: { storage: '5Gi' } },
        },
      },
    ]);
    const js = conf(out).jetstream;
    const mount = container(out, 'nats').volumeMounts.find((m: any) => m.name === 'jetstream');
    expect(js.store_dir).toBe(mount.mountPath);
    expect(js.max_file_store).toBe(5 * 1024 ** 3);
    expect(js.max_memory_store).toBe(512 * 1024 ** 2);
    expect(container(out, 'metrics').args).toContain('-jsz=all');
  });

  test('without JetStream there is no claim, no jetstream block and no -jsz', () => {
    const { out } = build();
    expect(find(out, 'StatefulSet', 'my-nats').spec.volumeClaimTemplates).toBeUndefined();
    expect(conf(out).jetstream).toBeUndefined();
    expect(container(out, 'metrics').args.some((a: string) => a.startsWith('-jsz'))).toBe(false);
  });

  test('probes hit the monitor port: startup /healthz, readiness js-server-only, liveness js-enabled-only with JetStream', () => {
    const withJs = container(build({ jetstream: {} }).out, 'nats');
    const monitor = withJs.ports.find((p: any) => p.name === 'monitor');
    expect(monitor.containerPort).toBe(8222);
    expect(withJs.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'monitor' });
    expect(withJs.startupProbe.failureThreshold).toBeGreaterThanOrEqual(30);
    expect(withJs.readinessProbe.httpGet).toEqual({ path: '/healthz?js-server-only=true', port: 'monitor' });
    expect(withJs.livenessProbe.httpGet).toEqual({ path: '/healthz?js-enabled-only=true', port: 'monitor' });
    const plain = container(build().out, 'nats');
    expect(plain.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'monitor' });
  });

  test('shuts down through lame-duck mode with time to finish', () => {
    const { out } = build();
    const nats = container(out, 'nats');
    expect(nats.lifecycle.preStop.exec.command).toEqual(['nats-server', '--signal', `ldm=${conf(out).pid_file}`]);
    // The PID file sits on a writable volume, since the root filesystem is read-only.
    expect(nats.volumeMounts.some((m: any) => conf(out).pid_file.startsWith(`${m.mountPath}/`))).toBe(true);
    expect(podSpec(out).terminationGracePeriodSeconds).toBe(60);
  });

  test('the exporter sidecar serves /metrics on the port named metrics, scraping the monitor port', () => {
    const metrics = container(build().out, 'metrics');
    expect(metrics.ports).toEqual([{ name: 'metrics', containerPort: 7777 }]);
    expect(metrics.args).toEqual(
      expect.arrayContaining([
        '-port=7777',
        '-prefix=nats',
        '-varz',
        '-connz',
        '-routez',
        '-subz',
        'http://localhost:8222/',
      ]),
    );
  });

  test('pins both images by tag and lets them be replaced', () => {
    const { out } = build();
    expect(container(out, 'nats').image).toMatch(/^nats:\d+\.\d+\.\d+-alpine$/);
    expect(container(out, 'metrics').image).toMatch(/^natsio\/prometheus-nats-exporter:\d+\.\d+\.\d+$/);
    const custom = build({
      image: 'registry.local/nats:2.10.22-alpine',
      exporterImage: 'registry.local/exporter:0.16.0',
    }).out;
    expect(container(custom, 'nats').image).toBe('registry.local/nats:2.10.22-alpine');
    expect(container(custom, 'metrics').image).toBe('registry.local/exporter:0.16.0');
  });

  test('runs both containers under the restricted profile as a non-root user that owns the volumes', () => {
    const spec = podSpec(build({ jetstream: {} }).out);
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      fsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.automountServiceAccountToken).toBe(false);
    for (const c of spec.containers) {
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
      });
    }
    for (const v of spec.volumes)
      expect(Object.keys(v).filter(k => k !== 'name')).toEqual([expect.stringMatching(/^(configMap|emptyDir)$/)]);
    const custom = podSpec(build({ security: PodSecurity.restricted({ runAsUser: 4242 }) }).out);
    expect(custom.securityContext.runAsUser).toBe(4242);
  });

  test('a PodDisruptionBudget lets one server go at a time; several servers spread over nodes', () => {
    const { out } = build({ replicas: 3 });
    const pdb = find(out, 'PodDisruptionBudget', 'my-nats');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(
      selects(pdb.spec.selector.matchLabels, find(out, 'StatefulSet', 'my-nats').spec.template.metadata.labels),
    ).toBe(true);
    expect(podSpec(out).topologySpreadConstraints).toEqual([
      expect.objectContaining({ topologyKey: 'kubernetes.io/hostname', maxSkew: 1 }),
    ]);
    expect(podSpec(build().out).topologySpreadConstraints).toBeUndefined();
  });

  test("takes the chart's namespace", () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'messaging' });
    expect(new NatsServer(chart, 'nats').namespace).toBe('messaging');
    expect(new NatsServer(newChart(), 'nats').namespace).toBe('default');
  });

  test('defaults to the release name nats', () => {
    const chart = newChart();
    const server = new NatsServer(chart, 'nats');
    expect(server.url).toBe('nats://nats:4222');
    expect(synth(chart).map(m => m.metadata.name)).toContain('nats-headless');
  });

  test.each([
    ['one server', {}],
    ['three servers with JetStream', { replicas: 3, jetstream: { storageClass: 'standard' } }],
  ])('validates against the Kubernetes schemas: %s', (_, props) => {
    expect(schemaProblems(build(props as NatsServerProps).out)).toEqual([]);
  });

  describe('fails if', () => {
    test('fails if JetStream runs on an even number of servers (RAFT quorum)', () => {
      expect(() => build({ replicas: 2, jetstream: {} })).toThrow(
        /^test\/nats: 'replicas' is 2: must be odd with JetStream/,
      );
      expect(() => build({ replicas: 4, jetstream: {} })).toThrow(
        /'replicas' is 4: .*no more failures with 4 servers than with 3/,
      );
    });

    test('fails if replicas is not a whole number >= 1', () => {
      expect(() => build({ replicas: 0 })).toThrow(
        /^test\/nats: 'replicas' is 0: must be a whole number from 1 to 64$/,
      );
    });

    test('fails if the grace period leaves no time for lame-duck mode', () => {
      expect(() => build({ lameDuckDuration: Duration.seconds(60) })).toThrow(
        /test\/nats: 'terminationGracePeriod' is "60s": must exceed lameDuckDuration plus its 10s grace period \(70s\)/,
      );
    });

    test('fails if an image is untagged or latest', () => {
      expect(() => build({ image: 'nats:latest' })).toThrow(
        /test\/nats: 'image' is "nats:latest": must carry an explicit tag/,
      );
      expect(() => build({ exporterImage: 'natsio/prometheus-nats-exporter' })).toThrow(
        /test\/nats: 'exporterImage' is "natsio\/prometheus-nats-exporter": must carry an explicit tag other than "latest"/,
      );
    });

    test('fails if the name is not a DNS label', () => {
      expect(() => build({ name: 'My_Nats' })).toThrow(/test\/nats: 'name' is "My_Nats": must be a DNS-1035 label/);
    });

    test("fails if the name is too long for the StatefulSet's pod labels", () => {
      const name = 'n'.repeat(53);
      expect(() => build({ name })).toThrow(
        new RegExp(`^test/nats: 'name' is "${name}": must be at most 52 characters`),
      );
      expect(() => build({ name: 'n'.repeat(52) })).not.toThrow();
    });

    test('fails if the JetStream storage is not a positive quantity', () => {
      expect(() => build({ jetstream: { storage: Memory.of('lots') } })).toThrow(
        /^test\/nats: 'jetstream.storage' is "lots": must be a positive Kubernetes quantity/,
      );
    });
  });
});
