// The public API of lib/data/: HAPostgres, RedisCache, BackupSchedule, backup targets and SyncedSecret.
// Explicit lists: what is not named here is internal to the library.

export { BackupSchedule, BackupSource, Retention } from './backup-schedule';
export type { BackupJobProps, BackupScheduleProps, ClientEncryptionProps, IBackupServer, OffsiteCopyProps, PostgresBackupSourceProps, RedisBackupSourceProps, RestoreDrillProps } from './backup-schedule';
export { BackupTarget } from './backup-target';
export type { AwsS3TargetProps, MinioTargetProps, S3CredentialsProps, SecretKeyReference, ServerSideEncryption } from './backup-target';
export { ConnectionRoute, DataCompression, HAPostgres, PoolMode, PostgresBackupMethod, PrimaryUpdateMethod, PrimaryUpdateStrategy, WalCompression } from './ha-postgres';
export type { DatabaseClientProps, HAPostgresProps, PoolerProps, PostgresBackupProps, PostgresStorageProps } from './ha-postgres';
export { RedisCache } from './redis-cache';
export type { RedisCacheProps, RedisPersistenceProps, SentinelProps } from './redis-cache';
export { SecretStore, SyncedSecret } from './synced-secret';
export type { RemoteKeyProps, SyncedSecretProps } from './synced-secret';
