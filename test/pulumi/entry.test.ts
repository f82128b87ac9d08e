// The entry as `pulumi up` runs it: mocks first, then the stack config, then the module itself.
import { registrations, settle, valueOf } from './mocks';
import * as pulumi from '@pulumi/pulumi';

jest.setTimeout(60_000);

/** The Pulumi entry's exports (its stack outputs). */
type PulumiEntry = typeof import('../../stacks/pulumi');

/** Loads stacks/pulumi/index.ts afresh with `config` as the stack's configuration. */
function runEntry(config: Record<string, string>): PulumiEntry {
  pulumi.runtime.setAllConfig(config);
  let entry = {} as PulumiEntry;
  jest.isolateModules(() => {
    // A fresh copy of the entry per configuration: isolateModules needs the synchronous require.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    entry = require('../../stacks/pulumi');
  });
  return entry;
}

test('stacks/pulumi/ reads the Pulumi config and exports locations only', async () => {
  const entry = runEntry({
    'reliakit:environment': 'dev',
    // Lists and maps arrive as JSON strings, as the CLI passes them.
    'reliakit:systems': JSON.stringify(['listings']),
    'reliakit:offsiteBuckets': JSON.stringify({ listings: 'lucena-cloud-listings-offsite-backups-dev' }),
    'aws:region': 'eu-central-1',
    'kubernetes:kubeconfig': '/etc/kube/dev.yaml',
  });
  expect(entry.environment).toBe('dev');
  expect(entry.systems).toEqual(['listings']);
  const offsite = (await valueOf(pulumi.output(entry.offsiteBackups))) as Record<string, unknown>;
  expect(Object.keys(offsite)).toEqual(['listings']);
  expect(offsite.listings).toMatchObject({
    bucket: 'lucena-cloud-listings-offsite-backups-dev',
    credentialsSecret: 'listings-offsite-backup-s3',
  });
  await settle();
  expect(registrations.filter((r) => r.type === 'pulumi:providers:kubernetes').map((r) => r.inputs)).toEqual([
    { kubeconfig: '/etc/kube/dev.yaml' },
  ]);
  expect(registrations.filter((r) => r.type === 'reliakit:kubernetes:SystemRelease').map((r) => r.name)).toEqual(['listings']);
});

test('a stack without reliakit:environment fails naming the key and the command', () => {
  expect(() => runEntry({ 'aws:region': 'eu-central-1' })).toThrow(
    "'reliakit:environment' is not set — run `pulumi config set reliakit:environment prod`",
  );
});
