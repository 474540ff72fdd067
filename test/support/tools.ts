import { execFileSync } from 'child_process';

/** Absolute path of a command on PATH, or undefined. */
export function findTool(command: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

// Conditional skip for a missing external tool (DEVELOPERS.md non-negotiable 5), never a blanket skip.
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
