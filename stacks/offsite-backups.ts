/**
 * Off-site backup locations: the one description of where each system's off-site backups live.
 *
 * Two consumers read it, so they can never disagree:
 * - the Pulumi program (`stacks/pulumi/`) creates each bucket, its KMS key, lifecycle and IAM
 *   identity, and writes the identity's access keys into the secret manager entry named here;
 * - the cdk8s stacks point their backups at the same place with {@link offsiteBackupTarget}, and
 *   sync the entry into the Kubernetes Secret named here with {@link offsiteBackupCredentials}.
 *
 * The tree syncs the Secret itself (a SyncedSecret in the data layer) rather than Pulumi writing it:
 * a Flux-only rollout has no Pulumi program, and its CNPG archive and backup jobs would wait forever
 * for a Secret nobody writes. Pulumi writes only the secret manager's entry, so the Kubernetes
 * Secret has exactly one producer on either delivery path.
 *
 * Encryption: the bucket encrypts every object with SSE-KMS under its own KMS key by default.
 * Uploads must therefore send no encryption header (S3 then applies the bucket default):
 * `AES256` would store the object under SSE-S3 and `aws:kms` without a key ID under the AWS
 * managed key, so the bucket policy rejects both.
 */
import { BackupTarget, Environment, PerEnvironment, SecretStore, SyncedSecret, SystemChart } from '../lib';

/** One system's off-site backup location. */
export interface OffsiteBackupLocation {
  /** The system (SystemChart `system`) whose backups these are. */
  readonly system: string;
  /** The plan's requirement, cited. */
  readonly plan: string;
  /**
   * Bucket name per environment. S3 names are global, so each carries the organisation; each
   * environment has its own bucket, so dev credentials and `pulumi destroy` on dev never reach
   * prod's backups.
   */
  readonly bucket: PerEnvironment<string>;
  /** AWS region of the bucket; the Pulumi stack's `aws:region` must be the same. */
  readonly region: string;
  /** Key prefix the system writes under (no leading or trailing slash); its IAM identity may touch nothing else. */
  readonly prefix: string;
  /** Days an object is kept after it was written (the plan's retention), per environment. */
  readonly retentionDays: PerEnvironment<number>;
  /**
   * Days an overwritten, deleted or expired object stays recoverable as a noncurrent version.
   * It is the grace after the retention: a base backup that just aged out is still there while
   * the next one ages in, and a leaked key can delete nothing for good within this window.
   */
  readonly noncurrentVersionDays: number;
  /**
   * The Secret (in the system's namespace) holding the IAM identity's access keys, synced from the
   * secret manager entry {@link offsiteCredentialsKey} (the two key names are properties of that
   * entry).
   */
  readonly credentials: {
    readonly secretName: string;
    readonly accessKeyIdKey: string;
    readonly secretAccessKeyKey: string;
  };
}

/** The region of every off-site bucket: Frankfurt, away from the clusters' site. */
export const OFFSITE_REGION = 'eu-central-1';

/** Off-site backup locations by system. */
export const OFFSITE_BACKUPS = {
  'social-backend': {
    system: 'social-backend',
    plan: 'seed 003 §4.7.12: daily full, hourly WAL, retention 30 days, encrypted (AES-256), off-site S3',
    bucket: { prod: 'lucena-cloud-social-backend-backups', dev: 'lucena-cloud-social-backend-backups-dev' },
    region: OFFSITE_REGION,
    // CNPG's Barman Cloud archive (WAL + base backups), as stacks/social-backend.ts writes it.
    prefix: 'postgres',
    // dev keeps a week, as its Barman retention does.
    retentionDays: { prod: 30, dev: 7 },
    noncurrentVersionDays: 7,
    credentials: { secretName: 'social-backend-backup-s3', accessKeyIdKey: 'access-key', secretAccessKeyKey: 'secret-key' },
  },
  listings: {
    system: 'listings',
    plan: 'seed 004 §Production Operations › Backup Schedule: S3 sync weekly (Sunday 04:00 UTC), retention 30 days',
    bucket: { prod: 'lucena-cloud-listings-offsite-backups', dev: 'lucena-cloud-listings-offsite-backups-dev' },
    region: OFFSITE_REGION,
    // The weekly copy of the in-cluster MinIO archive `listings-backups/postgres`.
    prefix: 'postgres',
    retentionDays: { prod: 30, dev: 30 },
    noncurrentVersionDays: 7,
    credentials: { secretName: 'listings-offsite-backup-s3', accessKeyIdKey: 'access-key', secretAccessKeyKey: 'secret-key' },
  },
} as const satisfies Record<string, OffsiteBackupLocation>;

