import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { audit } from '../../../cli/audit/audit';
import { buildApp } from '../../../stacks/main';

const BAD = path.join(__dirname, '..', 'fixtures', 'bad-manifests');

describe('reliakit audit on a hand-written bad manifest directory', () => {
  const report = audit({ dir: BAD, json: true });
  const { errors, warnings, findings } = JSON.parse(report.stdout);

  test('fails CI', () => {
    expect(report.exitCode).toBe(1);
    expect([errors, warnings]).toEqual([6, 1]);
  });

  test('finds the unknown field, the Service selecting nothing, the missing probes, resources and PDB, and the unproduced Secret', () => {
    expect(findings.map((f: Record<string, string>) => [f.file, f.object, f.severity, f.rule])).toEqual([
      ['shop/api.yaml', 'Deployment shop/api', 'error', 'schema'],
      ['shop/services.yaml', 'Service shop/web', 'error', 'service-selects-pods'],
      ['shop/api.yaml', 'Deployment shop/api', 'error', 'references-resolved'],
      ['shop/api.yaml', 'Deployment shop/api', 'error', 'probes'],
      ['shop/api.yaml', 'Deployment shop/api', 'warning', 'probes'],
      ['shop/api.yaml', 'Deployment shop/api', 'error', 'resources'],
      ['shop/api.yaml', 'Deployment shop/api', 'error', 'pdb-for-replicas'],
    ]);
    expect(findings.map((f: Record<string, string>) => f.message)).toEqual([
      '/spec/template/spec/containers/0/imagePulPolicy: unknown field "imagePulPolicy"',
      'selector {"app":"web"} selects no pod (pods in its namespace: Deployment/api) — make the selector match the workload\'s pod template labels',
      'reads Secret shop/shop-db (template/spec/containers/0/env/0/valueFrom/secretKeyRef), which nothing in the manifests provides — sync it with an ExternalSecret (or issue it with a Certificate) in the same tree',
      "container 'api' has no readinessProbe, so it receives traffic before it can serve and during a rollout — add one that checks the server can answer",
      "container 'api' has no livenessProbe, so a hung process is never restarted — add one that checks only the process",
      "container 'api' has no requests.cpu, requests.memory, limits.memory: the scheduler cannot place it safely and the node may kill a neighbour — set requests from measured use and a memory limit",
      '3 replicas but no PodDisruptionBudget selects its pods, so a node drain may evict all of them at once — add a PDB (minAvailable 2 or maxUnavailable 1) selecting {"app":"api"}',
    ]);
  });

  test('the report groups findings by file and object, and ends with the counts', () => {
    const text = audit({ dir: BAD }).stdout;
    expect(text.split('\n').slice(0, 3)).toEqual([
      'shop/api.yaml',
      '  Deployment shop/api',
      '    error    schema                /spec/template/spec/containers/0/imagePulPolicy: unknown field "imagePulPolicy"',
    ]);
    expect(text).toContain('shop/services.yaml\n  Service shop/web\n    error    service-selects-pods  selector {"app":"web"}');
    expect(text.trim().split('\n').pop()).toMatch(/: 3 objects in 3 files, 10 rules \(.*\): 6 errors, 1 warning$/);
  });

  test('--strict fails on warnings alone; a missing directory is a usage error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reliakit-audit-'));
    fs.copyFileSync(path.join(BAD, 'shop', 'services.yaml'), path.join(dir, 'services.yaml'));
    expect(audit({ dir }).exitCode).toBe(1);
    expect(audit({ dir: path.join(dir, 'nope') })).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `error: ${path.join(dir, 'nope')}: not a directory — give the directory of the manifests (e.g. dist)\n`,
    });
  });
});

test('reliakit audit of our own synthesized tree is clean', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reliakit-audit-'));
  buildApp(dir).synth();
  const report = audit({ dir, strict: true });
  expect(report.stdout.trim().split('\n')).toHaveLength(1);
  expect(report.stdout).toMatch(/: [1-9]\d+ objects in [1-9]\d+ files, 10 rules .*: 0 errors, 0 warnings\n$/);
  expect(report.exitCode).toBe(0);
});
