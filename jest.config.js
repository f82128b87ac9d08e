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
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
