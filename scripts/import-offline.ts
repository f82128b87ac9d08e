/**
 * Regenerates imports/ from the CRD copies in imports/crds/ instead of the upstream URLs in
 * cdk8s.yaml, so `cdk8s import` works without network access.
 *
 * Each URL in cdk8s.yaml ends with the CRD's file name; the copy with that name under
 * imports/crds/ (excluding the `_patched-for-cdk8s-import` folder, unless the CRD has a patched
 * copy there because json2jsii cannot read the original) is imported under the same module name.
 *
 * Usage: `npm run import:offline [-- <output dir>]` (default: imports/). The tests regenerate into
 * a temporary directory and compare, proving imports/ is exactly what `cdk8s import` generates.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '..');
const crdRoot = path.join(root, 'imports', 'crds');
const patchedRoot = path.join(crdRoot, '_patched-for-cdk8s-import');

function findCopy(fileName: string): string {
  const search = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      return e.isDirectory() ? search(p) : e.name === fileName ? [p] : [];
    });
  const patched = fs.existsSync(patchedRoot) ? search(patchedRoot) : [];
  const originals = search(crdRoot).filter((p) => !p.startsWith(patchedRoot));
  const found = patched.length > 0 ? patched : originals;
  if (found.length !== 1) {
    throw new Error(`expected exactly one copy of ${fileName} under imports/crds, found ${found.length}`);
  }
  return path.relative(root, found[0]);
}

const output = path.resolve(process.argv[2] ?? path.join(root, 'imports'));
const config = parse(fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf8')) as { imports: string[] };
// `cdk8s import` records every spec it is given in the cdk8s.yaml of its working directory (and
// drops the file's comments); run it elsewhere so the upstream URLs stay the project's record.
// Each import runs in a working directory of its own, two at a time (one per core): every import
// writes only its own module.
const jobs = config.imports.map((spec, i) => {
  const [name, url] = spec.split(':=');
  const local = findCopy(path.basename(new URL(url).pathname));
  return { i, name, local };
});

function runImport(job: { i: number; name: string; local: string }): Promise<void> {
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), `reliakit-import-${job.i}-`));
  const args = [
    path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'),
    'import',
    '--no-check-upgrade',
    '--language',
    'typescript',
    '--output',
    output,
    `${job.name}:=${path.join(root, job.local)}`,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: workdir, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('error', reject);
    child.on('close', (code) => {
      fs.rmSync(workdir, { recursive: true, force: true });
      console.log(`${job.name} <- ${job.local}`);
      if (code === 0) resolve();
      else reject(new Error(`cdk8s import ${job.name} failed (${code}):\n${log}`));
    });
  });
}

async function main(): Promise<void> {
  const queue = [...jobs];
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await runImport(job);
  };
  await Promise.all([worker(), worker()]);
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exitCode = 1;
});
