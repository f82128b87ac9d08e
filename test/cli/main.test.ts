import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from '../../cli/main';

/** Runs the CLI with `args`, capturing its output. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(['node', 'reliakit', ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const BAD = path.join(__dirname, 'fixtures', 'bad-manifests');

test('--help lists the four commands', async () => {
  const { code, stdout } = await cli('--help');
  expect(code).toBe(0);
  for (const command of ['synth', 'audit', 'diff', 'new']) expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
});

test('audit DIR prints the report and exits 1 on errors; --json prints the findings', async () => {
  const report = await cli('audit', BAD);
  expect([report.code, report.stderr]).toEqual([1, '']);
  expect(report.stdout).toMatch(/: 6 errors, 1 warning\n$/);
  const json = await cli('audit', '--json', BAD);
  expect(JSON.parse(json.stdout).errors).toBe(6);
});

test('new system NAME --root DIR scaffolds into DIR', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'reliakit-main-'));
  fs.mkdirSync(path.join(root, 'stacks'));
  fs.copyFileSync(path.join(__dirname, '..', '..', 'stacks', 'systems.ts'), path.join(root, 'stacks', 'systems.ts'));
  const { code, stdout } = await cli('new', 'system', 'payments', '--root', root);
  expect([code, stdout.split('\n')[0]]).toEqual([0, expect.stringContaining('created stacks/payments.ts')]);
  expect(fs.existsSync(path.join(root, 'stacks', 'payments.ts'))).toBe(true);
});

test('an unknown command or a missing argument is a usage error with the help hint', async () => {
  const unknown = await cli('deploy');
  expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining("unknown command 'deploy'")]);
  const missing = await cli('audit');
  expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining("missing required argument 'dir'")]);
});
