import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { Environment } from '../../lib';
import { OFFSITE_BACKUPS, offsiteBackup } from '../../stacks/offsite-backups';
import { readStackConfig } from '../../stacks/pulumi/config';

const KNOWN = ['homepage', 'postfacta', 'llm-data-vault', 'social-backend', 'listings'];

/** A ConfigSource over a plain map; non-strings arrive as JSON, as Pulumi passes them. */
function source(values: Record<string, unknown>): (key: string) => string | undefined {
  return (key) =>
    values[key] === undefined ? undefined : typeof values[key] === 'string' ? (values[key] as string) : JSON.stringify(values[key]);
}

function stackFile(stack: string): Record<string, unknown> {
  return parse(fs.readFileSync(path.join(__dirname, '..', '..', `Pulumi.${stack}.yaml`), 'utf8')).config;
}

const PROD = { 'reliakit:environment': 'prod', 'aws:region': 'eu-central-1', 'kubernetes:context': 'lucena-prod' };

describe('readStackConfig', () => {
  test('Pulumi.prod.yaml: prod, every system, both off-site locations, the prod context', () => {
    const config = readStackConfig(source(stackFile('prod')), KNOWN);
    expect(config).toEqual({
      environment: Environment.PROD,
      systems: KNOWN,
      awsRegion: 'eu-central-1',
      offsiteBackups: [offsiteBackup('social-backend', Environment.PROD), offsiteBackup('listings', Environment.PROD)],
      kubernetes: { context: 'lucena-prod', kubeconfig: undefined },
    });
  });

  test('Pulumi.dev.yaml: dev, every system by default, dev buckets', () => {
    const config = readStackConfig(source(stackFile('dev')), KNOWN);
    expect(config.environment).toBe(Environment.DEV);
    expect(config.systems).toEqual(KNOWN);
    expect(config.offsiteBackups.map((o) => o.bucket)).toEqual([
      'lucena-cloud-social-backend-backups-dev',
      'lucena-cloud-listings-offsite-backups-dev',
    ]);
  });

  test('systems as a list or comma-separated, kept in synthesis order', () => {
    expect(readStackConfig(source({ ...PROD, 'reliakit:systems': ['listings', 'homepage'] }), KNOWN).systems).toEqual([
      'homepage',
      'listings',
    ]);
    expect(readStackConfig(source({ ...PROD, 'reliakit:systems': 'listings, homepage' }), KNOWN).systems).toEqual(['homepage', 'listings']);
  });

  test('no off-site system selected: no AWS region needed, no off-site locations', () => {
    const config = readStackConfig(source({ 'reliakit:environment': 'dev', 'reliakit:systems': ['homepage'] }), KNOWN);
    expect(config.awsRegion).toBeUndefined();
    expect(config.offsiteBackups).toEqual([]);
    expect(config.kubernetes).toEqual({ context: undefined, kubeconfig: undefined });
  });

  test('throws if the environment is missing', () => {
    expect(() => readStackConfig(source({ 'reliakit:systems': ['homepage'] }), KNOWN)).toThrow(
      "Pulumi stack configuration: 1 problem\n  - 'reliakit:environment' is not set — run `pulumi config set reliakit:environment prod` (one of 'prod', 'dev')",
    );
  });

  test('throws if the environment is unknown', () => {
    expect(() => readStackConfig(source({ ...PROD, 'reliakit:environment': 'staging' }), KNOWN)).toThrow(
      "'reliakit:environment' ('staging') is not an environment — use one of 'prod', 'dev'",
    );
  });

  test('throws if a system is unknown, listing the known ones', () => {
    expect(() => readStackConfig(source({ ...PROD, 'reliakit:systems': ['homepage', 'shop'] }), KNOWN)).toThrow(
      "Pulumi stack configuration: 1 problem\n  - 'reliakit:systems' names an unknown system 'shop' — use any of 'homepage', 'postfacta', 'llm-data-vault', 'social-backend', 'listings', or remove the key to deploy all of them",
    );
  });

  test('throws if systems is empty, duplicated or not a list', () => {
    expect(() => readStackConfig(source({ ...PROD, 'reliakit:systems': [] }), KNOWN)).toThrow("'reliakit:systems' is an empty list");
    expect(() => readStackConfig(source({ ...PROD, 'reliakit:systems': ['homepage', 'homepage'] }), KNOWN)).toThrow(
      "'reliakit:systems' lists 'homepage' more than once",
    );
    expect(() => readStackConfig(source({ ...PROD, 'reliakit:systems': '[homepage' }), KNOWN)).toThrow(
      "'reliakit:systems' ('[homepage') is not a list",
    );
    expect(() => readStackConfig(source({ ...PROD, 'reliakit:systems': [1] }), KNOWN)).toThrow(
      "'reliakit:systems' ('[1]') is not a list of system names",
    );
  });

  test('throws if aws:region is missing while an off-site system is deployed', () => {
    const { 'aws:region': _, ...noRegion } = PROD;
    expect(() => readStackConfig(source({ ...noRegion, 'reliakit:systems': ['homepage', 'social-backend'] }), KNOWN)).toThrow(
      "Pulumi stack configuration: 1 problem\n  - 'aws:region' is not set, but the off-site backup buckets of social-backend need it — run `pulumi config set aws:region eu-central-1`",
    );
  });

  test("throws if aws:region differs from the off-site location's region", () => {
    expect(() => readStackConfig(source({ ...PROD, 'aws:region': 'us-east-1', 'reliakit:systems': ['listings'] }), KNOWN)).toThrow(
      "'aws:region' ('us-east-1') differs from the region of listings's off-site bucket in stacks/offsite-backups.ts ('eu-central-1'), which its BackupTarget signs for — set `pulumi config set aws:region eu-central-1` or change the region there",
    );
  });

  test('throws if reliakit:offsiteBuckets disagrees with stacks/offsite-backups.ts', () => {
    expect(() => readStackConfig(source({ ...PROD, 'reliakit:offsiteBuckets': { listings: 'my-bucket' } }), KNOWN)).toThrow(
      "'reliakit:offsiteBuckets.listings' ('my-bucket') differs from stacks/offsite-backups.ts ('lucena-cloud-listings-offsite-backups'), which the cdk8s BackupTarget writes to — change the name there (the one source), then here",
    );
    expect(() =>
      readStackConfig(source({ ...PROD, 'reliakit:systems': ['listings'], 'reliakit:offsiteBuckets': { homepage: 'x' } }), KNOWN),
    ).toThrow(
      "'reliakit:offsiteBuckets.homepage' is set, but homepage is not a deployed system with an off-site backup location ('listings') — remove it",
    );
    expect(() => readStackConfig(source({ ...PROD, 'reliakit:offsiteBuckets': 'listings' }), KNOWN)).toThrow(
      "'reliakit:offsiteBuckets' ('listings') is not a map",
    );
  });

  test('throws if prod names no kubeconfig context', () => {
    const { 'kubernetes:context': _, ...noContext } = PROD;
    expect(() => readStackConfig(source(noContext), KNOWN)).toThrow(
      "'kubernetes:context' is not set — production must name its cluster: run `pulumi config set kubernetes:context <prod-context>`",
    );
  });

  test('reports every problem at once', () => {
    expect(() =>
      readStackConfig(
        source({ 'reliakit:environment': 'prod', 'reliakit:systems': ['shop', 'listings'], 'reliakit:offsiteBuckets': { listings: 'x' } }),
        KNOWN,
      ),
    ).toThrow(
      /^Pulumi stack configuration: 4 problems\n {2}- 'reliakit:systems' names an unknown system 'shop'.*\n {2}- 'aws:region' is not set.*\n {2}- 'reliakit:offsiteBuckets.listings' \('x'\) differs.*\n {2}- 'kubernetes:context' is not set/,
    );
  });
});

describe('the off-site contract (stacks/offsite-backups.ts)', () => {
  test.each(Object.keys(OFFSITE_BACKUPS))('%s: a valid, environment-separated location', (system) => {
    const prod = offsiteBackup(system, Environment.PROD);
    const dev = offsiteBackup(system, Environment.DEV);
    expect(prod.bucket).not.toBe(dev.bucket);
    for (const b of [prod.bucket, dev.bucket]) expect(b).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
    expect(prod.prefix).toMatch(/^[a-z0-9-]+(\/[a-z0-9-]+)*$/);
    // The plans' retention in prod; a lifecycle shorter than a day would be a typo.
    expect(prod.retentionDays).toBe(30);
    expect(dev.retentionDays).toBeGreaterThan(0);
    expect(prod.noncurrentVersionDays).toBeGreaterThan(0);
  });

  test('throws for a system without an off-site location', () => {
    expect(() => offsiteBackup('homepage', Environment.PROD)).toThrow(
      "'homepage' has no off-site backup location — add it to OFFSITE_BACKUPS in stacks/offsite-backups.ts (known: social-backend, listings)",
    );
  });
});
