import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { checkCron } from '../../core/cron';
import { imagePinningProblem } from '../../core/image';
import { Images } from '../../core/images';
import { checkResources } from '../../core/resources';
import { goDuration, seconds, sizeBytes, wholeSeconds } from '../../core/units';
import { Violations } from '../../core/validation';
import {
  BackupRoleProps,
  DataCompression,
  PoolerProps,
  PoolMode,
  PostgresBackupMethod,
  PostgresBackupProps,
  PostgresStorageProps,
  WalCompression,
} from './props';
import { ResolvedBackup, ResolvedBackupRole, ResolvedPooler } from './spec';

const RETENTION = /^[1-9][0-9]*[dwm]$/;

export function validateStorage(v: Violations, prop: string, storage: PostgresStorageProps | undefined): void {
  v.check(
    !storage || sizeBytes(storage.size) < 1024 ** 3,
    `${prop}.size`,
    storage?.size?.asString(),
    'is missing or below 1Gi',
    'size the volume for the data plus WAL headroom, e.g. Size.gibibytes(10)',
  );
}

/** The backup props with defaults applied; problems go to `v`. */
export function resolveBackup(v: Violations, b: PostgresBackupProps): ResolvedBackup {
  for (const [prop, value, problem, fix] of b.target.problems())
    v.add(`backup.${prop.replace(/^backupTarget\./, 'target.')}`, value, problem, fix);
  v.check(
    !RETENTION.test(b.retention),
    'backup.retention',
    b.retention,
    'is not a Barman retention window',
    "use a number of days, weeks or months, e.g. '7d', '4w', '3m'",
  );
  const cron = checkCron(b.schedule);
  if (cron.error !== undefined)
    v.add(
      'backup.schedule',
      typeof b.schedule === 'string' ? b.schedule : b.schedule.expressionString,
      cron.error,
      "write 5 fields, e.g. '0 2 * * *' (CNPG's seconds field is added for you)",
    );
  const encryption = b.encryption ?? b.target.encryption;
  v.check(
    b.target.provider === 'minio' && (encryption === 'AES256' || encryption === 'aws:kms'),
    'backup.encryption',
    encryption,
    'requests server-side encryption from MinIO, which needs a KMS configured there and otherwise fails every upload',
    "use 'none' (encrypt the bucket or use client-side encryption) or an AWS S3 target",
  );
  const maxParallel = b.maxParallel ?? 2;
  v.check(
    !Number.isInteger(maxParallel) || maxParallel < 1,
    'backup.maxParallel',
    maxParallel,
    'is not a positive integer',
    'use 1 or more',
  );
  const method = b.method ?? PostgresBackupMethod.BARMAN_CLOUD_PLUGIN;
  const dataCompression = b.dataCompression ?? DataCompression.GZIP;
  const archiveTimeout = b.archiveTimeout ?? Duration.minutes(5);
  v.check(
    wholeSeconds(archiveTimeout) === undefined || seconds(archiveTimeout) < 1,
    'backup.archiveTimeout',
    goDuration(archiveTimeout),
    'is not a whole number of seconds ≥ 1',
    'use e.g. Duration.minutes(5)',
  );
  if (b.rpo) {
    v.check(
      seconds(archiveTimeout) >= seconds(b.rpo),
      'backup.archiveTimeout',
      goDuration(archiveTimeout),
      `is not shorter than the RPO (${goDuration(b.rpo)}): under low traffic a WAL segment waits that long before its upload even starts, ` +
        'so the RPO cannot hold and the WAL age alert would fire on healthy archiving',
      `set archiveTimeout below ${goDuration(b.rpo)}, leaving time for the upload and a retry`,
    );
  }
  return {
    target: b.target,
    retention: b.retention,
    schedule: cron.expression ?? '',
    method,
    walCompression: b.walCompression ?? WalCompression.GZIP,
    dataCompression,
    encryption,
    maxParallel,
    immediate: b.immediate ?? true,
    archiveTimeout,
    rpo: b.rpo,
  };
}

/** The pooler props with defaults applied; problems go to `v`. */
export function resolvePooler(v: Violations, p: PoolerProps): ResolvedPooler {
  const poolMode = p.poolMode ?? PoolMode.TRANSACTION;
  const pooler: ResolvedPooler = {
    instances: p.instances ?? 2,
    poolMode,
    defaultPoolSize: p.defaultPoolSize ?? 20,
    maxClientConnections: p.maxClientConnections ?? 1000,
    readOnly: p.readOnly ?? false,
    // Transaction pooling hands each transaction any server connection, where a statement the
    // driver prepared on another one does not exist. PgBouncer (≥ 1.21) tracks protocol-level
    // prepared statements and prepares them again where needed; 200 per server connection is
    // PgBouncer 1.24's own default, stated so an older image behaves the same.
    parameters: { ...(poolMode === PoolMode.TRANSACTION ? { max_prepared_statements: '200' } : {}), ...p.parameters },
    resources: p.resources ?? { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) } },
    image: p.image ?? Images.PGBOUNCER,
  };
  const pinning = imagePinningProblem(pooler.image);
  if (pinning) v.add('pooler.image', pooler.image, ...pinning);
  checkResources(v, pooler.resources, 'pooler.resources');
  for (const key of ['default_pool_size', 'max_client_conn']) {
    v.check(
      p.parameters?.[key] !== undefined,
      `pooler.parameters.${key}`,
      p.parameters?.[key],
      'bypasses the connection budget',
      key === 'default_pool_size' ? 'use pooler.defaultPoolSize' : 'use pooler.maxClientConnections',
    );
  }
  v.check(
    !Number.isInteger(pooler.instances) || pooler.instances < 2,
    'pooler.instances',
    pooler.instances,
    'is a single point of failure in front of the database',
    'use at least 2 PgBouncer pods',
  );
  for (const [prop, value] of [
    ['pooler.defaultPoolSize', pooler.defaultPoolSize],
    ['pooler.maxClientConnections', pooler.maxClientConnections],
  ] as const) {
    v.check(!Number.isInteger(value) || value < 1, prop, value, 'is not a positive integer', 'use 1 or more');
  }
  return pooler;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** The backup role with defaults applied; problems go to `v`. */
export function resolveBackupRole(
  v: Violations,
  cluster: string,
  owner: string,
  majorVersion: number | undefined,
  r: BackupRoleProps,
): ResolvedBackupRole {
  const role: ResolvedBackupRole = {
    name: r.name ?? 'backup_reader',
    secretName: `${cluster}-backup-role`,
    store: r.store,
    remoteKey: r.remoteKey,
    property: r.property ?? 'password',
  };
  v.check(
    !IDENTIFIER.test(role.name),
    'backupRole.name',
    role.name,
    'is not a plain PostgreSQL identifier',
    "use lowercase letters, digits and underscores, e.g. 'backup_reader'",
  );
  v.check(
    role.name === owner || role.name === 'postgres' || role.name === 'streaming_replica',
    'backupRole.name',
    role.name,
    'is a role the cluster already has (the owner, the superuser or the replication user), which would then be given only read access',
    "use a role of its own, e.g. the default 'backup_reader'",
  );
  v.check(r.remoteKey.trim() === '', 'backupRole.remoteKey', r.remoteKey, 'is empty', 'give the secret path in the store');
  v.check(
    majorVersion !== undefined && majorVersion < 14,
    'backupRole',
    `PostgreSQL ${majorVersion}`,
    'needs pg_read_all_data, which PostgreSQL has from 14 on',
    'use PostgreSQL 14 or newer',
  );
  return role;
}
