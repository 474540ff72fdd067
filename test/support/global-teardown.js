'use strict';
/** Stops the package build if it still runs, and removes the run's temporary root (see global-setup.js). */
const fs = require('fs');
const { setTimeout } = require('timers');

module.exports = async function globalTeardown() {
  const child = globalThis.__cdk8sDeliveryPackageProcess;
  if (child && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await new Promise(resolve => {
      child.once('exit', resolve);
      setTimeout(resolve, 5000).unref();
    });
  }
  const root = globalThis.__cdk8sDeliveryTestRoot;
  if (root) fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
};
