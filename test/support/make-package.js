'use strict';
/**
 * `node test/support/make-package.js <dir>`: the package as `npm pack` makes it, once per test run, for the tests
 * that need the built package (test/support/shared-package.ts). Into <dir>:
 * - `src/`: the files of this working tree git would commit (tracked and untracked, not ignored), committed to a
 *   fresh git repository (so a `git+file://` install gets the code under test, and this repository's git state
 *   is never touched), with the repo's node_modules linked in for the build;
 * - the tarball of `npm pack` in `src/` (its prepack script builds: this checkout's build/ is left alone);
 * - `unpacked/package/`: the tarball unpacked, with the repo's node_modules linked in, to load the plugin from;
 * - `result.json` last ({ tarball, files, gitUrl, unpacked, seconds }), or `error.txt` if a step failed.
 * globalSetup (test/support/global-setup.js) starts it in the background when the run includes such a test.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const REPO = path.resolve(__dirname, '..', '..');

function run(command, args, cwd) {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, npm_config_update_notifier: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
  }
}

function makePackage(dir) {
  const started = Date.now();
  const src = path.join(dir, 'src');
  fs.mkdirSync(src, { recursive: true });
  const files = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], REPO)
    .split('\0')
    .filter(f => f !== '' && fs.existsSync(path.join(REPO, f)) && fs.statSync(path.join(REPO, f)).isFile());
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(src, file)), { recursive: true });
    fs.copyFileSync(path.join(REPO, file), path.join(src, file));
  }
  const git = (...args) =>
    run('git', ['-c', 'user.name=package test', '-c', 'user.email=package@test.invalid', ...args], src);
  git('init', '--quiet', '--initial-branch=main');
  git('add', '--all');
  git('commit', '--quiet', '--no-gpg-sign', '-m', 'working tree');
  // Linked after the commit, so the repository holds only the working tree's files.
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(src, 'node_modules'));
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], src))[0];
  const tarball = path.join(dir, packed.filename);
  const unpacked = path.join(dir, 'unpacked');
  fs.mkdirSync(unpacked);
  run('tar', ['-xzf', tarball, '-C', unpacked], dir);
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(unpacked, 'package', 'node_modules'));
  const result = {
    tarball,
    files: packed.files,
    gitUrl: `git+file://${src}`,
    unpacked: path.join(unpacked, 'package'),
    seconds: (Date.now() - started) / 1000,
  };
  fs.writeFileSync(path.join(dir, 'result.json.tmp'), JSON.stringify(result));
  fs.renameSync(path.join(dir, 'result.json.tmp'), path.join(dir, 'result.json'));
}

if (require.main === module) {
  const dir = process.argv[2];
  try {
    makePackage(dir);
  } catch (e) {
    fs.writeFileSync(path.join(dir, 'error.txt'), e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exitCode = 1;
  }
}
