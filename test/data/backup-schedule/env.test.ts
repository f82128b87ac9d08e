import {
  commonEnv,
  drillEnv,
  encryptionEnv,
  postgresEnv,
  retentionEnv,
  s3Env,
  secretEnv,
  sourceEnv,
} from '../../../lib/data/backup-schedule/env';
import { BackupSource, Retention } from '../../../lib/data/backup-schedule/props';
import { OFFSITE, PG_SOURCE, REDIS_SOURCE, TARGET } from './fixtures';

describe('commonEnv', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'work dir, HOME on /tmp, TMPDIR on the work volume',
      () => commonEnv(),
      [
        { name: 'WORK_DIR', value: '/work' },
        { name: 'HOME', value: '/tmp' },
        { name: 'TMPDIR', value: '/work/tmp' },
      ],
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('s3Env', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'MinIO backup target',
      () => s3Env(TARGET),
      [
        { name: 'S3_ENDPOINT', value: 'http://minio.minio:9000' },
        { name: 'S3_BUCKET', value: 'backups' },
        { name: 'S3_PREFIX', value: 'prod/shop-db' },
        { name: 'AWS_DEFAULT_REGION', value: 'us-east-1' },
        { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'access-key' } } },
        { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'secret-key' } } },
        { name: 'AWS_EC2_METADATA_DISABLED', value: 'true' },
      ],
    ],
    [
      'AWS S3 with KMS as the off-site target',
      () => s3Env(OFFSITE, 'OFFSITE_'),
      [
        { name: 'OFFSITE_S3_ENDPOINT', value: 'https://s3.eu-central-1.amazonaws.com' },
        { name: 'OFFSITE_S3_BUCKET', value: 'offsite-backups' },
        { name: 'OFFSITE_S3_PREFIX', value: 'prod/shop-db' },
        { name: 'OFFSITE_AWS_DEFAULT_REGION', value: 'eu-central-1' },
        { name: 'OFFSITE_S3_SSE', value: 'aws:kms' },
        { name: 'OFFSITE_S3_SSE_KMS_KEY_ID', value: 'alias/backups' },
        { name: 'OFFSITE_AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'aws-backup', key: 'access-key' } } },
        { name: 'OFFSITE_AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'aws-backup', key: 'secret-key' } } },
      ],
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('sourceEnv', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'PostgreSQL with the role from a Secret',
      () => sourceEnv(PG_SOURCE),
      [
        { name: 'PGHOST', value: 'shop-db-rw.shop.svc' },
        { name: 'PGPORT', value: '5432' },
        { name: 'PGDATABASE', value: 'app' },
        { name: 'PGUSER', valueFrom: { secretKeyRef: { name: 'shop-db-app', key: 'username' } } },
        { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'shop-db-app', key: 'password' } } },
        { name: 'PGCONNECT_TIMEOUT', value: '10' },
      ],
    ],
    [
      'PostgreSQL with a literal role and port',
      () =>
        sourceEnv(
          BackupSource.postgres({
            host: '10.0.0.5',
            port: 6432,
            database: 'shop',
            username: 'backup',
            password: { name: 'pg', key: 'pw' },
            image: 'postgres:16.4-bookworm',
          }),
        ),
      [
        { name: 'PGHOST', value: '10.0.0.5' },
        { name: 'PGPORT', value: '6432' },
        { name: 'PGDATABASE', value: 'shop' },
        { name: 'PGUSER', value: 'backup' },
        { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'pg', key: 'pw' } } },
        { name: 'PGCONNECT_TIMEOUT', value: '10' },
      ],
    ],
    [
      'Redis with a password',
      () => sourceEnv(REDIS_SOURCE),
      [
        { name: 'REDIS_HOST', value: 'shop-cache-2.shop-cache-headless.shop.svc' },
        { name: 'REDIS_PORT', value: '6379' },
        { name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: 'cache-auth', key: 'password' } } },
      ],
    ],
    [
      'Redis without a password',
      () => sourceEnv(BackupSource.redis({ host: 'cache.shop', image: 'redis:7.2.5-bookworm' })),
      [
        { name: 'REDIS_HOST', value: 'cache.shop' },
        { name: 'REDIS_PORT', value: '6379' },
      ],
    ],
    [
      'Redis under Sentinel: the sentinels and the master set',
      () =>
        sourceEnv(
          BackupSource.redis({
            host: 'shop-cache.shop.svc',
            port: 26379,
            sentinel: { masterSet: 'mymaster' },
            password: { name: 'cache-auth', key: 'password' },
            image: 'redis:7.4.6-bookworm',
          }),
        ),
      [
        { name: 'REDIS_HOST', value: 'shop-cache.shop.svc' },
        { name: 'REDIS_PORT', value: '26379' },
        { name: 'REDIS_SENTINEL_MASTER', value: 'mymaster' },
        { name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: 'cache-auth', key: 'password' } } },
      ],
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('postgresEnv', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'another database on the source server',
      () => postgresEnv(PG_SOURCE, 'postgres'),
      [
        { name: 'PGHOST', value: 'shop-db-rw.shop.svc' },
        { name: 'PGPORT', value: '5432' },
        { name: 'PGDATABASE', value: 'postgres' },
        { name: 'PGUSER', valueFrom: { secretKeyRef: { name: 'shop-db-app', key: 'username' } } },
        { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'shop-db-app', key: 'password' } } },
        { name: 'PGCONNECT_TIMEOUT', value: '10' },
      ],
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('drillEnv', () => {
  test.each<[string, () => unknown, unknown]>([
    // The drill restores into a server in its own pod: no connection setting of the source at all.
    ['PostgreSQL defaults: nothing', () => drillEnv(PG_SOURCE, {}), []],
    [
      'PostgreSQL with a check query',
      () => drillEnv(PG_SOURCE, { checkSql: 'SELECT true' }),
      [{ name: 'DRILL_CHECK_SQL', value: 'SELECT true' }],
    ],
    ['Redis: nothing', () => drillEnv(REDIS_SOURCE, {}), []],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('encryptionEnv', () => {
  test.each<[string, () => unknown, unknown]>([
    ['no client-side encryption', () => encryptionEnv(undefined), []],
    [
      'the passphrase from its Secret',
      () => encryptionEnv({ name: 'backup-key', key: 'passphrase' }),
      [{ name: 'BACKUP_ENCRYPTION_KEY', valueFrom: { secretKeyRef: { name: 'backup-key', key: 'passphrase' } } }],
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('retentionEnv', () => {
  test.each<[string, () => unknown, unknown]>([
    ['by count', () => retentionEnv(Retention.count(7)), { name: 'RETENTION_COUNT', value: '7' }],
    ['by age', () => retentionEnv(Retention.days(30)), { name: 'RETENTION_DAYS', value: '30' }],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('secretEnv', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'a Secret key reference',
      () => secretEnv('PGPASSWORD', { name: 'db', key: 'password' }),
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});
