import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..');

// imports/ is generated code: regenerating it from the CRD copies must give the committed bytes.
test('imports/ is exactly what `cdk8s import` generates from imports/crds (never hand-edited)', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'reliakit-imports-'));
  execFileSync(process.execPath, ['scripts/run-fast.js', 'scripts/import-offline.ts', out], { cwd: REPO, stdio: 'pipe' });
  const generated = fs
    .readdirSync(out)
    .filter((f) => f.endsWith('.ts'))
    .sort();
  const committed = fs
    .readdirSync(path.join(REPO, 'imports'))
    .filter((f) => f.endsWith('.ts'))
    .sort();
  expect(generated).toEqual(committed);
  for (const file of generated) {
    const same = fs.readFileSync(path.join(out, file)).equals(fs.readFileSync(path.join(REPO, 'imports', file)));
    expect([file, same]).toEqual([file, true]);
  }
}, 120_000);
