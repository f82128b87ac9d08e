import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { KubeJson } from '../../lib';
import { diffCommand, synthesizeRef } from '../../cli/diff/diff-command';
import { diffTrees, fieldChanges, systemOf } from '../../cli/diff/object-diff';
import { readManifests } from '../../cli/manifests';

const FIXTURES = path.join(__dirname, 'fixtures', 'diff');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'reliakit-diff-'));
const copyTo = (from: string) => (outdir: string) => fs.cpSync(from, outdir, { recursive: true });

describe('reliakit diff of two directories: a changed replica count, a removed PDB, a removed alert', () => {
  const result = diffCommand({ against: path.join(FIXTURES, 'before'), root: tmp(), synthNow: copyTo(path.join(FIXTURES, 'after')) });

  test('reports the changes of the system, flagged', () => {
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(
      [
        'prod/shop',
        '  ! protection: alert ShopApiErrors removed (was in PrometheusRule shop/shop-alerts)',
        '  ~ PrometheusRule shop/shop-alerts  (apps/prod/shop/alerts.yaml)',
        '      spec.groups[shop-api].rules[1]: {"alert":"ShopApiErrors","expr":"rate(http_requests_total{job=\\"shop-api\\",code=~\\"5..\\"}[5m]) > 1","labels":{"severity":"warning"}} → (none)',
        '  ~ Deployment shop/shop-api  (apps/prod/shop/api.yaml)',
        '      ! reliability: replicas: spec.replicas 3 → 2',
        '      spec.replicas: 3 → 2',
        '  - PodDisruptionBudget shop/shop-api  (apps/prod/shop/api.yaml)',
        '      ! protection: PodDisruptionBudget removed: a node drain may now evict all of its pods at once',
        '',
        `against ${path.join(FIXTURES, 'before')}: 1 system changed — 2 changed, 0 added, 1 removed; flagged: 0 replace, 2 protection removed, 1 reliability`,
        '',
      ].join('\n'),
    );
  });

  test('--exit-code fails on changes; no change is exit 0 and says so', () => {
    const before = path.join(FIXTURES, 'before');
    expect(diffCommand({ against: before, root: tmp(), synthNow: copyTo(path.join(FIXTURES, 'after')), exitCode: true }).exitCode).toBe(1);
    expect(diffCommand({ against: before, root: tmp(), synthNow: copyTo(before), exitCode: true })).toEqual({
      exitCode: 0,
      stdout: `no changes against ${before}\n`,
      stderr: '',
    });
  });
});

