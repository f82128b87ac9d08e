import { producedSecrets, SecretProducerObject } from '../../lib/data/secret-producers';
import type { KubeJson } from '../../lib';

const meta = { name: 'db', namespace: 'shop' };
const cnpg = (spec: KubeJson): SecretProducerObject => ({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: meta, spec });
const CNPG = 'CloudNativePG (Cluster/db)';

test.each<[string, SecretProducerObject, Array<[string, string, string]>]>([
  [
    'ExternalSecret: its target',
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'x', namespace: 'shop' },
      spec: { target: { name: 'creds' } },
    },
    [['shop', 'creds', 'ExternalSecret/x']],
  ],
  [
    'ExternalSecret without a target name: its own name',
    { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'x', namespace: 'shop' }, spec: {} },
    [['shop', 'x', 'ExternalSecret/x']],
  ],
  [
    'Certificate: its secretName',
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'tls', namespace: 'shop' },
      spec: { secretName: 'shop-tls' },
    },
    [['shop', 'shop-tls', 'cert-manager (Certificate/tls)']],
  ],
  [
    'CNPG Cluster with initdb',
    cnpg({ bootstrap: { initdb: { database: 'app' } } }),
    [
      ['shop', 'db-app', CNPG],
      ['shop', 'db-ca', CNPG],
      ['shop', 'db-server', CNPG],
      ['shop', 'db-replication', CNPG],
    ],
  ],
  [
    'CNPG Cluster without bootstrap (initdb by default)',
    cnpg({}),
    [
      ['shop', 'db-app', CNPG],
      ['shop', 'db-ca', CNPG],
      ['shop', 'db-server', CNPG],
      ['shop', 'db-replication', CNPG],
    ],
  ],
  [
    'CNPG Cluster with its own app secret and superuser access',
    cnpg({ bootstrap: { initdb: { secret: { name: 'mine' } } }, enableSuperuserAccess: true }),
    [
      ['shop', 'db-ca', CNPG],
      ['shop', 'db-server', CNPG],
      ['shop', 'db-replication', CNPG],
      ['shop', 'db-superuser', CNPG],
    ],
  ],
  [
    'CNPG Cluster recovering from a backup: no app secret',
    cnpg({ bootstrap: { recovery: { source: 'old' } } }),
    [
      ['shop', 'db-ca', CNPG],
      ['shop', 'db-server', CNPG],
      ['shop', 'db-replication', CNPG],
    ],
  ],
  ['a Deployment produces none', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta, spec: {} }, []],
  ['a same-named kind of another group produces none', { apiVersion: 'example.com/v1', kind: 'Cluster', metadata: meta, spec: {} }, []],
])('%s', (_, object, expected) => {
  expect(producedSecrets(object)).toEqual(expected.map(([namespace, name, producer]) => ({ namespace, name, producer })));
});
