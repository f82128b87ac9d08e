import { PriorityClass } from '../../core/priority-class';
import { Duration, Size } from 'cdk8s';
import { ContainerResources, k8s } from 'cdk8s-plus-28';
import { BackupTarget, SecretKeyReference } from '../backup-target';
import { StorageClass } from '../../core/storage-class';
import { BackupSource, Retention } from './props';

export const WORK_DIR = '/work';
export const SCRIPTS_DIR = '/scripts';

/** Job settings with defaults applied. */
export interface ResolvedJobs {
  readonly backoffLimit: number;
  readonly activeDeadline: Duration;
  readonly startingDeadline: Duration;
  readonly successfulJobsHistoryLimit: number;
  readonly failedJobsHistoryLimit: number;
  readonly ttlAfterFinished: Duration | undefined;
}

/** Restore drill settings (PostgreSQL only; a Redis drill has none). */
export interface ResolvedDrill {
  readonly checkSql?: string;
}

/** The off-site copy, resolved. */
export interface ResolvedOffsite {
  /** The second target, below `<environment>/<name>`. */
  readonly target: BackupTarget;
  readonly jobName: string;
  readonly schedule: string;
  readonly egress: k8s.NetworkPolicyEgressRule;
}

/** Everything the Kubernetes objects of a BackupSchedule are rendered from, defaults applied. */
export interface BackupSpec {
  /** `<system>-<id>`. */
  readonly name: string;
  readonly namespace: string;
  readonly system: string;
  /** The construct id: jobs are the components `<id>-<job>`. */
  readonly id: string;
  readonly environment: string;
  /** app.kubernetes.io/version (the source image's tag). */
  readonly version: string;
  readonly source: BackupSource;
  /** The backup target, below `<environment>/<name>`. */
  readonly target: BackupTarget;
  readonly backupJobName: string;
  readonly restoreDrillJobName: string;
  readonly scriptsConfigMapName: string;
  readonly schedule: string;
  readonly restoreDrillSchedule: string;
  readonly timeZone: string;
  /** Every job's PriorityClass. */
  readonly priorityClass: PriorityClass;
  readonly retention: Retention;
  readonly encryptionKey: SecretKeyReference | undefined;
  readonly awsCliImage: string;
  readonly drill: ResolvedDrill;
  readonly jobs: ResolvedJobs;
  readonly resources: ContainerResources;
  /** Each job's work volume (a generic ephemeral volume claim). */
  readonly workDirSize: Size;
  readonly workStorageClass: StorageClass | undefined;
  /** Egress to the source server. */
  readonly sourceEgress: k8s.NetworkPolicyEgressRule;
  /** Egress to the backup target's endpoint. */
  readonly targetEgress: k8s.NetworkPolicyEgressRule;
  readonly offsite: ResolvedOffsite | undefined;
}
