/**
 * A require hook that runs TypeScript through SWC, for `npm run synth` and the `app:` command of cdk8s.yaml:
 * `node -r ./scripts/swc-register.js main.ts`. ts-node loads the whole TypeScript compiler even when SWC transpiles
 * (about half a second); this hook loads only SWC, and only when a file is not in its cache yet.
 *
 * Transpiles as ts-node's SWC transpiler does with our tsconfig.json (ES2022, CommonJS, ES module interop, class
 * fields defined, dynamic `import()` left to Node), so the program behaves the same. No type-check: that is
 * `tsc --noEmit`. The output of each file is cached in node_modules/.cache/cdk8s-delivery-swc under a hash of its
 * source and of these options, so an edited file is transpiled again and a stale entry is never used.
 */
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const SWC_OPTIONS = {
  swcrc: false,
  sourceMaps: false,
  module: { type: 'commonjs', noInterop: false, strictMode: true, ignoreDynamic: true },
  jsc: {
    parser: { syntax: 'typescript', tsx: false, decorators: false, dynamicImport: true },
    target: 'es2022',
    keepClassNames: true,
    transform: { useDefineForClassFields: true },
  },
};
const CACHE = path.join(__dirname, '..', 'node_modules', '.cache', 'cdk8s-delivery-swc');

// The version from package.json, so that a cache hit does not load SWC's native binding.
const SALT = `${require('@swc/core/package.json').version}\n${JSON.stringify(SWC_OPTIONS)}\n`;
let swc;

function transpile(source, filename) {
  const hash = crypto.createHash('sha256').update(SALT).update(source).digest('hex');
  const cached = path.join(CACHE, `${hash}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // not cached yet
  }
  swc ??= require('@swc/core');
  const { code } = swc.transformSync(source, { ...SWC_OPTIONS, filename });
  try {
    fs.mkdirSync(CACHE, { recursive: true });
    // Written whole under a unique name, then renamed: a concurrent run never reads half a file.
    const temp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(temp, code);
    fs.renameSync(temp, cached);
  } catch {
    // A read-only tree runs uncached.
  }
  return code;
}

require.extensions['.ts'] = (module, filename) => {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};
