import * as fc from 'fast-check';

// Property tests are reproducible in CI (one fixed seed) and explore fresh cases elsewhere;
// fast-check prints the seed and the shrunk counterexample of every failure either way,
// and FC_SEED=<seed> replays one.
const seed =
  process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : process.env.CI === 'true' ? 20261201 : undefined;
fc.configureGlobal({ seed });
