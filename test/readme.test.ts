import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { ReliakitApp } from '../lib';
import { formatViolations, SchemaValidator } from '../cli/audit/schema-validator';

const REPO = path.resolve(__dirname, '..');

test('the README example runs and produces what it says', () => {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const source = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(source).toBeDefined();
  // Run it as written, except that it hands back the app instead of writing dist/.
  const runnable = source!
    .replace(`from './lib'`, `from ${JSON.stringify(path.join(REPO, 'lib'))}`)
    .replace('app.synth();', 'module.exports = app;');
  const js = ts.transpileModule(runnable, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const mod: { exports: unknown } = { exports: {} };
  new Function('require', 'module', 'exports', js)(require, mod, mod.exports);
  const app = mod.exports as ReliakitApp;
  const dir = app.render().find((d) => d.path === 'apps/prod/shop')!;
  const api = dir.files.find((f) => f.name === 'api.yaml')!;
  expect(api.objects).toHaveLength(7);
  expect(formatViolations(SchemaValidator.load().validateAll(api.objects))).toBe('');
  expect(app.synthTree().map((f) => f.path)).toContain('clusters/prod/shop.yaml');
});
