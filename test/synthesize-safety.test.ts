/**
 * synthesizeApp never destroys files: a bad outdir is refused with nothing touched, a run
 * stopped at any filesystem step leaves the old or the new output (or a state the next run
 * repairs first), concurrent runs take turns, and the output gets normal permissions.
 * Kills are real: a child process (test/support/synth-child.ts) SIGKILLs itself at step k.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { DeliveryError, OUTPUT_MARKER, synthesizeApp, ValidationFailedError } from '../lib';
import { errorLines } from '../main';
import { faultApp, Variant } from './support/synth-fault-apps';

const REPO = path.resolve(__dirname, '..');
const CHILD = path.join(__dirname, 'support', 'synth-child.ts');
const NODE_ARGS = ['-r', path.join(REPO, 'node_modules', 'ts-node', 'register', 'transpile-only')];
const CHILD_ENV = { ...process.env, TS_NODE_PROJECT: path.join(REPO, 'tsconfig.json') };
const quiet = { log: () => undefined };

let scratch: string;
beforeEach(() => {
  scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'synth-safety-')));
});
afterEach(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** Every file, folder and link below `dir` with its kind and bytes (links by their target), in name order. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const entry of fs
      .readdirSync(path.join(dir, rel), { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      const full = path.join(dir, r);
      const mode = (fs.lstatSync(full).mode & 0o7777).toString(8);
      if (entry.isSymbolicLink()) out[r] = `link -> ${fs.readlinkSync(full)}`;
      else if (entry.isDirectory()) {
        out[r] = `folder ${mode}`;
        walk(r);
      } else out[r] = `file ${mode} ${fs.readFileSync(full, 'utf8')}`;
    }
  };
  walk('');
  return out;
}

/** The output of `variant` as synthesizeApp writes it, made once per test in a folder of its own. */
function expected(variant: Variant): Record<string, string> {
  const dir = path.join(scratch, `expected-${variant}`, 'out');
  if (!fs.existsSync(dir)) synthesizeApp(faultApp(variant), { outdir: dir, ...quiet });
  outdirMode = (fs.statSync(dir).mode & 0o7777).toString(8);
  return snapshot(dir);
}

/** The mode synthesizeApp gives an output folder under this process's umask (0755 usually). */
let outdirMode = '';