/** A system with an off-site backup location. */
export type OffsiteSystem = keyof typeof OFFSITE_BACKUPS;

/** The off-site location of `system` resolved for one environment. */
export interface ResolvedOffsiteBackup {
  readonly system: string;
  readonly environment: Environment;
  readonly bucket: string;
  readonly region: string;
  readonly prefix: string;
  readonly retentionDays: number;
  readonly noncurrentVersionDays: number;
  readonly credentials: OffsiteBackupLocation['credentials'];
  /** The secret manager entry Pulumi writes the access keys to and the tree syncs them from. */
  readonly credentialsKey: string;
}

/**
 * The secret manager entry of `system`'s off-site credentials in `environment`: under the system's
 * `<system>/<env>/` path, as every other entry the stacks sync, so dev never reads prod's keys.
 */
export function offsiteCredentialsKey(system: string, environment: Environment): string {
  return `${system}/${environment.name}/offsite-backup`;
}

/** Whether `system` has an off-site backup location. */
export function hasOffsiteBackup(system: string): system is OffsiteSystem {
  return Object.prototype.hasOwnProperty.call(OFFSITE_BACKUPS, system);
}

/** The off-site location of `system` in `environment`; throws naming the known systems otherwise. */
export function offsiteBackup(system: string, environment: Environment): ResolvedOffsiteBackup {
  if (!hasOffsiteBackup(system)) {
    throw new Error(
      `'${system}' has no off-site backup location — add it to OFFSITE_BACKUPS in stacks/offsite-backups.ts (known: ${Object.keys(OFFSITE_BACKUPS).join(', ')})`,
    );
  }
  const location: OffsiteBackupLocation = OFFSITE_BACKUPS[system];
  return {
    system,
    environment,
    bucket: environment.pick(location.bucket),
    region: location.region,
    prefix: location.prefix,
    retentionDays: environment.pick(location.retentionDays),
    noncurrentVersionDays: location.noncurrentVersionDays,
    credentials: location.credentials,
    credentialsKey: offsiteCredentialsKey(system, environment),
  };
}

/**
 * The SyncedSecret of `system`'s off-site backup credentials, in `chart` (so, with the data layer:
 * the CNPG archive reads it). Its name and keys are the location's, its source the entry the
 * Pulumi program writes.
 */
export function offsiteBackupCredentials(chart: SystemChart, store: SecretStore): SyncedSecret {
  const location = offsiteBackup(chart.system, chart.environment);
  const { secretName, accessKeyIdKey, secretAccessKeyKey } = location.credentials;
  return new SyncedSecret(chart, 'offsite-backup-credentials', {
    store,
    secretName,
    keys: SyncedSecret.propertiesOf(location.credentialsKey, accessKeyIdKey, secretAccessKeyKey),
  });
}

/**
 * The BackupTarget of `system`'s off-site location in `environment`, for the cdk8s stacks.
 * Its `encryption` is AES256 (BackupTarget.s3's default), which the bucket policy rejects, as it
 * rejects `aws:kms` without this bucket's key ARN: give the backup tool no encryption header
 * (e.g. HAPostgres `backup.encryption: 'none'`), so the bucket's SSE-KMS default applies.
 */
export function offsiteBackupTarget(system: string, environment: Environment): BackupTarget {
  const location = offsiteBackup(system, environment);
  // The bucket encrypts with its own KMS key and its policy rejects any other encryption header,
  // so clients send none.
  return BackupTarget.s3({
    bucket: location.bucket,
    prefix: location.prefix,
    region: location.region,
    credentials: location.credentials,
    encryption: 'bucket-default',
  });
}
