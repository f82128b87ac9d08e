// The public API of lib/data/ha-postgres, for lib/index.ts only: inside lib/, import the modules.
export { ConnectionRoute, DataCompression, PoolMode, PostgresBackupMethod, PrimaryUpdateMethod, PrimaryUpdateStrategy, WalCompression } from './props';
export type { DatabaseClientProps, HAPostgresProps, PoolerProps, PostgresBackupProps, PostgresStorageProps } from './props';
export { HAPostgres } from './ha-postgres';
