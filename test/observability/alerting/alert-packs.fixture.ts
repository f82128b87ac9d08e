import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { AlertingRuleset, BackupSchedule, BackupTarget, HAPostgres, Probe, ReliableService, Retention, SecretStore } from '../../../lib';
import { testChart } from '../../support/synth';

export const RUNBOOKS = 'https://runbooks.example.com/homepage';
const MINIO = BackupTarget.minio({
  endpoint: 'http://minio.minio:9000',
  bucket: 'homepage-backups',
  prefix: 'postgres',
  credentials: { secretName: 'minio-credentials' },
});

/** A homepage system with an autoscaled API, a 3-instance database with plugin backups and a dump schedule, and their packs. */
export function packFixture() {
  const chart = testChart(undefined, 'homepage');
  const api = new ReliableService(chart, 'api', {
    image: 'registry.example.com/api:1.0.0',
    ports: { http: 8080 },
    resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
    probes: { readiness: Probe.http('/readyz'), liveness: Probe.http('/livez') },
    autoscaling: { minReplicas: 2, maxReplicas: 6, cpuUtilizationPercent: 70 },
    monitoring: {},
  });
  const db = new HAPostgres(chart, 'db', {
    image: 'ghcr.io/cloudnative-pg/postgresql:16.4',
    instances: 3,
    storage: { size: Size.gibibytes(10) },
    resources: { cpu: { request: Cpu.millis(250) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
    database: 'app',
    owner: 'app',
    backup: { target: MINIO, retention: '7d', schedule: '0 2 * * *' },
    backupRole: { store: SecretStore.cluster('secret-manager'), remoteKey: 'homepage/prod/postgres-backup-role' },
  });
  const dumps = new BackupSchedule(chart, 'dumps', {
    source: db.backupSource(),
    target: MINIO,
    schedule: '0 */6 * * *',
    retention: Retention.days(7),
    restoreDrill: { schedule: '0 4 * * 0' },
    resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
  });
  const ruleset = new AlertingRuleset(chart, 'symptoms', { team: 'web' });
  ruleset.addServiceAlerts(api, {
    runbookUrl: `${RUNBOOKS}/api`,
    latency: { histogram: 'http_request_duration_seconds', threshold: Duration.millis(500) },
  });
  ruleset.addPostgresAlerts(db, { runbookUrl: `${RUNBOOKS}/db`, team: 'platform' });
  ruleset.addBackupAlerts(dumps, { runbookUrl: `${RUNBOOKS}/backups` });
  return { chart, api, db, dumps, ruleset };
}
