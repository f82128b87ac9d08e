// The public API of lib/data/backup-schedule, for lib/index.ts only: inside lib/, import the modules.
export { BackupSource, Retention } from './props';
export type {
  BackupJobProps, BackupScheduleProps, ClientEncryptionProps, IBackupServer, OffsiteCopyProps, PostgresBackupSourceProps, RedisBackupSourceProps,
  RestoreDrillProps,
} from './props';
export { BackupSchedule } from './backup-schedule';
