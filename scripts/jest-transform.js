/**
 * Jest's TypeScript transform: esbuild strips the types per file (scripts/fast-ts.js, the loader
 * `npm run synth` uses), several times faster than ts-jest; `npm test` type-checks with
 * `tsc --noEmit` first. Inline source maps keep stack traces on the TypeScript lines.
 */
'use strict';

const crypto = require('crypto');
const { fingerprint, transpile } = require('./fast-ts');

module.exports = {
  process(source, filename) {
    return { code: transpile(source, filename) };
  },
  // Jest's own cache: invalidated by the source, the options, esbuild's version and Jest's config.
  getCacheKey(source, filename, options) {
    return crypto
      .createHash('sha1')
      .update(fingerprint())
      .update('\0')
      .update(filename)
      .update('\0')
      .update(options.configString)
      .update('\0')
      .update(source)
      .digest('hex');
  },
};
