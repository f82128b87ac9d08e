#!/usr/bin/env node
/**
 * Runs a TypeScript entry through the fast loader (scripts/fast-ts.js):
 *
 *   node scripts/run-fast.js <entry.ts> [args...]
 *
 * The entry sees itself as the main module (`require.main === module`) and `process.argv` as
 * `[node, <entry.ts>, ...args]`, as under `ts-node <entry.ts> args`.
 */
'use strict';

const path = require('path');
const Module = require('module');
const { register } = require('./fast-ts');

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-fast.js <entry.ts> [args...]');
  process.exit(2);
}
register();
const file = path.resolve(entry);
process.argv = [process.argv[0], file, ...args];
Module.runMain(file);