function app(): App {
  const a = new App();
  new ApiObject(new Chart(a, 'web'), 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' } });
  return a;
}

/** Fails the test at the first filesystem change: refusals must touch nothing, and must not get the chance to. */
const untouchable = {
  ...quiet,
  beforeFsStep: (step: unknown) => {
    throw new Error(`refused outdir, yet synthesizeApp was about to change the filesystem: ${JSON.stringify(step)}`);
  },
};

function inFolder<T>(dir: string, run: () => T): T {
  const saved = process.cwd();
  process.chdir(dir);
  try {
    return run();
  } finally {
    process.chdir(saved);
  }
}

function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('synthesizeApp refuses an outdir it must not replace, touching nothing', () => {
  let project: string;
  beforeEach(() => {
    project = path.join(scratch, 'project');
    fs.mkdirSync(path.join(project, 'src'), { recursive: true });
    fs.writeFileSync(path.join(project, 'README.md'), '# project\n');
    fs.writeFileSync(path.join(project, 'src', 'main.ts'), 'export {};\n');
    fs.mkdirSync(path.join(project, 'empty'));
    synthesizeApp(app(), { outdir: path.join(project, 'dist'), ...quiet });
    fs.symlinkSync('dist', path.join(project, 'dist-link'));
    fs.symlinkSync('.', path.join(project, 'here'));
  });

  const whole = 'and synthesizeApp replaces outdir as a whole: must be a folder of its own, such as "dist"';
  const kinds = 'must be a folder that synthesizeApp wrote, an empty folder or a path that does not exist yet';
  const cases: ReadonlyArray<[string, unknown, (p: string) => string]> = [
    [
      'an empty string (CDK8S_OUTDIR= )',
      '',
      () => `synthesizeApp: 'outdir' is "": must name the folder to write the manifests to, such as "dist"`,
    ],
    [
      'blanks',
      '  ',
      () => `synthesizeApp: 'outdir' is "  ": must name the folder to write the manifests to, such as "dist"`,
    ],
    [
      'no string at all (JavaScript callers)',
      undefined,
      () => `synthesizeApp: 'outdir' is undefined: must name the folder to write the manifests to, such as "dist"`,
    ],
    ['the current folder', '.', p => `synthesizeApp: 'outdir' is ".": that is the current folder (${p}), ${whole}`],
    [
      'the current folder, absolute with a trailing slash',
      'ABS/',
      p => `synthesizeApp: 'outdir' is "${p}/": that is the current folder (${p}), ${whole}`,
    ],
    [
      'a link to the current folder',
      'here',
      p => `synthesizeApp: 'outdir' is "here": that is the current folder (${p}), ${whole}`,
    ],
    [
      'the current folder through a link',
      'here/here/.',
      p => `synthesizeApp: 'outdir' is "here/here/.": that is the current folder (${p}), ${whole}`,
    ],
    [
      'the parent folder',
      '..',
      p =>
        `synthesizeApp: 'outdir' is "..": that is ${path.dirname(p)}, which holds the current folder (${p}), ${whole}`,
    ],
    ['the filesystem root', '/', () => `synthesizeApp: 'outdir' is "/": that is the filesystem root, ${whole}`],
    [
      'an existing file',
      'README.md',
      () => `synthesizeApp: 'outdir' is "README.md": that is an existing file: ${kinds}`,
    ],
    [
      'a path below a file',
      'README.md/out',
      p =>
        `synthesizeApp: 'outdir' is "README.md/out": ${p}/README.md is a file, so no folder can be made below it: must be a path below a folder, such as "dist"`,
    ],
    [
      'a symbolic link (even to its own output)',
      'dist-link',
      () =>
        `synthesizeApp: 'outdir' is "dist-link": that is a symbolic link (to "dist"), which synthesizeApp would replace instead of the folder it points to: must be the folder's own path`,
    ],
    [
      'a folder it did not write',
      'src',
      () =>
        `synthesizeApp: 'outdir' is "src": that is a folder synthesizeApp did not write (it holds "main.ts" but no ${OUTPUT_MARKER} file): ${kinds}`,
    ],
  ];

  test.each(cases)('%s', (_name, given, message) => {
    const before = snapshot(scratch);
    const outdir = given === 'ABS/' ? `${project}/` : given;
    const error = inFolder(project, () =>
      errorOf(() => synthesizeApp(app(), { outdir: outdir as string, ...untouchable })),
    );
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.message).toBe(message(project));
    expect(snapshot(scratch)).toEqual(before);
  });

  test('the home folder', () => {
    const home = path.join(scratch, 'home');
    fs.mkdirSync(home);
    const saved = process.env.HOME;
    process.env.HOME = home;
    try {
      const before = snapshot(scratch);
      const error = inFolder(project, () => errorOf(() => synthesizeApp(app(), { outdir: home, ...untouchable })));
      expect(error.message).toBe(`synthesizeApp: 'outdir' is "${home}": that is the home folder (${home}), ${whole}`);
      expect(snapshot(scratch)).toEqual(before);
    } finally {
      process.env.HOME = saved;
    }
  });

  test('the real home folder and the root, whatever the current folder', () => {
    for (const outdir of [os.homedir(), '/']) {
      expect(() => synthesizeApp(app(), { outdir, ...untouchable })).toThrow(
        /^synthesizeApp: 'outdir' is ".*": that is the (home folder|filesystem root)/,
      );
    }
  });

  test('its own output once someone added a file to it', () => {
    fs.writeFileSync(path.join(project, 'dist', 'notes.txt'), 'mine\n');
    fs.mkdirSync(path.join(project, 'dist', 'extra'));
    const before = snapshot(scratch);
    const error = inFolder(project, () => errorOf(() => synthesizeApp(app(), { outdir: 'dist', ...untouchable })));
    expect(error.message).toBe(
      `synthesizeApp: 'outdir' is "dist": that folder holds files synthesizeApp did not write ("extra", "notes.txt"), and synthesizeApp replaces outdir as a whole: move them away, or choose another outdir`,
    );
    expect(snapshot(scratch)).toEqual(before);
  });

  test("a bad outdir is reported before the app's own errors", () => {
    const bad = app();
    bad.node.findChild('web').node.addValidation({ validate: () => ['broken'] });
    expect(() => inFolder(project, () => synthesizeApp(bad, { outdir: '.', ...untouchable }))).toThrow(
      /^synthesizeApp: 'outdir' is "\."/,
    );
  });

  test.each([
    ['its own output', 'dist'],
    ['its own output through a linked parent', 'here/dist'],
    ['an empty folder', 'empty'],
    ['a folder that does not exist yet', 'new/out'],
  ])('accepts %s', (_name, outdir) => {
    inFolder(project, () => synthesizeApp(app(), { outdir, ...quiet }));
    const written = path.join(project, outdir);
    expect(fs.readdirSync(written).sort()).toEqual([OUTPUT_MARKER, 'kustomization.yml', 'web.k8s.yaml']);
    expect(fs.readdirSync(path.dirname(written)).filter(f => f.startsWith('.'))).toEqual([]);
  });
});

