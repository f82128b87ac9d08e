import { Duration } from 'cdk8s';
import { PostgresBackupMethod } from '../../lib';
import {
  backupStaleAfterSeconds,
  cnpgInstancePods,
  cnpgVolumeClaims,
  postgresBackupMetrics,
  walArchiveMaxAgeSeconds,
} from '../../lib/observability/cnpg';
import { matches } from '../../lib/observability/promql';

describe('cnpgInstancePods and cnpgVolumeClaims', () => {
  test.each<[string, string, boolean, boolean]>([
    ['shop-postgres-1', 'an instance', true, true],
    ['shop-postgres-12', 'a two-digit instance', true, true],
    ['shop-postgres-1-wal', 'a WAL volume (no pod)', false, true],
    ['shop-postgres-pooler-rw-5d8f9c7b4-x2k9p', 'a pooler pod', false, false],
    ['shop-postgres-reports-1', 'another cluster sharing the prefix', false, false],
  ])('%s (%s): pod %s, claim %s', (name, _, pod, claim) => {
    expect(cnpgInstancePods('shop-postgres')).toBe('shop-postgres-[0-9]+');
    expect(cnpgVolumeClaims('shop-postgres')).toBe('shop-postgres-[0-9]+(-wal)?');
    expect(matches({ name: 'pod', op: '=~', value: cnpgInstancePods('shop-postgres') }, name)).toBe(pod);
    expect(matches({ name: 'persistentvolumeclaim', op: '=~', value: cnpgVolumeClaims('shop-postgres') }, name)).toBe(claim);
  });
});

describe('postgresBackupMetrics', () => {
  test.each<[PostgresBackupMethod, string, string]>([
    [
      PostgresBackupMethod.BARMAN_CLOUD_PLUGIN,
      'barman_cloud_cloudnative_pg_io_last_available_backup_timestamp',
      'barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp',
    ],
    [
      PostgresBackupMethod.IN_TREE_BARMAN_OBJECT_STORE,
      'cnpg_collector_last_available_backup_timestamp',
      'cnpg_collector_last_failed_backup_timestamp',
    ],
  ])('%s', (method, lastAvailable, lastFailed) => {
    expect(postgresBackupMetrics(method)).toEqual({ lastAvailable, lastFailed });
  });
});

describe('backupStaleAfterSeconds: twice the longest gap of the schedule', () => {
  test.each<[string, number]>([
    ['0 2 * * *', 2 * 86400],
    ['0 */6 * * *', 2 * 6 * 3600],
    ['0 2 * * 1-5', 2 * 3 * 86400],
  ])('%s', (schedule, seconds) => {
    expect(backupStaleAfterSeconds(schedule)).toBe(seconds);
  });
});

describe('walArchiveMaxAgeSeconds: the declared RPO, else twice archive_timeout', () => {
  test.each<[string, Duration, Duration | undefined, number]>([
    ['RPO 15 min', Duration.minutes(5), Duration.minutes(15), 900],
    ['RPO 1 min, archive_timeout 30 s', Duration.seconds(30), Duration.minutes(1), 60],
    ['no RPO', Duration.minutes(5), undefined, 600],
  ])('%s', (_name, archiveTimeout, rpo, seconds) => {
    expect(walArchiveMaxAgeSeconds({ archiveTimeout, rpo })).toBe(seconds);
  });
});
