import { execFileSync } from 'child_process';
import { accessSync, constants } from 'fs';

// Debian installs some servers (nats-server) in sbin, which a non-root user's PATH often lacks.
const SBIN_DIRS = ['/usr/sbin', '/sbin'];

/** Absolute path of a command on PATH, else in /usr/sbin or /sbin; undefined when missing. */
export function findTool(command: string): string | undefined {
  try {
    const found = execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim();
    if (found) return found;
  } catch {
    // not on PATH
  }
  for (const dir of SBIN_DIRS) {
    try {
      accessSync(`${dir}/${command}`, constants.X_OK);
      return `${dir}/${command}`;
    } catch {
      // not here either
    }
  }
  return undefined;
}

// A test that needs a real tool is skipped, with the install command, where the tool is missing, and fails under
// CI=true.
const describeSkipped = describe.skip;

/**
 * `describe` for tests that need an external command. Where the command is missing the block is
 * reported as skipped with the install command, except under CI=true, where it fails.
 */
export function describeWithTool(command: string, install: string, name: string, body: (path: string) => void): void {
  const path = findTool(command);
  if (path) {
    describe(name, () => body(path));
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it(`needs ${command}`, () => {
        throw new Error(`${command} is not installed, and CI must run these tests: ${install}`);
      });
    });
  } else {
    describeSkipped(`${name} [skipped: ${command} not installed; ${install}]`, () => body(''));
  }
}