describe('the output folder', () => {
  test.each([
    ['022', '755', '644'],
    ['027', '750', '640'],
  ])("gets the permissions of the umask (%s), not mkdtemp's 0700", (umask, folderMode, fileMode) => {
    const saved = process.umask(parseInt(umask, 8));
    try {
      const outdir = path.join(scratch, 'dist');
      synthesizeApp(faultApp('new'), { outdir, ...quiet });
      const tree = snapshot(scratch);
      expect(tree['dist']).toBe(`folder ${folderMode}`);
      expect(tree['dist/gamma']).toBe(`folder ${folderMode}`);
      expect(tree['dist/kustomization.yml']).toMatch(new RegExp(`^file ${fileMode} `));
    } finally {
      process.umask(saved);
    }
  });

  test('holds a marker listing what was written, the same bytes on every synth', () => {
    const outdir = path.join(scratch, 'dist');
    synthesizeApp(faultApp('new'), { outdir, ...quiet });
    const first = fs.readFileSync(path.join(outdir, OUTPUT_MARKER), 'utf8');
    synthesizeApp(faultApp('new'), { outdir, ...quiet });
    expect(fs.readFileSync(path.join(outdir, OUTPUT_MARKER), 'utf8')).toBe(first);
    expect(first).toBe(
      [
        '# Written by cdk8s-delivery (synthesizeApp), which replaces this folder as a whole on every synth.',
        '# It refuses to replace a folder without this file, or one holding files not listed here:',
        '#   beta/ConfigMap.beta-one.k8s.yaml',
        '#   beta/ConfigMap.beta-two.k8s.yaml',
        '#   delta/ConfigMap.delta-one.k8s.yaml',
        '#   delta/ConfigMap.delta-two.k8s.yaml',
        '#   gamma/ConfigMap.gamma-one.k8s.yaml',
        '#   gamma/ConfigMap.gamma-two.k8s.yaml',
        '#   kustomization.yml',
        '',
      ].join('\n'),
    );
  });
});

function runChild(args: object): {
  status: number | null;
  signal: NodeJS.Signals | null;
  steps: string[];
  stderr: string;
} {
  const run = spawnSync(process.execPath, [...NODE_ARGS, CHILD, JSON.stringify(args)], {
    cwd: REPO,
    env: CHILD_ENV,
    encoding: 'utf8',
  });
  return {
    status: run.status,
    signal: run.signal,
    steps: run.stdout ? JSON.parse(run.stdout) : [],
    stderr: run.stderr,
  };
}

