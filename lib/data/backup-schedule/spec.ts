import { PriorityClass } from '../../core/priority-class';
import { Duration, Size } from 'cdk8s';
import { ContainerResources, k8s } from 'cdk8s-plus-28';
import { BackupTarget, SecretKeyReference } from '../backup-target';
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

/** Restore drill settings with defaults applied (the PostgreSQL ones are unused for Redis). */
export interface ResolvedDrill {
  readonly scratchDatabase: string;
  readonly maintenanceDatabase: string;
  readonly keepScratchDatabase: boolean;
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
  readonly workDirSize: Size;
  /** Egress to the source server. */
  readonly sourceEgress: k8s.NetworkPolicyEgressRule;
  /** Egress to the backup target's endpoint. */
  readonly targetEgress: k8s.NetworkPolicyEgressRule;
  readonly offsite: ResolvedOffsite | undefined;
}
