import { k8s } from 'cdk8s-plus-28';
import { BackupTarget, SecretKeyReference } from '../backup-target';
import { BackupSource, Retention } from './props';
import { ResolvedDrill, WORK_DIR } from './spec';

/** The environment of every step. */
export function commonEnv(): k8s.EnvVar[] {
  // The root filesystem is read-only: HOME on the small /tmp, TMPDIR on the work volume, where
  // sort spills a large table's lines while a manifest is computed.
  return [
    { name: 'WORK_DIR', value: WORK_DIR },
    { name: 'HOME', value: '/tmp' },
    { name: 'TMPDIR', value: `${WORK_DIR}/tmp` },
  ];
}

/** An object store's settings and credentials; `prefix` names a second store (`OFFSITE_`). */
export function s3Env(target: BackupTarget, prefix = ''): k8s.EnvVar[] {
  const env: k8s.EnvVar[] = [
    { name: `${prefix}S3_ENDPOINT`, value: target.endpoint },
    { name: `${prefix}S3_BUCKET`, value: target.bucket },
    { name: `${prefix}S3_PREFIX`, value: target.prefix },
    { name: `${prefix}AWS_DEFAULT_REGION`, value: target.region },
  ];
  if (target.encryptionHeader) env.push({ name: `${prefix}S3_SSE`, value: target.encryptionHeader });
  if (target.kmsKeyId) env.push({ name: `${prefix}S3_SSE_KMS_KEY_ID`, value: target.kmsKeyId });
  env.push(
    secretEnv(`${prefix}AWS_ACCESS_KEY_ID`, target.accessKeyId),
    secretEnv(`${prefix}AWS_SECRET_ACCESS_KEY`, target.secretAccessKey),
  );
  // No instance-metadata probing: credentials come from the Secret only.
  if (!prefix) env.push({ name: 'AWS_EC2_METADATA_DISABLED', value: 'true' });
  return env;
}

/** The dump step's connection to the source. */
export function sourceEnv(s: BackupSource): k8s.EnvVar[] {
  if (s.engine === 'redis') {
    const env: k8s.EnvVar[] = [
      { name: 'REDIS_HOST', value: s.host },
      { name: 'REDIS_PORT', value: String(s.port) },
    ];
    if (s.sentinel) env.push({ name: 'REDIS_SENTINEL_MASTER', value: s.sentinel.masterSet });
    if (s.password) env.push(secretEnv('REDISCLI_AUTH', s.password));
    return env;
  }
  return postgresEnv(s, s.database as string);
}

/** libpq's settings for `database` on the source server. */
export function postgresEnv(s: BackupSource, database: string): k8s.EnvVar[] {
  return [
    { name: 'PGHOST', value: s.host },
    { name: 'PGPORT', value: String(s.port) },
    { name: 'PGDATABASE', value: database },
    typeof s.username === 'string' ? { name: 'PGUSER', value: s.username } : secretEnv('PGUSER', s.username as SecretKeyReference),
    secretEnv('PGPASSWORD', s.password as SecretKeyReference),
    { name: 'PGCONNECT_TIMEOUT', value: '10' },
  ];
}

/**
 * The verify step's settings: none but the check query. Both engines restore into a throwaway
 * server in the drill's own pod, so the drill has no connection settings of the source at all.
 */
export function drillEnv(s: BackupSource, drill: ResolvedDrill): k8s.EnvVar[] {
  if (s.engine === 'redis' || !drill.checkSql) return [];
  return [{ name: 'DRILL_CHECK_SQL', value: drill.checkSql }];
}

export function encryptionEnv(key: SecretKeyReference | undefined): k8s.EnvVar[] {
  return key ? [secretEnv('BACKUP_ENCRYPTION_KEY', key)] : [];
}

export function retentionEnv(retention: Retention): k8s.EnvVar {
  return { name: retention.kind === 'count' ? 'RETENTION_COUNT' : 'RETENTION_DAYS', value: String(retention.value) };
}

export function secretEnv(name: string, ref: SecretKeyReference): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } };
}