/** What is at `outdir` after a stop: 'old', 'new', 'none', 'repairable' (moved aside, complete), or what is wrong. */
function stateAfterStop(
  parent: string,
  old: Record<string, string> | undefined,
  fresh: Record<string, string>,
): string {
  const outdir = path.join(parent, 'dist');
  if (fs.existsSync(outdir)) {
    const tree = snapshot(outdir);
    if (old && isEqual(tree, old)) return 'old';
    if (isEqual(tree, fresh)) return 'new';
    return `a mixed output: ${JSON.stringify(Object.keys(tree))}`;
  }
  const previous = fs.existsSync(parent) ? fs.readdirSync(parent).filter(f => f.startsWith('.dist.previous-')) : [];
  if (previous.length === 0) return old ? 'the old output lost' : 'none';
  if (previous.length === 1 && old && isEqual(snapshot(path.join(parent, previous[0])), old)) return 'repairable';
  return `moved aside but not complete: ${previous.join(', ')}`;
}

function isEqual(a: Record<string, string>, b: Record<string, string>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

describe('a synthesis stopped at any filesystem step', () => {
  test.each([
    ['replacing an earlier output', true],
    ['writing the first output, parent folder included', false],
  ])(
    '(SIGKILL, %s) leaves the old or the new output, or what the next run repairs first',
    (_name, withOld) => {
      const old = withOld ? expected('old') : undefined;
      const fresh = expected('new');
      const setUp = (parent: string) => {
        if (withOld) synthesizeApp(faultApp('old'), { outdir: path.join(parent, 'dist'), ...quiet });
      };
      // A full run first, to count its steps.
      const probe = path.join(scratch, 'probe', 'out');
      setUp(probe);
      const full = runChild({ outdir: path.join(probe, 'dist'), variant: 'new' });
      expect(full.status).toBe(0);
      expect(full.steps.length).toBeGreaterThan(withOld ? 25 : 15);

      const states = new Map<string, number[]>();
      for (let k = 0; k < full.steps.length; k++) {
        const parent = path.join(scratch, `kill-${k}`, 'out');
        setUp(parent);
        const run = runChild({ outdir: path.join(parent, 'dist'), variant: 'new', killAt: k });
        expect({ k, signal: run.signal, stderr: run.stderr }).toEqual({ k, signal: 'SIGKILL', stderr: '' });
        const state = stateAfterStop(parent, old, fresh);
        states.set(state, [...(states.get(state) ?? []), k]);
        // The next normal run repairs what is left and writes the new output, leaving nothing beside it.
        synthesizeApp(faultApp('new'), { outdir: path.join(parent, 'dist'), ...quiet });
        expect({ k, step: full.steps[k], tree: snapshot(parent) }).toEqual({
          k,
          step: full.steps[k],
          tree: prefixed('dist', fresh),
        });
        fs.rmSync(path.dirname(parent), { recursive: true, force: true });
      }
      const allowed = withOld ? ['old', 'new', 'repairable'] : ['none', 'new'];
      expect([...states.keys()].filter(s => !allowed.includes(s))).toEqual([]);
      // Every kind of stop was met: the test kills between the two renames of the swap too.
      expect([...states.keys()].sort()).toEqual([...allowed].sort());
    },
    120_000,
  );

  test('(an error thrown at each step) leaves the old or the new output, and the next run cleans up', () => {
    const old = expected('old');
    const fresh = expected('new');
    let steps = 0;
    synthesizeApp(faultApp('old'), { outdir: path.join(scratch, 'count', 'dist'), ...quiet });
    synthesizeApp(faultApp('new'), {
      outdir: path.join(scratch, 'count', 'dist'),
      ...quiet,
      beforeFsStep: () => void steps++,
    });
    for (let k = 0; k < steps; k++) {
      const parent = path.join(scratch, `throw-${k}`);
      synthesizeApp(faultApp('old'), { outdir: path.join(parent, 'dist'), ...quiet });
      let n = 0;
      try {
        synthesizeApp(faultApp('new'), {
          outdir: path.join(parent, 'dist'),
          ...quiet,
          beforeFsStep: () => {
            if (n++ === k) throw new Error(`disk full at step ${k}`);
          },
        });
      } catch (e) {
        expect((e as Error).message).toBe(`disk full at step ${k}`);
      }
      expect({ k, state: stateAfterStop(parent, old, fresh) }).toEqual({
        k,
        state: expect.stringMatching(/^(old|new)$/),
      });
      synthesizeApp(faultApp('new'), { outdir: path.join(parent, 'dist'), ...quiet });
      expect({ k, tree: snapshot(parent) }).toEqual({ k, tree: prefixed('dist', fresh) });
    }
  });
});

function prefixed(folder: string, tree: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { [folder]: `folder ${outdirMode}` };
  for (const [k, v] of Object.entries(tree)) out[`${folder}/${k}`] = v;
  return out;
}

describe('concurrent runs into one outdir', () => {
  test('take turns: every run succeeds, and the output is complete and identical', async () => {
    const parent = path.join(scratch, 'shared');
    synthesizeApp(faultApp('old'), { outdir: path.join(parent, 'dist'), ...quiet });
    const runs = await Promise.all(
      [0, 1, 2, 3].map(
        () =>
          new Promise<{ code: number | null; stderr: string }>(resolve => {
            // Each holds the lock a while, so the others must wait for it.
            const child = spawn(
              process.execPath,
              [...NODE_ARGS, CHILD, JSON.stringify({ outdir: path.join(parent, 'dist'), variant: 'new', holdMs: 300 })],
              { cwd: REPO, env: CHILD_ENV },
            );
            let stderr = '';
            child.stderr.on('data', d => (stderr += d));
            child.on('close', code => resolve({ code, stderr }));
          }),
      ),
    );
    expect(runs).toEqual([0, 1, 2, 3].map(() => ({ code: 0, stderr: '' })));
    expect(snapshot(parent)).toEqual(prefixed('dist', expected('new')));
  }, 60_000);

  test('a lock held by a live process makes the next run wait, then fail with a clear message', () => {
    const parent = path.join(scratch, 'locked');
    const outdir = path.join(parent, 'dist');
    synthesizeApp(app(), { outdir, ...quiet });
    const holder = spawn('sleep', ['30']);
    try {
      fs.mkdirSync(path.join(parent, '.dist.lock'));
      fs.writeFileSync(path.join(parent, '.dist.lock', String(holder.pid)), '');
      const before = snapshot(parent);
      const started = Date.now();
      expect(() => synthesizeApp(app(), { outdir, ...quiet, lockTimeoutMs: 300 })).toThrow(
        `synthesizeApp: another synthesis into ${outdir} (process ${holder.pid}) still holds ${parent}/.dist.lock after 0.3 s: wait for it to finish, or remove ${parent}/.dist.lock if no such process runs`,
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(snapshot(parent)).toEqual(before);
    } finally {
      holder.kill();
    }
  });

  test('a lock left by a process that is gone is taken over', () => {
    const parent = path.join(scratch, 'stale');
    const outdir = path.join(parent, 'dist');
    synthesizeApp(app(), { outdir, ...quiet });
    const gone = spawnSync('true').pid;
    fs.mkdirSync(path.join(parent, '.dist.lock'));
    fs.writeFileSync(path.join(parent, '.dist.lock', String(gone)), '');
    fs.mkdirSync(path.join(parent, `.dist.lock-${gone}`));
    synthesizeApp(app(), { outdir, ...quiet, lockTimeoutMs: 300 });
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });
});

describe('validation failures', () => {
  test('are thrown as one structured error whose message is the one app.synth() gives', () => {
    const a = app();
    a.node.findChild('web').node.addValidation({ validate: () => ['first problem', 'second problem'] });
    const outdir = path.join(scratch, 'dist');
    const error = errorOf(() => synthesizeApp(a, { outdir, ...quiet }));
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect((error as ValidationFailedError).problems).toEqual([
      { path: 'web', message: 'first problem' },
      { path: 'web', message: 'second problem' },
    ]);
    expect(error.message).toBe(
      'Validation failed with the following errors:\n  [web] first problem\n  [web] second problem',
    );
    expect(fs.readdirSync(scratch)).toEqual([]);
  });
});

describe('the lines `npm run synth` prints on failure', () => {
  test('one per validation problem, one per DeliveryError, no stack unless DEBUG', () => {
    const validation = new ValidationFailedError([
      { path: 'app/web', message: "'replicas' is 0: must be 1 or more" },
      { path: 'app/svc', message: 'x' },
    ]);
    expect(errorLines(validation, false)).toEqual([
      "error: app/web: 'replicas' is 0: must be 1 or more",
      'error: app/svc: x',
    ]);
    const delivery = new DeliveryError('app/web', 'port', 0, 'must be a whole number from 1 to 65535');
    expect(errorLines(delivery, false)).toEqual([
      "error: app/web: 'port' is 0: must be a whole number from 1 to 65535",
    ]);
    expect(errorLines(new TypeError('x is undefined'), false)).toEqual([
      'error: x is undefined',
      '(set DEBUG=1 to see where it was thrown)',
    ]);
    const debug = errorLines(delivery, true);
    expect(debug[0]).toBe("error: app/web: 'port' is 0: must be a whole number from 1 to 65535");
    expect(debug[1]).toMatch(/^\w*Error: app\/web: 'port' is 0[^\n]*\n\s+at /);
  });
});

describe('main.ts in a scratch copy of the project (never this checkout)', () => {
  let copy: string;
  beforeAll(() => {
    copy = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'synth-main-')));
    for (const f of ['main.ts', 'cdk8s.yaml', 'tsconfig.json', 'package.json'])
      fs.copyFileSync(path.join(REPO, f), path.join(copy, f));
    for (const d of ['lib', 'examples', 'imports', 'dist'])
      fs.cpSync(path.join(REPO, d), path.join(copy, d), { recursive: true });
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(copy, 'node_modules'));
  });
  afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

  const synth = (env: Record<string, string>) => {
    const base: NodeJS.ProcessEnv = { ...process.env, TS_NODE_PROJECT: path.join(copy, 'tsconfig.json') };
    for (const name of ['FLAKY_UPDATE_TAG', 'DEBUG', 'CDK8S_OUTDIR']) delete base[name];
    return spawnSync(process.execPath, [...NODE_ARGS, 'main.ts'], {
      cwd: copy,
      encoding: 'utf8',
      env: { ...base, ...env },
    });
  };

  test('CDK8S_OUTDIR=. is refused: exit 1, one error line, nothing changed', () => {
    const before = snapshot(copy);
    const run = synth({ CDK8S_OUTDIR: '.' });
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
      status: 1,
      stdout: '',
      stderr: `error: synthesizeApp: 'outdir' is ".": that is the current folder (${copy}), and synthesizeApp replaces outdir as a whole: must be a folder of its own, such as "dist"\n`,
    });
    expect(snapshot(copy)).toEqual(before);
  }, 60_000);

  test('CDK8S_OUTDIR= (empty) means dist/: the committed output is accepted and rewritten byte for byte', () => {
    expect(synth({}).status).toBe(0); // the committed dist/, with its marker, is accepted
    const before = snapshot(copy);
    const run = synth({ CDK8S_OUTDIR: '' });
    expect(run.stderr.split('\n').filter(l => l && !l.startsWith('warning: ') && !l.startsWith('plan: '))).toEqual([]);
    expect(run.status).toBe(0);
    // One line per chart: file, objects, warnings.
    expect(run.stdout).toMatch(/^(dist\/[a-z-]+\.k8s\.yaml: \d+ objects?, \d+ warnings?\n){6}$/);
    expect(run.stdout).toContain('dist/nats-pipeline.k8s.yaml: ');
    expect(snapshot(copy)).toEqual(before);
  }, 60_000);

  test('a bad prop: exit 1, each error once as `error: <path>: <message>`, no stack trace, dist/ untouched', () => {
    const before = snapshot(copy);
    const run = synth({ FLAKY_UPDATE_TAG: 'Bad Tag' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const errors = run.stderr.split('\n').filter(l => l.startsWith('error: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: flaky-update\/[\w/-]+: '[\w.]+' is "[^"]*Bad Tag": /);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(snapshot(copy)).toEqual(before);
  }, 60_000);
});
