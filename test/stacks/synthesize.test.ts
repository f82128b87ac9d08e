import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { Yaml } from 'cdk8s';
import { stringifyManifest } from '../../lib/delivery/manifest-yaml';
import { parseArgs } from '../../stacks/main';
import { buildApp, synthesize, SynthesisResult } from '../../stacks/synthesize';

const REPO = join(__dirname, '../..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** The systems of stacks/systems.ts, in synthesis order. */
const systemNames = [...new Set(buildApp().systemCharts.map((c) => c.system))];

describe('synthesize', () => {
  const work = mkdtempSync(join(tmpdir(), 'reliakit-synthesize-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  let full: SynthesisResult;
  let one: SynthesisResult;
  beforeAll(() => {
    full = synthesize({ outdir: join(work, 'full') });
    one = synthesize({ outdir: join(work, 'one'), systems: ['homepage'], envs: ['prod'] });
  });

  test('every system for every environment, in synthesis order; the files listed are the files written', () => {
    expect(full.systems.map((s) => `${s.environment}/${s.system}`)).toEqual(
      ['prod', 'dev'].flatMap((env) => systemNames.map((system) => `${env}/${system}`)),
    );
    expect([...full.files].sort()).toEqual(filesUnder(full.outdir));
    expect(full.systems.every((s) => s.objects > 0 && s.files.length > 0)).toBe(true);
    // The Flux and infrastructure directories hold the rest of the objects.
    expect(full.objects).toBeGreaterThan(full.systems.reduce((n, s) => n + s.objects, 0));
  });

  test("one system in one environment: its files are the full tree's, byte for byte", () => {
    expect(one.systems.map((s) => `${s.environment}/${s.system}`)).toEqual(['prod/homepage']);
    const [homepage] = one.systems;
    expect(homepage).toEqual(full.systems.find((s) => s.system === 'homepage' && s.environment === 'prod'));
    for (const file of homepage.files) {
      expect([file, readFileSync(join(one.outdir, file), 'utf8')]).toEqual([file, readFileSync(join(full.outdir, file), 'utf8')]);
    }
  });

  test('`node scripts/run-fast.js stacks/main.ts` (npm run synth) writes what synthesize() writes; a selection leaves the rest in place', () => {
    const outdir = join(work, 'fast');
    mkdirSync(join(outdir, 'apps/prod/other'), { recursive: true });
    writeFileSync(join(outdir, 'apps/prod/other/kept.yaml'), 'kind: Kept\n');
    execFileSync(process.execPath, ['scripts/run-fast.js', 'stacks/main.ts', '--system', 'homepage', '--env=prod', '--outdir', outdir], {
      cwd: REPO,
      stdio: 'pipe',
    });
    // One system: its files (and its environment's shared ones) are written; another's stay.
    expect(filesUnder(outdir)).toEqual([...filesUnder(one.outdir), 'apps/prod/other/kept.yaml'].sort());
    for (const file of filesUnder(one.outdir)) {
      expect([file, readFileSync(join(outdir, file), 'utf8')]).toEqual([file, readFileSync(join(one.outdir, file), 'utf8')]);
    }
  });

  test('`npm run synth` of the whole tree replaces the directory: what is no longer synthesized is gone', () => {
    const outdir = join(work, 'whole');
    mkdirSync(join(outdir, 'apps/old'), { recursive: true });
    writeFileSync(join(outdir, 'apps/old/stale.yaml'), 'kind: Stale\n');
    execFileSync(process.execPath, ['scripts/run-fast.js', 'stacks/main.ts', '--outdir', outdir], { cwd: REPO, stdio: 'pipe' });
    expect(filesUnder(outdir)).toEqual(filesUnder(full.outdir));
  });

  test('every document of the tree is written exactly as cdk8s Yaml.stringify writes it', () => {
    const docs = buildApp(join(work, 'unused'))
      .render()
      .flatMap((d) => d.files.flatMap((f) => f.objects));
    expect(docs.length).toBe(full.objects);
    const differing = docs.filter((d) => stringifyManifest(d) !== Yaml.stringify(d)).map((d) => `${d.kind}/${d.metadata.name}`);
    expect(differing).toEqual([]);
  });

  test('an unknown selection names the choices', () => {
    expect(() => synthesize({ outdir: join(work, 'bad'), systems: ['homepage', 'shop'] })).toThrow(
      "<app>: unknown system 'shop' — use one of 'homepage', 'postfacta', 'llm-data-vault', 'social-backend', 'listings'",
    );
    expect(() => synthesize({ outdir: join(work, 'bad'), envs: ['staging'] })).toThrow(
      "<app>: unknown environment 'staging' — use one of 'prod', 'dev'",
    );
  });

  test('refuses to clean the working directory or a parent of it', () => {
    expect(() => synthesize({ outdir: REPO, systems: ['homepage'], envs: ['prod'], clean: true })).toThrow(/refusing to delete/);
  });
});

describe('the command line of stacks/main.ts', () => {
  test.each([
    [[], {}],
    [['--system', 'homepage'], { systems: ['homepage'] }],
    [['--system', 'homepage,listings', '--system=postfacta'], { systems: ['homepage', 'listings', 'postfacta'] }],
    [['--env', 'prod', '--outdir', '/tmp/x'], { envs: ['prod'], outdir: '/tmp/x' }],
    [['--outdir=/tmp/a=b'], { outdir: '/tmp/a=b' }],
  ])('%j', (argv, expected) => {
    expect(parseArgs(argv)).toEqual(expected);
  });

  test.each([
    [['--system'], '--system needs a value'],
    [['--env='], '--env needs a value'],
    [['homepage'], "unknown argument 'homepage' — use --system S, --env E, --outdir D"],
  ])('%j fails: %s', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });
});
