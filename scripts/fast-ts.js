/**
 * The fast TypeScript loader: a `require` hook that strips types with esbuild (no type checking;
 * `tsc --noEmit` in `npm test` does that) and keeps every transpiled module in a content-addressed
 * cache, so a run transpiles only the files that changed since the last one.
 *
 *   node -r ./scripts/fast-ts.js stacks/main.ts     register, then run a TypeScript entry
 *   node scripts/run-fast.js stacks/main.ts [args]  the same, as a script
 *   require('./scripts/fast-ts').register()         from JavaScript (idempotent)
 *   require('./scripts/fast-ts').transpile(src, f)  one file, as Jest's transform uses it
 *
 * Modules run from their own path (module._compile with the .ts filename), so `__dirname`,
 * relative requires and `require('../../package.json')` behave as under ts-node. The options
 * reproduce tsconfig.json's emit (CommonJS, ES2022 class fields, strict mode); `isolatedModules`
 * there guarantees that per-file transpiling means what tsc means.
 *
 * Cache: `.build/ts-cache/<sha1>.js`, keyed by the source text, the file's path, the options and
 * esbuild's version; `RELIAKIT_TS_CACHE=0` turns it off, `RELIAKIT_TS_CACHE=<dir>` moves it.
 */
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

/** esbuild's equivalent of tsconfig.json's emit settings. */
const TRANSFORM_OPTIONS = {
  loader: 'ts',
  format: 'cjs',
  target: 'es2022',
  platform: 'node',
  // tsc emits "use strict" in every CommonJS module; esbuild only when the source has it.
  banner: '"use strict";',
  // `import()` becomes `require()` as tsc emits it for CommonJS: Jest runs modules in a vm context
  // where a native dynamic import needs --experimental-vm-modules.
  supported: { 'dynamic-import': false },
  sourcemap: 'inline',
  sourcesContent: false,
  tsconfigRaw: { compilerOptions: { useDefineForClassFields: true, esModuleInterop: true } },
};

let esbuild;
function loadEsbuild() {
  if (!esbuild) esbuild = require('esbuild');
  return esbuild;
}

function cacheDir() {
  const setting = process.env.RELIAKIT_TS_CACHE;
  if (setting === '0') return undefined;
  return setting ? path.resolve(setting) : path.join(ROOT, '.build', 'ts-cache');
}

let optionsKey;
/** esbuild's version and the options: what the output depends on besides the source. */
function fingerprint() {
  if (!optionsKey) {
    const version = require('esbuild/package.json').version;
    optionsKey = JSON.stringify({ version, TRANSFORM_OPTIONS });
  }
  return optionsKey;
}

function keyOf(source, filename) {
  return crypto.createHash('sha1').update(fingerprint()).update('\0').update(filename).update('\0').update(source).digest('hex');
}

/** Transpiles one TypeScript source to CommonJS (cached). */
function transpile(source, filename) {
  const dir = cacheDir();
  const cached = dir && path.join(dir, `${keyOf(source, filename)}.js`);
  if (cached) {
    try {
      return fs.readFileSync(cached, 'utf8');
    } catch {
      // not cached yet
    }
  }
  const { code } = loadEsbuild().transformSync(source, { ...TRANSFORM_OPTIONS, sourcefile: filename });
  if (cached) {
    // Write-then-rename: concurrent runs (Jest workers, parallel synths) never read half a file.
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, cached);
  }
  return code;
}

let registered = false;
/** Makes `require` load `.ts` files through {@link transpile}. Idempotent. */
function register() {
  if (registered) return;
  registered = true;
  // Stack traces point into the TypeScript sources (the inline source maps).
  if (typeof process.setSourceMapsEnabled === 'function') process.setSourceMapsEnabled(true);
  Module._extensions['.ts'] = function loadTs(module, filename) {
    module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
  };
}

module.exports = { register, transpile, fingerprint, TRANSFORM_OPTIONS };

// `node -r ./scripts/fast-ts.js`: preloaded, not required by a module.
if (module.parent === null || (module.parent && module.parent.id === 'internal/preload')) register();
