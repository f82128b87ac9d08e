/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // ts-jest in transpile-only mode (tsconfig `isolatedModules`): strips types without checking
  // them, several times faster than full type-checking per test file; `npm test` runs
  // `tsc --noEmit` first, so type errors still fail the suite. (@swc/jest would be faster still,
  // but its native platform packages are not all on this registry, which breaks `npm ci`.)
  transform: { '^.+\\.tsx?$': 'ts-jest' },
  testMatch: ['**/*.test.ts'],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
