import { PriorityClass } from '../../../lib/core/priority-class';
import { Duration, Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-28';
import { BackupSource, Retention } from '../../../lib/data/backup-schedule/props';
import { BackupSpec } from '../../../lib/data/backup-schedule/spec';
import { BackupTarget } from '../../../lib/data/backup-target';
import { StorageClass } from '../../../lib/core/storage-class';

/** Resolved specs shared by the render-function tables. */
export const PG_SOURCE = BackupSource.postgres({
  host: 'shop-db-rw.shop.svc',
  database: 'app',
  username: { name: 'shop-db-app', key: 'username' },
  password: { name: 'shop-db-app', key: 'password' },
  image: 'postgres:16.4-bookworm',
  declaredSize: Size.gibibytes(10),
});
export const REDIS_SOURCE = BackupSource.redis({
  host: 'shop-cache-2.shop-cache-headless.shop.svc',
  password: { name: 'cache-auth', key: 'password' },
  image: 'redis:7.2.5-bookworm',
});
export const TARGET = BackupTarget.minio({
  endpoint: 'http://minio.minio:9000',
  bucket: 'backups',
  credentials: { secretName: 'minio-credentials' },
}).withPrefix('prod/shop-db');
export const OFFSITE = BackupTarget.s3({
  bucket: 'offsite-backups',
  region: 'eu-central-1',
  encryption: 'aws:kms',
  kmsKeyId: 'alias/backups',
  credentials: { secretName: 'aws-backup' },
}).withPrefix('prod/shop-db');

const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
export const SOURCE_EGRESS: k8s.NetworkPolicyEgressRule = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }],
  ports: [tcp(5432)],
};
export const TARGET_EGRESS: k8s.NetworkPolicyEgressRule = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } }],
  ports: [tcp(9000)],
};
export const OFFSITE_EGRESS: k8s.NetworkPolicyEgressRule = { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [tcp(443)] };

export const SPEC: BackupSpec = {
  name: 'shop-db',
  namespace: 'shop',
  system: 'shop',
  id: 'db',
  environment: 'prod',
  version: '16.4-bookworm',
  source: PG_SOURCE,
  target: TARGET,
  backupJobName: 'shop-db-backup',
  restoreDrillJobName: 'shop-db-restore-drill',
  scriptsConfigMapName: 'shop-db-backup-scripts',
  schedule: '0 2 * * *',
  restoreDrillSchedule: '0 3 * * *',
  timeZone: 'Etc/UTC',
  priorityClass: PriorityClass.BATCH,
  retention: Retention.count(7),
  encryptionKey: undefined,
  awsCliImage: 'amazon/aws-cli:2.17.50',
  drill: {},
  jobs: {
    backoffLimit: 2,
    activeDeadline: Duration.hours(2),
    startingDeadline: Duration.minutes(30),
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 3,
    ttlAfterFinished: undefined,
  },
  resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
  workDirSize: Size.gibibytes(30),
  workStorageClass: undefined,
  sourceEgress: SOURCE_EGRESS,
  targetEgress: TARGET_EGRESS,
  offsite: undefined,
};

/** Client-side encryption, an off-site copy, retention by age, a drill check, and a TTL. */
export const ENCRYPTED_OFFSITE: BackupSpec = {
  ...SPEC,
  timeZone: 'Europe/Berlin',
  retention: Retention.days(14),
  encryptionKey: { name: 'backup-key', key: 'passphrase' },
  drill: { checkSql: 'SELECT count(*) > 0 FROM users' },
  jobs: { ...SPEC.jobs, backoffLimit: 0, activeDeadline: Duration.minutes(30), ttlAfterFinished: Duration.days(3) },
  workDirSize: Size.gibibytes(2),
  workStorageClass: StorageClass.named('fast'),
  offsite: { target: OFFSITE, jobName: 'shop-db-offsite-sync', schedule: '0 4 * * 0', egress: OFFSITE_EGRESS },
};

/** A Redis source: the drill restores in the pod, so it never reaches the server. */
export const REDIS: BackupSpec = {
  ...SPEC,
  name: 'shop-cache',
  id: 'cache',
  version: '7.2.5-bookworm',
  source: REDIS_SOURCE,
  backupJobName: 'shop-cache-backup',
  restoreDrillJobName: 'shop-cache-restore-drill',
  scriptsConfigMapName: 'shop-cache-backup-scripts',
  sourceEgress: { ...SOURCE_EGRESS, ports: [tcp(6379)] },
};
