import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ReliakitApp } from '../../lib';
import { newSystem, registerSystem, stackFunctionName } from '../../cli/new-system';
import { runRules } from '../../cli/audit/rules';
import { formatViolations, SchemaValidator } from '../../cli/audit/schema-validator';

const REPO = path.resolve(__dirname, '..', '..');

/** A copy of the project's stacks beside links to its library, imports and packages. */
function projectCopy(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'reliakit-new-'));
  fs.cpSync(path.join(REPO, 'stacks'), path.join(root, 'stacks'), { recursive: true });
  for (const link of ['lib', 'imports', 'node_modules']) fs.symlinkSync(path.join(REPO, link), path.join(root, link), 'dir');
  return root;
}

describe('reliakit new system', () => {
  const root = projectCopy();
  const result = newSystem({ name: 'payments', root });

  test('writes stacks/NAME.ts and registers it in the system list', () => {
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('created stacks/payments.ts (paymentsStack');
    const systems = fs.readFileSync(path.join(root, 'stacks/systems.ts'), 'utf8');
    expect(systems).toContain("import { paymentsStack } from './payments';\nimport { postfactaStack } from './postfacta';");
    expect(systems).toMatch(/export const SYSTEMS: readonly SystemStack\[\] = \[[^\]]*listingsStack,?\s*paymentsStack,?\s*\];/);
  });

  test('the scaffolded system synthesizes in every environment, valid and clean under the audit rules', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildApp } = require(path.join(root, 'stacks', 'main.ts')) as { buildApp: () => ReliakitApp };
    const dirs = buildApp()
      .render()
      .filter((d) => /^apps\/[^/]+\/payments$/.test(d.path));
    expect(dirs.map((d) => d.path)).toEqual(['apps/prod/payments', 'apps/dev/payments']);
    for (const dir of dirs) {
      const objects = dir.files.flatMap((f) => f.objects);
      expect(objects.map((o) => o.kind).sort()).toEqual(
        expect.arrayContaining([
          'Deployment',
          'PodDisruptionBudget',
          'HorizontalPodAutoscaler',
          'ServiceMonitor',
          'PrometheusRule',
          'ConfigMap',
        ]),
      );
      const alerts = objects
        .filter((o) => o.kind === 'PrometheusRule')
        .flatMap((o) => o.spec.groups.flatMap((g: { rules: Array<{ alert?: string }> }) => g.rules))
        .filter((r: { alert?: string }) => r.alert);
      expect(alerts.length).toBeGreaterThan(0);
      expect(formatViolations(SchemaValidator.load().validateAll(objects))).toBe('');
      expect(runRules(objects.map((object, index) => ({ file: dir.path, index, object })))).toEqual([]);
    }
  });

  test('refuses an existing system, a bad name and a project without a system list', () => {
    expect(newSystem({ name: 'payments', root }).stderr).toBe(
      'error: stacks/payments.ts exists already — choose another name or edit that stack\n',
    );
    expect(newSystem({ name: 'Payments_API', root })).toEqual({
      exitCode: 2,
      stdout: '',
      stderr:
        "error: 'name' ('Payments_API') is not a DNS label of at most 40 characters — use lowercase letters, digits and dashes, so `<system>-<component>` stays a valid object name\n",
    });
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'reliakit-new-'));
    expect(newSystem({ name: 'x', root: empty }).stderr).toBe(
      `error: ${path.join(empty, 'stacks/systems.ts')} does not exist — run the command in a Reliakit project (or give --root)\n`,
    );
  });
});

describe('registerSystem', () => {
  const list = (entries: string) =>
    `import { aStack } from './a';\nimport { cStack } from './c';\n\nexport const SYSTEMS: readonly SystemStack[] = [${entries}];\n`;

  test('keeps a short list on one line and the imports sorted', () => {
    expect(registerSystem(list('aStack, cStack'), 'b')).toBe(
      "import { aStack } from './a';\nimport { bStack } from './b';\nimport { cStack } from './c';\n\nexport const SYSTEMS: readonly SystemStack[] = [aStack, cStack, bStack];\n",
    );
  });

  test('breaks a list longer than the print width into one entry per line', () => {
    const long = Array.from({ length: 8 }, (_, i) => `system${i}WithALongNameStack`).join(', ');
    const out = registerSystem(list(long), 'zeta');
    expect(out).toContain('export const SYSTEMS: readonly SystemStack[] = [\n  system0WithALongNameStack,\n');
    expect(out).toContain('  zetaStack,\n];\n');
    expect(out).toContain("import { cStack } from './c';\nimport { zetaStack } from './zeta';\n");
  });

  test('refuses a system already listed, and a file without the list', () => {
    expect(() => registerSystem(list('aStack'), 'a')).toThrow('stacks/systems.ts: aStack is already in SYSTEMS — choose another name');
    expect(() => registerSystem('export const OTHER = [];\n', 'a')).toThrow('stacks/systems.ts: no `export const SYSTEMS = [...]` list');
  });

  test.each([
    ['homepage', 'homepageStack'],
    ['llm-data-vault', 'llmDataVaultStack'],
    ['web2-api', 'web2ApiStack'],
  ])('%s → %s', (system, fn) => expect(stackFunctionName(system)).toBe(fn));
});
