import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { connect } from '@nats-io/transport-node';
import { Duration } from 'cdk8s';
import { Memory, NatsServer, NatsServerProps } from '../lib';
import { find, newChart, synth } from './support/synth';
import { describeWithTool } from './support/tools';

const INSTALL = 'sudo apt-get install -y nats-server';

/** The synthesized manifests of a NatsServer named my-nats. */
function natsManifests(props: NatsServerProps = {}): any[] {
  const chart = newChart();
  new NatsServer(chart, 'nats', { name: 'my-nats', ...props });
  return synth(chart);
}

/** nats.conf exactly as the ConfigMap carries it. */
function emittedConfig(props: NatsServerProps = {}): string {
  return find(natsManifests(props), 'ConfigMap', 'my-nats-config').data['nats.conf'];
}

function writeTemp(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describeWithTool('nats-server', INSTALL, 'the generated nats.conf, checked by nats-server -t', natsServer => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nats-conf-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs `nats-server -t` the way a pod would: SERVER_NAME set from the pod name. */
  function check(file: string, env: Record<string, string> = { SERVER_NAME: 'my-nats-0' }) {
    const cleanEnv = { ...process.env };
    delete cleanEnv.SERVER_NAME;
    return spawnSync(natsServer, ['-t', '-c', file], {
      env: { ...cleanEnv, ...env },
      encoding: 'utf8',
      timeout: 10000,
    });
  }

  it.each([
    [1, false],
    [1, true],
    [3, false],
    [3, true],
  ])('accepts the config of %i replica(s), JetStream %s', (replicas, jetstream) => {
    const file = writeTemp(
      dir,
      `r${replicas}-js${jetstream}.conf`,
      emittedConfig({ replicas, jetstream: jetstream ? {} : undefined }),
    );
    const result = check(file);
    expect(result.stdout + result.stderr).toMatch(/configuration file .* is valid/);
    expect(result.status).toBe(0);
  });

  it.each([
    ['64 servers (the most NATS_MAX_CLUSTER_SIZE allows)', { replicas: 64 }],
    [
      '63 servers with JetStream, the largest int64 store and a memory store in decimal units',
      { replicas: 63, jetstream: { storage: Memory.of('9223372036854775807'), maxMemoryStore: Memory.of('1.5G') } },
    ],
    ['JetStream at 7Ei, exactly', { jetstream: { storage: Memory.of('7Ei') } }],
    ['the shortest lame-duck duration nats-server allows', { lameDuckDuration: Duration.seconds(30) }],
  ] as const)('accepts the config at the bounds the props allow: %s', (name, props) => {
    const text = emittedConfig(props as NatsServerProps);
    const result = check(writeTemp(dir, `${name.replace(/\W+/g, '-')}.conf`, text));
    expect(result.stdout + result.stderr).toMatch(/configuration file .* is valid/);
    expect(result.status).toBe(0);
    if (name.startsWith('JetStream at 7Ei')) expect(text).toContain('"max_file_store": 8070450532247928832');
  });

  it('rejects a lame-duck duration below 30 seconds, which the props refuse', () => {
    const text = emittedConfig().replace('"lame_duck_duration": "30s"', '"lame_duck_duration": "29s"');
    const result = check(writeTemp(dir, 'short-ldm.conf', text));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/minimum is 30 seconds/);
  });

  it('rejects a store beyond int64, which the props refuse', () => {
    const text = emittedConfig({ jetstream: {} }).replace(
      /"max_file_store": \d+/,
      '"max_file_store": 9223372036854775808',
    );
    const result = check(writeTemp(dir, 'huge-store.conf', text));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/out of the range/);
  });

  // The two controls show the check can fail: nats-server really reads the keys and the variable.
  it('rejects the same config with an unknown key', () => {
    const text = emittedConfig().replace('"port": 4222,', '"port": 4222,\n  "no_such_option": 1,');
    const result = check(writeTemp(dir, 'unknown-key.conf', text));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/unknown field "no_such_option"/);
  });

  it('rejects the config when SERVER_NAME is not in the environment', () => {
    const result = check(writeTemp(dir, 'no-env.conf', emittedConfig()), {});
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/SERVER_NAME/);
  });
});

interface RunningServer {
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly clientPort: number;
  readonly monitorPort: number;
  readonly pidFile: string;
  log(): string;
}

