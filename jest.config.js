const os = require('os');

// How many times longer than on an idle machine a test may take: RELIAKIT_TIMEOUT_SCALE, else the
// load average per core, between 1 and 4 (test/support/servers.ts scales the e2e servers' waits alike).
const scale =
  Number(process.env.RELIAKIT_TIMEOUT_SCALE) > 0
    ? Number(process.env.RELIAKIT_TIMEOUT_SCALE)
    : Math.min(4, Math.max(1, os.loadavg()[0] / Math.max(1, os.cpus().length)));

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // esbuild strips the types (scripts/jest-transform.js: per file, cached, no type checking);
  // `npm test` runs `tsc --noEmit` first, so type errors still fail the suite.
  transform: { '^.+\\.tsx?$': '<rootDir>/scripts/jest-transform.js' },
  testMatch: ['**/*.test.ts'],
  // Both cores (Jest's default leaves one idle: cores − 1); the suites that spawn promtool,
  // PostgreSQL or s3rver wait on those processes more than they compute.
  maxWorkers: 2,
  // A test that builds all five systems takes seconds, more on a loaded machine: Jest's 5 s default
  // would fail it for the load, not for a fault. Suites with servers set their own (scaled) timeouts.
  testTimeout: Math.round(30_000 * scale),
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
