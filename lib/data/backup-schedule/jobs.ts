import { polarisAnnotations, WORKLOAD_EXEMPTIONS } from '../../core/polaris-exemption';
import { k8s } from 'cdk8s-plus-28';
import {
  fetchScript,
  offsiteSyncScript,
  postgresDumpScript,
  postgresVerifyScript,
  pruneScript,
  redisDumpScript,
  redisVerifyScript,
  uploadScript,
} from '../backup-scripts';
import { recommendedLabels, selectorLabels } from '../../core/conventions';
import { dnsEgressRule } from '../../core/network';
import { renderResources } from '../../core/resources';
import { DEFAULT_UID, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../core/security';
import { wholeSeconds } from '../../core/units';
import { commonEnv, drillEnv, encryptionEnv, retentionEnv, s3Env, sourceEnv } from './env';
import { BackupSpec, SCRIPTS_DIR, WORK_DIR } from './spec';

/** One container of a job: which image, which script, which environment. */
export interface JobStep {
  readonly name: string;
  readonly image: string;
  readonly script: string;
  readonly env: k8s.EnvVar[];
}

/** A CronJob: `backup`, `restore-drill` or `offsite-sync`. */
export interface JobSpec {
  /** The job's short name (its component is `<id>-<job>`). */
  readonly job: string;
  /** The CronJob's name. */
  readonly name: string;
  readonly schedule: string;
  /** Steps in order: init containers, then the last as the pod's container. */
  readonly steps: JobStep[];
  /** Whether the job connects to the source server (which must then admit it). */
  readonly reachesSource: boolean;
  /** The UID (and GID) the pod runs as: the image's postgres user for a PostgreSQL drill. */
  readonly uid: number;
  readonly egress: k8s.NetworkPolicyEgressRule[];
}

/** The CronJobs: backup, restore drill, and the off-site copy when there is one. */
export function jobSpecs(spec: BackupSpec): JobSpec[] {
  const { source, target, awsCliImage: aws } = spec;
  const postgres = source.engine === 'postgres';
  const jobs: JobSpec[] = [
    {
      job: 'backup',
      name: spec.backupJobName,
      schedule: spec.schedule,
      steps: [
        { name: 'dump', image: source.image, script: 'dump.sh', env: [...sourceEnv(source), ...encryptionEnv(spec.encryptionKey)] },
        { name: 'upload', image: aws, script: 'upload.sh', env: s3Env(target) },
        { name: 'prune', image: aws, script: 'prune.sh', env: [...s3Env(target), retentionEnv(spec.retention)] },
      ],
      reachesSource: true,
      uid: DEFAULT_UID,
      egress: [spec.sourceEgress, spec.targetEgress],
    },
    {
      job: 'restore-drill',
      name: spec.restoreDrillJobName,
      schedule: spec.restoreDrillSchedule,
      steps: [
        { name: 'fetch', image: aws, script: 'fetch.sh', env: s3Env(target) },
        {
          name: 'verify',
          image: source.image,
          script: 'verify.sh',
          env: [...drillEnv(source, spec.drill), ...encryptionEnv(spec.encryptionKey)],
        },
      ],
      // Both restore into a throwaway server inside the pod: the drill reaches the object store only.
      reachesSource: false,
      // Every step as the postgres user, so the server can read what the fetch step wrote.
      uid: postgres ? (source.serverUid as number) : DEFAULT_UID,
      egress: [spec.targetEgress],
    },
  ];
  if (spec.offsite) {
    jobs.push({
      job: 'offsite-sync',
      name: spec.offsite.jobName,
      schedule: spec.offsite.schedule,
      steps: [{ name: 'sync', image: aws, script: 'offsite-sync.sh', env: [...s3Env(target), ...s3Env(spec.offsite.target, 'OFFSITE_')] }],
      reachesSource: false,
      uid: DEFAULT_UID,
      egress: [spec.targetEgress, spec.offsite.egress],
    });
  }
  return jobs;
}

/** The scripts ConfigMap's data: one script per step. */
export function backupScripts(spec: Pick<BackupSpec, 'source' | 'encryptionKey' | 'offsite'>): Record<string, string> {
  const postgres = spec.source.engine === 'postgres';
  const encrypted = spec.encryptionKey !== undefined;
  const scripts: Record<string, string> = {
    'dump.sh': postgres ? postgresDumpScript(encrypted) : redisDumpScript(encrypted),
    'upload.sh': uploadScript(),
    'prune.sh': pruneScript(),
    'fetch.sh': fetchScript(),
    'verify.sh': postgres ? postgresVerifyScript(encrypted) : redisVerifyScript(encrypted),
  };
  if (spec.offsite) scripts['offsite-sync.sh'] = offsiteSyncScript();
  return scripts;
}

export function jobLabels(spec: BackupSpec, job: string): Record<string, string> {
  return recommendedLabels({ system: spec.system, component: `${spec.id}-${job}`, environment: spec.environment, version: spec.version });
}

export function jobSelector(spec: BackupSpec, job: string): Record<string, string> {
  return selectorLabels({ system: spec.system, component: `${spec.id}-${job}`, environment: spec.environment });
}

/** A step's container: the script from the ConfigMap, on a read-only root with the work volume and /tmp writable. */
export function jobContainer(spec: BackupSpec, step: JobStep): k8s.Container {
  return {
    name: step.name,
    image: step.image,
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/sh', `${SCRIPTS_DIR}/${step.script}`],
    env: [...commonEnv(), ...step.env],
    resources: renderResources(spec.resources),
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [
      { name: 'work', mountPath: WORK_DIR },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'scripts', mountPath: SCRIPTS_DIR, readOnly: true },
    ],
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
}

export function jobPodSpec(spec: BackupSpec, job: JobSpec): k8s.PodSpec {
  // Steps run in order as init containers; the last is the pod's one container.
  const init = job.steps.slice(0, -1).map((s) => jobContainer(spec, s));
  return {
    serviceAccountName: spec.backupJobName,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    priorityClassName: spec.priorityClass.name,
    // A failed pod is retried as a new pod (backoffLimit), keeping the failed one's logs.
    restartPolicy: 'Never',
    securityContext: restrictedPodSecurityContext({ runAsUser: job.uid, runAsGroup: job.uid, fsGroup: job.uid }),
    initContainers: init.length > 0 ? init : undefined,
    containers: [jobContainer(spec, job.steps[job.steps.length - 1])],
    volumes: [
      // A claim, not an emptyDir: a dump and its restore grow with the database (hundreds of GiB
      // for the largest), which a node's ephemeral storage cannot be counted on to hold. Created
      // with the pod and deleted with it.
      {
        name: 'work',
        ephemeral: {
          volumeClaimTemplate: {
            metadata: { labels: jobLabels(spec, job.job) },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: spec.workStorageClass?.name,
              resources: { requests: { storage: k8s.Quantity.fromString(spec.workDirSize.asString()) } },
            },
          },
        },
      },
      // HOME only (the AWS CLI's and psql's files); temporary data goes to the work volume.
      { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
      { name: 'scripts', configMap: { name: spec.scriptsConfigMapName, defaultMode: 0o444 } },
    ],
  };
}

export function cronJobProps(spec: BackupSpec, job: JobSpec): k8s.KubeCronJobProps {
  const labels = jobLabels(spec, job.job);
  return {
    // Reliakit's house rules (lib/core/polaris-exemption.ts).
    metadata: { name: job.name, namespace: spec.namespace, labels, annotations: polarisAnnotations(WORKLOAD_EXEMPTIONS) },
    spec: {
      schedule: job.schedule,
      timeZone: spec.timeZone,
      // Two dumps at once double the load, and two prunes could race over the same sets.
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: wholeSeconds(spec.jobs.startingDeadline),
      successfulJobsHistoryLimit: spec.jobs.successfulJobsHistoryLimit,
      failedJobsHistoryLimit: spec.jobs.failedJobsHistoryLimit,
      jobTemplate: {
        metadata: { labels },
        spec: {
          backoffLimit: spec.jobs.backoffLimit,
          activeDeadlineSeconds: wholeSeconds(spec.jobs.activeDeadline),
          ttlSecondsAfterFinished: spec.jobs.ttlAfterFinished ? wholeSeconds(spec.jobs.ttlAfterFinished) : undefined,
          template: { metadata: { labels }, spec: jobPodSpec(spec, job) },
        },
      },
    },
  };
}

export function jobNetworkPolicyProps(spec: BackupSpec, job: JobSpec): k8s.KubeNetworkPolicyProps {
  return {
    metadata: { name: job.name, namespace: spec.namespace, labels: jobLabels(spec, job.job) },
    spec: {
      podSelector: { matchLabels: jobSelector(spec, job.job) },
      // Nothing connects to a backup job; it reaches DNS, its database and its object stores only.
      policyTypes: ['Ingress', 'Egress'],
      egress: [dnsEgressRule(), ...job.egress],
    },
  };
}