describe('object diff', () => {
  const deployment = (name: string, selector: Record<string, string>, extra: KubeJson = {}): KubeJson => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop' },
    spec: {
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: selector },
        spec: { containers: [{ name: 'api', image: 'x:1', resources: { limits: { memory: '256Mi' } } }] },
      },
      ...extra,
    },
  });
  const at = (file: string, ...objects: KubeJson[]) => objects.map((object, index) => ({ file, index, object }));

  test('a selector change replaces the object; resources and HPA bounds are reliability changes', () => {
    const before = deployment('shop-api', { app: 'api' });
    const after = deployment('shop-api', { app: 'api', tier: 'web' });
    after.spec.template.spec.containers[0].resources.limits.memory = '512Mi';
    const hpa = (max: number) => ({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'shop-api', namespace: 'shop' },
      spec: { minReplicas: 2, maxReplicas: max },
    });
    const [shop] = diffTrees(at('apps/prod/shop/api.yaml', before, hpa(5)), at('apps/prod/shop/api.yaml', after, hpa(8)));
    expect(shop.objects.map((o) => [o.object, o.flags.map((f) => `${f.kind}: ${f.message}`)])).toEqual([
      [
        'Deployment shop/shop-api',
        [
          'replace: spec.selector is immutable: Kubernetes rejects the update, so the object must be deleted and recreated — plan the migration',
          'reliability: resources: spec.template.spec.containers[api].resources.limits.memory "256Mi" → "512Mi"',
        ],
      ],
      ['HorizontalPodAutoscaler shop/shop-api', ['reliability: autoscaling bounds: spec.maxReplicas 5 → 8']],
    ]);
  });

  test('a rename is a removal and an addition of the same kind, flagged as a replacement', () => {
    const [shop] = diffTrees(
      at('apps/prod/shop/api.yaml', deployment('shop-api', { app: 'api' })),
      at('apps/prod/shop/api.yaml', deployment('shop-backend', { app: 'api' })),
    );
    expect(shop.objects.map((o) => [o.status, o.object, o.flags.map((f) => f.kind)])).toEqual([
      ['added', 'Deployment shop/shop-backend', ['replace']],
      ['removed', 'Deployment shop/shop-api', ['replace']],
    ]);
    expect(shop.objects[0].flags[0].message).toBe(
      'renamed from Deployment shop/shop-api? A rename deletes the old object and creates a new one',
    );
  });

  test('the same object in two environments is two objects', () => {
    const prod = at('apps/prod/shop/api.yaml', deployment('shop-api', { app: 'api' }, { replicas: 3 }));
    const dev = (replicas: number) => at('apps/dev/shop/api.yaml', deployment('shop-api', { app: 'api' }, { replicas }));
    const diffs = diffTrees([...prod, ...dev(1)], [...prod, ...dev(2)]);
    expect(diffs.map((d) => [d.system, d.objects.map((o) => `${o.status} ${o.object} ${o.fields.map((f) => f.path)}`)])).toEqual([
      ['dev/shop', ['changed Deployment shop/shop-api spec.replicas']],
    ]);
  });

  test('list items with names are compared by name, others by position', () => {
    expect(
      fieldChanges(
        {
          c: [
            { name: 'a', v: 1 },
            { name: 'b', v: 2 },
          ],
        },
        {
          c: [
            { name: 'b', v: 3 },
            { name: 'a', v: 1 },
          ],
        },
      ),
    ).toEqual([{ path: 'c[b].v', before: 2, after: 3 }]);
    expect(fieldChanges({ args: ['a', 'b'] }, { args: ['b'] })).toEqual([
      { path: 'args[0]', before: 'a', after: 'b' },
      { path: 'args[1]', before: 'b', after: undefined },
    ]);
  });

  test.each([
    ['apps/prod/shop/api.yaml', 'prod/shop'],
    ['apps/dev/shop-data/postgres.yaml', 'dev/shop'],
    ['clusters/prod/shop.yaml', 'clusters/prod'],
    ['api.yaml', '.'],
  ])('%s belongs to %s', (file, system) => expect(systemOf(file)).toBe(system));

  test('a fixture directory reads as its objects (kustomization files skipped)', () => {
    expect(readManifests(path.join(FIXTURES, 'before')).objects.map((l) => `${l.file} ${l.object.kind}`)).toEqual([
      'apps/prod/shop/alerts.yaml PrometheusRule',
      'apps/prod/shop/api.yaml Deployment',
      'apps/prod/shop/api.yaml PodDisruptionBudget',
      'clusters/prod/shop.yaml Kustomization',
    ]);
  });
});

describe('reliakit diff --against a git ref', () => {
  /** A git repository whose cdk8s.yaml app copies a fixture tree: before at the first commit, after at HEAD. */
  function repository(): string {
    const repo = tmp();
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'test@example.com');
    git('config', 'user.name', 'test');
    const commit = (tree: string, message: string) => {
      fs.rmSync(path.join(repo, 'tree'), { recursive: true, force: true });
      fs.cpSync(tree, path.join(repo, 'tree'), { recursive: true });
      fs.writeFileSync(
        path.join(repo, 'cdk8s.yaml'),
        `language: typescript\napp: node -e "require('fs').cpSync('tree', process.env.CDK8S_OUTDIR, { recursive: true })"\n`,
      );
      git('add', '-A');
      git('commit', '-q', '-m', message);
    };
    commit(path.join(FIXTURES, 'before'), 'before');
    commit(path.join(FIXTURES, 'after'), 'after');
    return repo;
  }

  test('synthesizes the ref in a temporary worktree, diffs, and removes the worktree', () => {
    const repo = repository();
    const result = diffCommand({ against: 'HEAD~1', root: repo, synthNow: copyTo(path.join(FIXTURES, 'after')) });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('  - PodDisruptionBudget shop/shop-api  (apps/prod/shop/api.yaml)');
    expect(result.stdout).toMatch(/^against HEAD~1: 1 system changed — 2 changed, 0 added, 1 removed/m);
    const worktrees = execFileSync('git', ['worktree', 'list'], { cwd: repo, encoding: 'utf8' }).trim().split('\n');
    expect(worktrees).toHaveLength(1);
  });

  test('a ref that is not a commit is a usage error; the ref tree is what its own synth wrote', () => {
    const repo = repository();
    expect(diffCommand({ against: 'no-such-branch', root: repo, synthNow: copyTo(path.join(FIXTURES, 'after')) })).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `error: '--against' ('no-such-branch') is neither a directory nor a commit of ${repo} — give a directory, a branch, a tag or a commit\n`,
    });
    const out = synthesizeRef(repo, 'HEAD~1');
    expect(fs.readFileSync(path.join(out, 'apps/prod/shop/api.yaml'), 'utf8')).toContain('replicas: 3');
  });
});
