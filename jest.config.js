/**
 * Tests transpile with SWC (no type-check); `tsc --noEmit` in `npm test` type-checks.
 *
 * Two projects: `unit` (the construct contracts, `npm run test:unit`, about 30 s on 2 cores) and
 * `integration` (real tools, the packaged library, the API report and docs, kill-at-every-step
 * synthesis, hostile-input and fuzz sweeps, the validation plugin). `npm test` runs both; every
 * test file belongs to exactly one. A new suite is a unit suite unless it matches a pattern below.
 */
const INTEGRATION = [
  '\\.promtool\\.test\\.ts$', // promtool from Debian's prometheus
  '\\.natsserver\\.test\\.ts$', // a real nats-server
  '/package\\.consumer\\.test\\.ts$', // npm pack and npm install <git URL> into a fresh app
  '/api-docs\\.test\\.ts$', // typedoc over the public API
  '/api-report\\.test\\.ts$', // api-extractor over a fresh build
  '/synthesize-safety\\.test\\.ts$', // child processes killed at every filesystem step
  '/gitops-output\\.test\\.ts$', // the cdk8s CLI and kubectl kustomize
  '/hostile-[^/]*\\.test\\.ts$', // every prop of every construct against hostile values
  '/fuzz\\.test\\.ts$', // random whole apps
  '/plugin\\.test\\.ts$', // the validation plugin in a scratch package with the cdk8s CLI
  '/cli[^/]*\\.test\\.ts$', // cdk8s-delivery plan as a child process
];

const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  setupFiles: ['<rootDir>/test/support/fast-check-seed.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
};

module.exports = {
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  testTimeout: 60000,
  // Both cores: the slow integration files wait on tools and npm much of the time, so they run beside the rest.
  maxWorkers: 2,
  // One temporary root per run, removed at the end (cdk8s.outdir.* folders included), and the package built once in
  // the background for the tests that need it; the sequencer starts those tests once each worker has had a slow one.
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  testSequencer: '<rootDir>/test/support/sequencer.js',
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...INTEGRATION],
    },
    { ...base, displayName: 'integration', testRegex: INTEGRATION },
  ],
};
