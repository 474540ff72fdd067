import { spawnSync } from 'child_process';
import * as path from 'path';

const root = path.join(__dirname, '..');

describe('API reference', () => {
  test('typedoc builds it from the JSDoc with no warnings (a broken doc comment fails here)', () => {
    // `--emit none` runs every check of `npm run docs` without writing docs/api.
    const run = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--emit', 'none'],
      { cwd: root, encoding: 'utf8' },
    );
    expect({ status: run.status, output: `${run.stdout}${run.stderr}`.trim() }).toEqual({ status: 0, output: '' });
  });
});
