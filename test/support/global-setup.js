'use strict';
/**
 * Once per `jest` run, before any test file:
 * - one temporary root for the whole run, made the workers' TMPDIR: cdk8s makes a `cdk8s.outdir.*` folder in
 *   os.tmpdir() for every App without an outdir (every `Testing.app()`), and the tests and the tools they start
 *   make their own; all of them land there, and globalTeardown removes it;
 * - when the run includes a test that needs the built package (test/support/sequencer.js says which), starts
 *   making it in the background (test/support/make-package.js), so the build runs beside the other tests.
 */
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async function globalSetup() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-delivery-test-'));
  globalThis.__cdk8sDeliveryTestRoot = root;
  process.env.TMPDIR = root;
  if (!globalThis.__cdk8sDeliveryNeedsPackage) return;
  const dir = path.join(root, 'package');
  fs.mkdirSync(dir);
  // Its own process group, so that globalTeardown can stop npm and the build it runs.
  const child = spawn(process.execPath, [path.join(__dirname, 'make-package.js'), dir], {
    stdio: 'ignore',
    detached: true,
  });
  child.unref();
  fs.writeFileSync(path.join(dir, 'pid'), String(child.pid));
  globalThis.__cdk8sDeliveryPackageProcess = child;
  process.env.CDK8S_DELIVERY_TEST_PACKAGE = dir;
};
