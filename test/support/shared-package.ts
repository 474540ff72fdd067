/**
 * The package as `npm pack` makes it, built once per test run and shared by the tests that need it (the consumer
 * and plugin tests): global-setup.js starts test/support/make-package.js in the background; this waits for it.
 * Run outside that set-up (another jest config), it makes the package itself.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface SharedPackage {
  /** The tarball `npm pack` wrote. */
  readonly tarball: string;
  /** What `npm pack --json` listed in it. */
  readonly files: ReadonlyArray<{ readonly path: string }>;
  /** A `git+file://` URL of a fresh repository whose one commit is this working tree. */
  readonly gitUrl: string;
  /** The tarball unpacked (`package.json`, `build/`, `plugin/`, ...), the repo's node_modules linked in. */
  readonly unpacked: string;
  /** How long making it took. */
  readonly seconds: number;
}

const SCRIPT = path.join(__dirname, 'make-package.js');

/** Waits (up to `timeoutMs`) for the run's package, or makes one. */
export function sharedPackage(timeoutMs = 10 * 60_000): SharedPackage {
  let dir = process.env.CDK8S_DELIVERY_TEST_PACKAGE;
  if (!dir) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-delivery-package-'));
    process.env.CDK8S_DELIVERY_TEST_PACKAGE = dir;
    try {
      execFileSync(process.execPath, [SCRIPT, dir], { stdio: 'ignore' });
    } catch {
      // error.txt says why
    }
  }
  const deadline = Date.now() + timeoutMs;
  const pidFile = path.join(dir, 'pid');
  let stopped = false;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'result.json')))
      return JSON.parse(fs.readFileSync(path.join(dir, 'result.json'), 'utf8'));
    if (fs.existsSync(path.join(dir, 'error.txt')))
      throw new Error(`making the package failed: ${fs.readFileSync(path.join(dir, 'error.txt'), 'utf8')}`);
    if (stopped) throw new Error(`test/support/make-package.js stopped without a result in ${dir}`);
    // Looked at once more after it stopped: it may have written its result just before.
    stopped = fs.existsSync(pidFile) && !isAlive(Number(fs.readFileSync(pidFile, 'utf8')));
    if (stopped) continue;
    if (Date.now() > deadline) throw new Error(`no package after ${timeoutMs / 1000} s in ${dir}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
