// The public API of lib/data/: HAPostgres, RedisCache, BackupSchedule, backup targets and SyncedSecret.
// Explicit lists: what is not named here is internal to the library.

export { BackupSchedule } from './backup-schedule/backup-schedule';
export { BackupSource, Retention } from './backup-schedule/props';
export type {
  BackupJobProps,
  BackupScheduleProps,
  ClientEncryptionProps,
  IBackupServer,
  OffsiteCopyProps,
  PostgresBackupSourceProps,
  RedisBackupSourceProps,
  RedisSentinelSourceProps,
  RestoreDrillProps,
} from './backup-schedule/props';
export { BackupTarget } from './backup-target';
export type { AwsS3TargetProps, MinioTargetProps, S3CredentialsProps, SecretKeyReference, ServerSideEncryption } from './backup-target';
export { HAPostgres } from './ha-postgres/ha-postgres';
export {
  ConnectionRoute,
  DataCompression,
  PoolMode,
  PostgresBackupMethod,
  PrimaryUpdateMethod,
  PrimaryUpdateStrategy,
  WalCompression,
} from './ha-postgres/props';
export type {
  BackupRoleProps,
  DatabaseClientProps,
  HAPostgresProps,
  PoolerProps,
  PostgresBackupProps,
  PostgresStorageProps,
} from './ha-postgres/props';
export { PostgresRestoreDrill } from './postgres-restore-drill/postgres-restore-drill';
export type { PostgresRestoreDrillProps } from './postgres-restore-drill/props';
export type { RedisCacheProps, RedisPersistenceProps, SentinelProps } from './redis-cache/props';
export { RedisCache } from './redis-cache/redis-cache';
export { SecretStore, SyncedSecret } from './synced-secret';
export type { RemoteKeyProps, SyncedSecretProps } from './synced-secret';
// The one list of Secret producers: `reliakit audit` resolves Secret references against it.
export { producedSecrets } from './secret-producers';
export type { ProducedSecret, SecretProducerObject } from './secret-producers';