/** Starts nats-server on loopback with `confText`, SERVER_NAME set as in a pod, and waits for /healthz. */
async function startServer(natsServer: string, confText: string, dir: string): Promise<RunningServer> {
  const conf = writeTemp(dir, 'nats.conf', confText);
  const clientPort = await freePort();
  const monitorPort = await freePort();
  const pidFile = path.join(dir, 'nats.pid');
  let log = '';
  // Flags override only where the server listens and its PID file, so it runs on loopback as any user.
  const proc = spawn(
    natsServer,
    ['-c', conf, '-a', '127.0.0.1', '-p', String(clientPort), '-m', String(monitorPort), '-P', pidFile],
    {
      env: { ...process.env, SERVER_NAME: 'my-nats-0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  proc.stdout!.on('data', d => (log += d));
  proc.stderr!.on('data', d => (log += d));
  const exited = new Promise<number | null>(resolve => proc.on('exit', code => resolve(code)));
  const running = { process: proc, exited, clientPort, monitorPort, pidFile, log: () => log };
  try {
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${monitorPort}/healthz`)).ok,
      10000,
      `/healthz on port ${monitorPort}`,
    );
  } catch (e) {
    await stopServer(running);
    throw new Error(`${(e as Error).message}; server log:\n${log}`);
  }
  return running;
}

async function stopServer(server: RunningServer | undefined): Promise<void> {
  if (server && server.process.exitCode === null && server.process.signalCode === null) {
    server.process.kill('SIGKILL');
    await withTimeout(server.exited, 5000, 'nats-server to exit after SIGKILL');
  }
}

describeWithTool('nats-server', INSTALL, 'a live nats-server running the generated single-node config', natsServer => {
  let dir: string;
  let server: RunningServer | undefined;
  const manifests = natsManifests();
  const statefulSet = find(manifests, 'StatefulSet', 'my-nats');
  const natsContainer = statefulSet.spec.template.spec.containers.find((c: any) => c.name === 'nats');

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nats-live-'));
    server = await startServer(natsServer, find(manifests, 'ConfigMap', 'my-nats-config').data['nats.conf'], dir);
  });

  afterAll(async () => {
    await stopServer(server);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers every probe path of the StatefulSet on the monitor port', async () => {
    const paths = ['startupProbe', 'readinessProbe', 'livenessProbe'].map(p => natsContainer[p].httpGet.path);
    expect(paths).toHaveLength(3);
    for (const p of paths) {
      const res = await fetch(`http://127.0.0.1:${server!.monitorPort}${p}`);
      expect({ path: p, status: res.status, body: await res.json() }).toEqual({
        path: p,
        status: 200,
        body: { status: 'ok' },
      });
    }
  });

  it('takes its server name from the SERVER_NAME environment variable', async () => {
    const varz = (await (await fetch(`http://127.0.0.1:${server!.monitorPort}/varz`)).json()) as {
      server_name: string;
    };
    expect(varz.server_name).toBe('my-nats-0');
  });

  it('delivers a published message to a subscriber', async () => {
    let nc: Awaited<ReturnType<typeof connect>> | undefined;
    try {
      nc = await withTimeout(
        connect({ servers: `nats://127.0.0.1:${server!.clientPort}`, timeout: 3000, reconnect: false }),
        5000,
        'connect',
      );
      const sub = nc.subscribe('pipeline.chunks', { max: 1 });
      const received = (async () => {
        for await (const m of sub) return m.string();
        return undefined;
      })();
      await nc.flush();
      nc.publish('pipeline.chunks', 'chunk 1 of 1000');
      await expect(withTimeout(received, 5000, 'the published message')).resolves.toBe('chunk 1 of 1000');
    } finally {
      await nc?.close();
    }
  });

  it('leaves through lame-duck mode when the preStop command runs', async () => {
    const preStop: string[] = natsContainer.lifecycle.preStop.exec.command;
    const ldm = preStop.findIndex(a => a.startsWith('ldm='));
    expect(ldm).toBeGreaterThan(0);
    // The PID file the hook signals is the one nats.conf tells the server to write.
    const conf = find(manifests, 'ConfigMap', 'my-nats-config').data['nats.conf'];
    expect(conf).toContain(`"pid_file": ${JSON.stringify(preStop[ldm].slice('ldm='.length))}`);
    // Run the hook against this server's PID file (it runs elsewhere than /var/run/nats here).
    const args = preStop.slice(1).map(a => (a.startsWith('ldm=') ? `ldm=${server!.pidFile}` : a));
    expect(preStop[0]).toBe('nats-server');
    execFileSync(natsServer, args, { timeout: 5000 });
    await withTimeout(server!.exited, 10000, 'nats-server to exit in lame-duck mode');
    expect(server!.log()).toMatch(/Entering lame duck mode/);
  });
});

describeWithTool(
  'nats-server',
  INSTALL,
  'a live nats-server running the generated single-node JetStream config',
  natsServer => {
    let dir: string;
    let server: RunningServer | undefined;
    const manifests = natsManifests({ jetstream: { storage: Memory.gibibytes(2) } });
    const natsContainer = find(manifests, 'StatefulSet', 'my-nats').spec.template.spec.containers.find(
      (c: any) => c.name === 'nats',
    );

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nats-live-js-'));
      const conf: string = find(manifests, 'ConfigMap', 'my-nats-config').data['nats.conf'];
      // The volume claim is mounted at /data in the pod; here the store goes to a temporary folder.
      const storeDir = path.join(dir, 'data');
      expect(conf).toContain('"store_dir": "/data"');
      server = await startServer(
        natsServer,
        conf.replace('"store_dir": "/data"', `"store_dir": ${JSON.stringify(storeDir)}`),
        dir,
      );
    });

    afterAll(async () => {
      await stopServer(server);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('runs JetStream with the file store limited to the claim size', async () => {
      const jsz = (await (await fetch(`http://127.0.0.1:${server!.monitorPort}/jsz`)).json()) as {
        config: { max_storage: number };
      };
      expect(jsz.config.max_storage).toBe(2 * 1024 ** 3);
    });

    it('answers the JetStream probe paths of the StatefulSet', async () => {
      expect(natsContainer.livenessProbe.httpGet.path).toBe('/healthz?js-enabled-only=true');
      for (const p of ['startupProbe', 'readinessProbe', 'livenessProbe'].map(k => natsContainer[k].httpGet.path)) {
        const res = await fetch(`http://127.0.0.1:${server!.monitorPort}${p}`);
        expect({ path: p, status: res.status }).toEqual({ path: p, status: 200 });
      }
    });
  },
);
