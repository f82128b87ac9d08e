import { Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import {
  barmanConfiguration,
  clusterParameters,
  clusterProps,
  instancePodMonitorProps,
  managedRoles,
  objectStoreProps,
  scheduledBackupProps,
} from '../../../lib/data/ha-postgres/cluster';
import { PrimaryUpdateMethod, PrimaryUpdateStrategy } from '../../../lib/data/ha-postgres/props';
import { StorageClass } from '../../../lib/core/storage-class';
import { BACKUP, BACKUP_ROLE, IN_TREE, SPEC } from './fixtures';

const ROLES = [
  {
    name: 'app',
    ensure: 'present',
    login: true,
    inherit: true,
    createdb: false,
    comment: 'application owner; no CREATEDB: restore drills never touch this cluster',
  },
  {
    name: 'backup_reader',
    ensure: 'present',
    login: true,
    inherit: true,
    bypassrls: true,
    inRoles: ['pg_read_all_data'],
    passwordSecret: { name: 'shop-db-backup-role' },
    comment: 'logical dumps: reads every table, writes none',
  },
];

/** The Polaris exemptions of a CNPG Cluster (lib/data/ha-postgres/spec.ts CNPG_POLARIS_EXEMPTIONS). */
const CNPG_EXEMPTIONS = {
  'polaris.fairwinds.com/automountServiceAccountToken-exempt': 'true',
  'polaris.fairwinds.com/cpuLimitsMissing-exempt': 'true',
  'polaris.fairwinds.com/metadataAndInstanceMismatched-exempt': 'true',
  'polaris.fairwinds.com/missingNetworkPolicy-exempt': 'true',
  'polaris.fairwinds.com/pullPolicyNotAlways-exempt': 'true',
};

describe('clusterProps', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'two instances, no backup',
      () => clusterProps(SPEC),
      {
        metadata: {
          name: 'shop-db',
          namespace: 'shop',
          labels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/part-of': 'shop' },
          annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled', ...CNPG_EXEMPTIONS },
        },
        spec: {
          instances: 2,
          priorityClassName: 'reliakit-data',
          imageName: 'ghcr.io/cloudnative-pg/postgresql:16.4',
          primaryUpdateStrategy: 'unsupervised',
          primaryUpdateMethod: 'switchover',
          enablePdb: true,
          storage: { size: '10Gi' },
          resources: {
            requests: { cpu: k8s.Quantity.fromString('250m'), memory: k8s.Quantity.fromString('1Gi') },
            limits: { memory: k8s.Quantity.fromString('1Gi') },
          },
          postgresql: { parameters: { max_connections: '100' } },
          bootstrap: { initdb: { database: 'app', owner: 'app', dataChecksums: true } },
          affinity: { enablePodAntiAffinity: true, podAntiAffinityType: 'preferred', topologyKey: 'kubernetes.io/hostname' },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: { 'cnpg.io/cluster': 'shop-db' } },
            },
          ],
        },
      },
    ],
    [
      'single instance without PDB, WAL volume, own credentials, parameters, no zone spread, supervised restart, restore drills',
      () =>
        clusterProps({
          ...SPEC,
          instances: 1,
          walStorage: { size: Size.gibibytes(2), storageClass: StorageClass.named('fast') },
          credentialsSecret: 'app-credentials',
          parameters: { work_mem: '8MB' },
          spreadAcrossZones: false,
          primaryUpdateStrategy: PrimaryUpdateStrategy.SUPERVISED,
          primaryUpdateMethod: PrimaryUpdateMethod.RESTART,
          backupRole: BACKUP_ROLE,
        }),
      {
        metadata: {
          name: 'shop-db',
          namespace: 'shop',
          labels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/part-of': 'shop' },
          annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled', ...CNPG_EXEMPTIONS },
        },
        spec: {
          instances: 1,
          priorityClassName: 'reliakit-data',
          imageName: 'ghcr.io/cloudnative-pg/postgresql:16.4',
          primaryUpdateStrategy: 'supervised',
          primaryUpdateMethod: 'restart',
          enablePdb: false,
          storage: { size: '10Gi' },
          walStorage: { size: '2Gi', storageClass: 'fast' },
          resources: {
            requests: { cpu: k8s.Quantity.fromString('250m'), memory: k8s.Quantity.fromString('1Gi') },
            limits: { memory: k8s.Quantity.fromString('1Gi') },
          },
          postgresql: { parameters: { work_mem: '8MB', max_connections: '100' } },
          managed: { roles: ROLES },
          bootstrap: { initdb: { database: 'app', owner: 'app', secret: { name: 'app-credentials' }, dataChecksums: true } },
          affinity: { enablePodAntiAffinity: true, podAntiAffinityType: 'preferred', topologyKey: 'kubernetes.io/hostname' },
        },
      },
    ],
    [
      'Barman Cloud plugin backup',
      () => clusterProps({ ...SPEC, backup: BACKUP }),
      {
        metadata: {
          name: 'shop-db',
          namespace: 'shop',
          labels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/part-of': 'shop' },
          annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled', ...CNPG_EXEMPTIONS },
        },
        spec: {
          instances: 2,
          priorityClassName: 'reliakit-data',
          imageName: 'ghcr.io/cloudnative-pg/postgresql:16.4',
          primaryUpdateStrategy: 'unsupervised',
          primaryUpdateMethod: 'switchover',
          enablePdb: true,
          storage: { size: '10Gi' },
          resources: {
            requests: { cpu: k8s.Quantity.fromString('250m'), memory: k8s.Quantity.fromString('1Gi') },
            limits: { memory: k8s.Quantity.fromString('1Gi') },
          },
          postgresql: { parameters: { max_connections: '100', archive_timeout: '300s' } },
          bootstrap: { initdb: { database: 'app', owner: 'app', dataChecksums: true } },
          affinity: { enablePodAntiAffinity: true, podAntiAffinityType: 'preferred', topologyKey: 'kubernetes.io/hostname' },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: { 'cnpg.io/cluster': 'shop-db' } },
            },
          ],
          plugins: [{ name: 'barman-cloud.cloudnative-pg.io', isWalArchiver: true, parameters: { barmanObjectName: 'shop-db' } }],
        },
      },
    ],
    [
      'in-tree barmanObjectStore backup',
      () => clusterProps({ ...SPEC, backup: IN_TREE }),
      {
        metadata: {
          name: 'shop-db',
          namespace: 'shop',
          labels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/part-of': 'shop' },
          annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled', ...CNPG_EXEMPTIONS },
        },
        spec: {
          instances: 2,
          priorityClassName: 'reliakit-data',
          imageName: 'ghcr.io/cloudnative-pg/postgresql:16.4',
          primaryUpdateStrategy: 'unsupervised',
          primaryUpdateMethod: 'switchover',
          enablePdb: true,
          storage: { size: '10Gi' },
          resources: {
            requests: { cpu: k8s.Quantity.fromString('250m'), memory: k8s.Quantity.fromString('1Gi') },
            limits: { memory: k8s.Quantity.fromString('1Gi') },
          },
          postgresql: { parameters: { max_connections: '100', archive_timeout: '90s' } },
          bootstrap: { initdb: { database: 'app', owner: 'app', dataChecksums: true } },
          affinity: { enablePodAntiAffinity: true, podAntiAffinityType: 'preferred', topologyKey: 'kubernetes.io/hostname' },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: { 'cnpg.io/cluster': 'shop-db' } },
            },
          ],
          backup: {
            barmanObjectStore: {
              destinationPath: 's3://shop-backups',
              endpointUrl: 'https://s3.eu-central-1.amazonaws.com',
              s3Credentials: {
                accessKeyId: { name: 'aws-backup', key: 'access-key' },
                secretAccessKey: { name: 'aws-backup', key: 'secret-key' },
              },
              wal: { compression: 'zstd', encryption: 'aws:kms', maxParallel: 4 },
              data: { compression: 'snappy', encryption: 'aws:kms', jobs: 4 },
            },
            retentionPolicy: '7d',
          },
        },
      },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('managedRoles', () => {
  test.each<[string, () => unknown, unknown]>([
    ['without a backup role', () => managedRoles('app', undefined), undefined],
    [
      'with a backup role: the owner without CREATEDB, the backup role in pg_read_all_data',
      () => managedRoles('app', BACKUP_ROLE),
      { roles: ROLES },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('clusterParameters', () => {
  test.each<[string, () => unknown, unknown]>([
    ['no backup role', () => clusterParameters(SPEC), { max_connections: '100' }],
    [
      'a backup role and standbys: hot_standby_feedback, so VACUUM cannot cancel a dump on a standby',
      () => clusterParameters({ ...SPEC, backupRole: BACKUP_ROLE }),
      { hot_standby_feedback: 'on', max_connections: '100' },
    ],
    [
      'a backup role, one instance: no standby to feed back',
      () => clusterParameters({ ...SPEC, instances: 1, backupRole: BACKUP_ROLE }),
      { max_connections: '100' },
    ],
    [
      'the stack may override it',
      () => clusterParameters({ ...SPEC, backupRole: BACKUP_ROLE, parameters: { hot_standby_feedback: 'off' }, backup: BACKUP }),
      { hot_standby_feedback: 'off', max_connections: '100', archive_timeout: '300s' },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('barmanConfiguration', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'MinIO, no encryption',
      () => barmanConfiguration(BACKUP),
      {
        destinationPath: 's3://shop-backups/pg',
        endpointUrl: 'http://minio.minio:9000',
        s3Credentials: {
          accessKeyId: { name: 'minio-credentials', key: 'access-key' },
          secretAccessKey: { name: 'minio-credentials', key: 'secret-key' },
        },
        wal: { compression: 'gzip', maxParallel: 2 },
        data: { compression: 'gzip', jobs: 2 },
      },
    ],
    [
      'AWS S3 with KMS',
      () => barmanConfiguration(IN_TREE),
      {
        destinationPath: 's3://shop-backups',
        endpointUrl: 'https://s3.eu-central-1.amazonaws.com',
        s3Credentials: {
          accessKeyId: { name: 'aws-backup', key: 'access-key' },
          secretAccessKey: { name: 'aws-backup', key: 'secret-key' },
        },
        wal: { compression: 'zstd', encryption: 'aws:kms', maxParallel: 4 },
        data: { compression: 'snappy', encryption: 'aws:kms', jobs: 4 },
      },
    ],
    [
      'bucket-default sends no header',
      () => barmanConfiguration({ ...IN_TREE, encryption: 'bucket-default' }),
      {
        destinationPath: 's3://shop-backups',
        endpointUrl: 'https://s3.eu-central-1.amazonaws.com',
        s3Credentials: {
          accessKeyId: { name: 'aws-backup', key: 'access-key' },
          secretAccessKey: { name: 'aws-backup', key: 'secret-key' },
        },
        wal: { compression: 'zstd', maxParallel: 4 },
        data: { compression: 'snappy', jobs: 4 },
      },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('objectStoreProps', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'plugin ObjectStore',
      () => objectStoreProps(SPEC, BACKUP),
      {
        metadata: {
          name: 'shop-db',
          namespace: 'shop',
          labels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/part-of': 'shop' },
          annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' },
        },
        spec: {
          configuration: {
            destinationPath: 's3://shop-backups/pg',
            endpointUrl: 'http://minio.minio:9000',
            s3Credentials: {
              accessKeyId: { name: 'minio-credentials', key: 'access-key' },
              secretAccessKey: { name: 'minio-credentials', key: 'secret-key' },
            },
            wal: { compression: 'gzip', maxParallel: 2 },
            data: { compression: 'gzip', jobs: 2 },
          },
          retentionPolicy: '7d',
        },
      },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('scheduledBackupProps', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'plugin method',
      () => scheduledBackupProps(SPEC, BACKUP),
      {
        metadata: { name: 'shop-db', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/part-of': 'shop' } },
        spec: {
          cluster: { name: 'shop-db' },
          schedule: '0 0 2 * * *',
          method: 'plugin',
          pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
          target: 'prefer-standby',
          immediate: true,
          backupOwnerReference: 'self',
        },
      },
    ],
    [
      'in-tree method, not immediate',
      () => scheduledBackupProps(SPEC, IN_TREE),
      {
        metadata: { name: 'shop-db', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/part-of': 'shop' } },
        spec: {
          cluster: { name: 'shop-db' },
          schedule: '0 0 2 * * *',
          method: 'barmanObjectStore',
          target: 'prefer-standby',
          immediate: false,
          backupOwnerReference: 'self',
        },
      },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('instancePodMonitorProps', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'the instances',
      () => instancePodMonitorProps(SPEC),
      {
        metadata: { name: 'shop-db', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/part-of': 'shop' } },
        spec: {
          selector: { matchLabels: { 'cnpg.io/cluster': 'shop-db', 'cnpg.io/podRole': 'instance' } },
          podMetricsEndpoints: [{ port: 'metrics' }],
        },
      },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});
