import { PriorityClass } from '../../../lib/core/priority-class';
import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { BackupTarget } from '../../../lib/data/backup-target';
import {
  DataCompression,
  PoolMode,
  PostgresBackupMethod,
  PrimaryUpdateMethod,
  PrimaryUpdateStrategy,
  WalCompression,
} from '../../../lib/data/ha-postgres/props';
import { PostgresSpec, ResolvedBackup, ResolvedBackupRole, ResolvedPooler } from '../../../lib/data/ha-postgres/spec';
import { SecretStore } from '../../../lib/data/synced-secret';

/** Resolved specs shared by the render-function tables. */
export const MINIO = BackupTarget.minio({
  endpoint: 'http://minio.minio:9000',
  bucket: 'shop-backups',
  prefix: 'pg',
  credentials: { secretName: 'minio-credentials' },
});
export const S3 = BackupTarget.s3({
  bucket: 'shop-backups',
  region: 'eu-central-1',
  encryption: 'aws:kms',
  kmsKeyId: 'alias/backups',
  credentials: { secretName: 'aws-backup' },
});

export const SPEC: PostgresSpec = {
  name: 'shop-db',
  namespace: 'shop',
  labels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/part-of': 'shop' },
  image: 'ghcr.io/cloudnative-pg/postgresql:16.4',
  instances: 2,
  maxConnections: 100,
  parameters: undefined,
  database: 'app',
  owner: 'app',
  credentialsSecret: undefined,
  storage: { size: Size.gibibytes(10) },
  walStorage: undefined,
  resources: { cpu: { request: Cpu.millis(250) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
  spreadAcrossZones: true,
  priorityClass: PriorityClass.DATA,
  primaryUpdateStrategy: PrimaryUpdateStrategy.UNSUPERVISED,
  primaryUpdateMethod: PrimaryUpdateMethod.SWITCHOVER,
  backup: undefined,
  pooler: undefined,
  backupRole: undefined,
  prometheusNamespace: 'monitoring',
  operatorNamespace: 'cnpg-system',
};

export const BACKUP_ROLE: ResolvedBackupRole = {
  name: 'backup_reader',
  secretName: 'shop-db-backup-role',
  store: SecretStore.cluster('secret-manager'),
  remoteKey: 'shop/prod/postgres-backup-role',
  property: 'password',
};

export const BACKUP: ResolvedBackup = {
  target: MINIO,
  retention: '7d',
  schedule: '0 2 * * *',
  method: PostgresBackupMethod.BARMAN_CLOUD_PLUGIN,
  walCompression: WalCompression.GZIP,
  dataCompression: DataCompression.GZIP,
  encryption: 'none',
  maxParallel: 2,
  immediate: true,
  archiveTimeout: Duration.minutes(5),
  rpo: undefined,
};
export const IN_TREE: ResolvedBackup = {
  ...BACKUP,
  target: S3,
  method: PostgresBackupMethod.IN_TREE_BARMAN_OBJECT_STORE,
  encryption: 'aws:kms',
  walCompression: WalCompression.ZSTD,
  dataCompression: DataCompression.SNAPPY,
  maxParallel: 4,
  immediate: false,
  archiveTimeout: Duration.seconds(90),
};

export const POOLER: ResolvedPooler = {
  instances: 2,
  poolMode: PoolMode.TRANSACTION,
  defaultPoolSize: 20,
  maxClientConnections: 1000,
  readOnly: false,
  parameters: { max_prepared_statements: '100' },
  resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) } },
  image: 'ghcr.io/cloudnative-pg/pgbouncer:1.25.2',
};
