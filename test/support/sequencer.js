'use strict';
/**
 * Jest's order (failed first, then slowest first), except that the tests which need the built package start
 * after the two slowest others (one per worker): the package is built in the background meanwhile
 * (global-setup.js), so no worker sits waiting for it, and the consumer test (a minute of npm installs and
 * compiles once the package is there) still starts early enough not to be the last to finish. Also tells
 * global-setup.js whether this run needs the package at all.
 */
const Sequencer = require('@jest/test-sequencer').default;

/** Test files that read the package as `npm pack` makes it (test/support/shared-package.ts). */
const NEEDS_PACKAGE = /[\\/](package\.consumer|plugin)\.test\.ts$/;
/** How many of the other tests go first: one per worker. */
const FIRST = 2;

class DeliverySequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const needing = sorted.filter(t => NEEDS_PACKAGE.test(t.path));
    globalThis.__cdk8sDeliveryNeedsPackage = needing.length > 0;
    if (needing.length === 0 || needing.length === sorted.length) return sorted;
    const rest = sorted.filter(t => !NEEDS_PACKAGE.test(t.path));
    // The slowest of them (the consumer test) there; the others, short once the package is made, a little later.
    const [slowest, ...others] = needing;
    return [...rest.slice(0, FIRST), slowest, ...rest.slice(FIRST, 2 * FIRST), ...others, ...rest.slice(2 * FIRST)];
  }
}

module.exports = DeliverySequencer;
