import { Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Cluster } from '../../../imports/cnpg-cluster-postgresql.cnpg.io';
import { ExternalSecret } from '../../../imports/external-secrets-externalsecret-external-secrets.io';
import { backupRoleSecretProps } from '../../../lib/data/ha-postgres/backup-role';
import { recoveryClusterProps } from '../../../lib/data/ha-postgres/recovery-cluster';
import { StorageClass } from '../../../lib/core/storage-class';
import { formatViolations, SchemaValidator } from '../../../cli/audit/schema-validator';
import { BACKUP, BACKUP_ROLE, SPEC } from './fixtures';

const LABELS = { 'app.kubernetes.io/name': 'shop-db-drill' };

describe('recoveryClusterProps', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      "one instance recovered from the source's ObjectStore, archiving nothing, with the source's image, volumes, resources and parameters",
      () =>
        recoveryClusterProps(
          {
            ...SPEC,
            backup: BACKUP,
            backupRole: BACKUP_ROLE,
            walStorage: { size: Size.gibibytes(5), storageClass: StorageClass.localPath() },
            parameters: { work_mem: '8MB' },
          },
          'shop-db-drill',
          LABELS,
        ),
      {
        metadata: { name: 'shop-db-drill', namespace: 'shop', labels: LABELS },
        spec: {
          instances: 1,
          imageName: 'ghcr.io/cloudnative-pg/postgresql:16.4',
          enablePdb: false,
          storage: { size: '10Gi', storageClass: undefined },
          walStorage: { size: '5Gi', storageClass: 'local-path' },
          resources: {
            requests: { cpu: k8s.Quantity.fromString('250m'), memory: k8s.Quantity.fromString('1Gi') },
            limits: { memory: k8s.Quantity.fromString('1Gi') },
          },
          postgresql: { parameters: { hot_standby_feedback: 'on', work_mem: '8MB', max_connections: '100', archive_timeout: '300s' } },
          bootstrap: { recovery: { source: 'origin' } },
          externalClusters: [
            {
              name: 'origin',
              plugin: { name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: 'shop-db', serverName: 'shop-db' } },
            },
          ],
        },
      },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });

  test('validates against the CNPG Cluster CRD, and has no plugin that could archive into the source', () => {
    const manifest = Cluster.manifest(recoveryClusterProps({ ...SPEC, backup: BACKUP }, 'shop-db-drill', LABELS));
    expect(formatViolations(SchemaValidator.load().validateAll([manifest]))).toBe('');
    expect(manifest.spec.plugins).toBeUndefined();
    expect(manifest.spec.backup).toBeUndefined();
  });
});

describe('backupRoleSecretProps', () => {
  test('a basic-auth Secret CNPG reloads: the role name as username, the password from the store, kept when the ExternalSecret goes', () => {
    const props = backupRoleSecretProps(SPEC, BACKUP_ROLE);
    expect(ExternalSecret.manifest(props)).toEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'shop-db-backup-role', namespace: 'shop', labels: SPEC.labels },
      spec: {
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'secret-manager' },
        refreshInterval: '1h',
        target: {
          name: 'shop-db-backup-role',
          creationPolicy: 'Owner',
          deletionPolicy: 'Retain',
          template: {
            type: 'kubernetes.io/basic-auth',
            metadata: { labels: { 'cnpg.io/reload': 'true' } },
            data: { username: 'backup_reader', password: '{{ .password }}' },
          },
        },
        data: [{ secretKey: 'password', remoteRef: { key: 'shop/prod/postgres-backup-role', property: 'password' } }],
      },
    });
    expect(formatViolations(SchemaValidator.load().validateAll([ExternalSecret.manifest(props)]))).toBe('');
  });
});
