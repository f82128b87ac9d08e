import { PriorityClass } from '../../core/priority-class';
import { polarisExemptionFacts, WORKLOAD_EXEMPTIONS } from '../../core/polaris-exemption';
import { Size } from 'cdk8s';
import { StorageClass } from '../../core/storage-class';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { BackupTarget } from '../backup-target';
import { isDnsLabel, resourceName } from '../../core/conventions';
import { Environment } from '../../core/environment';
import { imagePinningProblem } from '../../core/image';
import { NetworkPeer } from '../../core/network-peer';
import { checkResources } from '../../core/resources';
import { Violations } from '../../core/validation';
import { SystemChart } from '../../core/system-chart';
import { backupScripts, cronJobProps, jobLabels, jobNetworkPolicyProps, jobSelector, jobSpecs } from './jobs';
import { BackupScheduleProps, BackupSource, Retention, RestoreDrillProps } from './props';
import {
  checkSecretKey,
  resolveDrill,
  resolveJobs,
  resolveSchedule,
  resolveWorkDirSize,
  sourceEgress,
  storageEgress,
  validateSource,
} from './resolve';
import { BackupSpec } from './spec';
import { Images } from '../../core/images';
import { IReliabilityFacts, ReliabilityFacts } from '../../core/reliability-facts';

const MAX_CRONJOB_NAME = 52;

/**
 * Logical backups of a PostgreSQL database (pg_dump) or a Redis server (RDB snapshot) as CronJobs:
 * - `<system>-<id>-backup`: dump and write a manifest (per-table row counts and content checksums
 *   computed from the dump) → optional client-side encryption → SHA256SUMS → upload → retention;
 * - `<system>-<id>-restore-drill`: fetch the newest complete backup → verify its checksums →
 *   restore it into a throwaway server started inside the drill's own pod → compare with the
 *   manifest; exits non-zero on any difference. It never connects to the source server (its
 *   NetworkPolicy reaches the object store only);
 * - `<system>-<id>-offsite-sync` (optional): copy complete backups to a second target.
 *
 * The scripts live in one ConfigMap (`<system>-<id>-backup-scripts`), mounted read-only: the YAML
 * stays readable and reviewable as shell, and the tests run exactly that text. Each step is its
 * own container (init containers run in order), so the database image needs no AWS CLI and the
 * AWS CLI image no database tools, and `kubectl logs -c <step>` shows one step's output.
 */
export class BackupSchedule extends Construct implements IReliabilityFacts {
  /** `<system>-<id>`: the prefix of every object name. */
  public readonly name: string;
  /** The system chart. */
  public readonly chart: SystemChart;
  /** The namespace. */
  public readonly namespace: string;
  /** The environment. */
  public readonly environment: Environment;
  /** What is backed up. */
  public readonly source: BackupSource;
  /** Where backups are stored (the given target below `<environment>/<name>`). */
  public readonly target: BackupTarget;
  /** The off-site copy's target (below `<environment>/<name>`), if any. */
  public readonly offsiteTarget: BackupTarget | undefined;
  /** The backup CronJob's name. */
  public readonly backupJobName: string;
  /** The restore drill CronJob's name. */
  public readonly restoreDrillJobName: string;
  /** The off-site copy CronJob's name, if any. */
  public readonly offsiteJobName: string | undefined;
  /** The ConfigMap holding the scripts. */
  public readonly scriptsConfigMapName: string;
  /** The backup schedule as a 5-field cron expression. */
  public readonly schedule: string;
  /** The restore drill's schedule (5-field). */
  public readonly restoreDrillSchedule: string;
  /** The off-site copy's schedule (5-field), if any. */
  public readonly offsiteSchedule: string | undefined;
  /** The time zone of every schedule. */
  public readonly timeZone: string;
  /** Its CronJobs' names (backup, restore drill, off-site copy). */
  public readonly cronJobNames: readonly string[];
  /** How many backups are kept. */
  public readonly retention: Retention;
  /** Whether backups are encrypted client-side. */
  public readonly encrypted: boolean;
  /** The AWS CLI image. */
  public readonly awsCliImage: string;
  /** app.kubernetes.io/version of every object (the source image's tag). */
  public readonly version: string;
  /** Each job's work volume. */
  public readonly workDirSize: Size;
  /** The work volumes' StorageClass, if not the cluster's default. */
  public readonly workStorageClass: StorageClass | undefined;

  constructor(scope: Construct, id: string, props: BackupScheduleProps) {
    super(scope, id);
    this.chart = SystemChart.of(this);
    this.namespace = this.chart.namespaceName;
    this.environment = this.chart.environment;
    this.name = resourceName(this.chart.system, id);
    this.source = props.source;
    const v = new Violations(this);

    this.backupJobName = `${this.name}-backup`;
    this.restoreDrillJobName = `${this.name}-restore-drill`;
    this.offsiteJobName = props.offsite ? `${this.name}-offsite-sync` : undefined;
    this.scriptsConfigMapName = `${this.name}-backup-scripts`;
    const longest =
      this.offsiteJobName && this.offsiteJobName.length > this.restoreDrillJobName.length ? this.offsiteJobName : this.restoreDrillJobName;
    v.check(
      !isDnsLabel(id) || !isDnsLabel(longest, MAX_CRONJOB_NAME),
      'id',
      id,
      `gives the CronJob name '${longest}', which is not a DNS label of at most ${MAX_CRONJOB_NAME} characters (Kubernetes appends a suffix to job names)`,
      'use a short lowercase id of letters, digits and dashes',
    );

    this.schedule = resolveSchedule(v, 'schedule', props.schedule);
    this.restoreDrillSchedule = resolveSchedule(v, 'restoreDrill.schedule', props.restoreDrill?.schedule);
    this.offsiteSchedule = props.offsite ? resolveSchedule(v, 'offsite.schedule', props.offsite.schedule) : undefined;
    this.timeZone = props.timeZone ?? 'Etc/UTC';
    v.check(
      !/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(this.timeZone),
      'timeZone',
      this.timeZone,
      'is not an IANA time zone name',
      "use e.g. 'Etc/UTC' or 'Europe/Berlin'",
    );

    this.retention = props.retention ?? Retention.count(7);
    v.check(
      !Number.isInteger(this.retention.value) || this.retention.value < 1,
      'retention',
      this.retention.toString(),
      'keeps no backup',
      this.retention.kind === 'count' ? 'keep at least 1 (the newest is never deleted anyway)' : 'keep at least 1 day',
    );

    const encryptionKey = props.encryption?.key;
    this.encrypted = encryptionKey !== undefined;
    if (encryptionKey) checkSecretKey(v, 'encryption.key', encryptionKey);

    this.awsCliImage = props.awsCliImage ?? Images.AWS_CLI;
    this.version = validateSource(v, props.source);
    const awsPinning = imagePinningProblem(this.awsCliImage);
    if (awsPinning) v.add('awsCliImage', this.awsCliImage, ...awsPinning);

    this.target = props.target.withPrefix(`${this.environment.name}/${this.name}`);
    for (const [prop, value, problem, fix] of props.target.problems()) v.add(prop.replace(/^backupTarget/, 'target'), value, problem, fix);
    this.offsiteTarget = props.offsite?.target.withPrefix(`${this.environment.name}/${this.name}`);
    if (props.offsite) {
      for (const [prop, value, problem, fix] of props.offsite.target.problems())
        v.add(prop.replace(/^backupTarget/, 'offsite.target'), value, problem, fix);
      const t = this.offsiteTarget as BackupTarget;
      v.check(
        t.endpoint === this.target.endpoint && t.bucket === this.target.bucket && t.prefix === this.target.prefix,
        'offsite.target',
        t.toString(),
        'is the backup target itself, so the copy protects against nothing',
        'use a bucket in another location (another provider or region)',
      );
    }

    const drill = resolveDrill(v, props.source, props.restoreDrill ?? ({} as RestoreDrillProps));
    const jobs = resolveJobs(v, props.jobs ?? {});
    checkResources(v, props.resources);
    this.workDirSize = resolveWorkDirSize(v, props.source, props.workDirSize);
    this.workStorageClass = props.workStorageClass;

    const targetEgress = storageEgress(v, 'targetPeer', props.target, props.targetPeer);
    const offsiteEgress = props.offsite
      ? storageEgress(v, 'offsite.targetPeer', props.offsite.target, props.offsite.targetPeer)
      : undefined;

    v.throwIfAny();

    const spec: BackupSpec = {
      name: this.name,
      namespace: this.namespace,
      system: this.chart.system,
      id,
      environment: this.environment.name,
      version: this.version,
      source: this.source,
      target: this.target,
      backupJobName: this.backupJobName,
      restoreDrillJobName: this.restoreDrillJobName,
      scriptsConfigMapName: this.scriptsConfigMapName,
      schedule: this.schedule,
      restoreDrillSchedule: this.restoreDrillSchedule,
      timeZone: this.timeZone,
      priorityClass: props.priorityClass ?? PriorityClass.BATCH,
      retention: this.retention,
      encryptionKey,
      awsCliImage: this.awsCliImage,
      drill,
      jobs,
      resources: props.resources,
      workDirSize: this.workDirSize,
      workStorageClass: this.workStorageClass,
      sourceEgress: sourceEgress(this.source, this.namespace),
      targetEgress,
      offsite:
        this.offsiteTarget && this.offsiteJobName && this.offsiteSchedule !== undefined && offsiteEgress
          ? { target: this.offsiteTarget, jobName: this.offsiteJobName, schedule: this.offsiteSchedule, egress: offsiteEgress }
          : undefined,
    };

    const backupLabels = jobLabels(spec, 'backup');
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.backupJobName, namespace: this.namespace, labels: backupLabels },
      automountServiceAccountToken: false,
    });
    new k8s.KubeConfigMap(this, 'Scripts', {
      metadata: { name: this.scriptsConfigMapName, namespace: this.namespace, labels: backupLabels },
      data: backupScripts(spec),
    });

    this.cronJobNames = jobSpecs(spec).map((j) => j.name);
    for (const job of jobSpecs(spec)) {
      // A job that reaches the source asks the server to admit it (both sides of the connection).
      if (this.source.server && job.reachesSource) {
        this.source.server.admitBackupJob(NetworkPeer.podsInNamespace(this.namespace, jobSelector(spec, job.job)));
      }
      new k8s.KubeCronJob(this, `${job.job}-CronJob`, cronJobProps(spec, job));
      new k8s.KubeNetworkPolicy(this, `${job.job}-NetworkPolicy`, jobNetworkPolicyProps(spec, job));
    }
  }

  /** Schedule, retention, encryption, drill and off-site copy, for the reliability report. */
  public reliabilityFacts(): ReliabilityFacts {
    return {
      backups: [
        {
          name: this.name,
          source: String(this.source),
          schedule: this.schedule,
          timeZone: this.timeZone,
          retention: String(this.retention),
          encrypted: this.encrypted,
          restoreDrillSchedule: this.restoreDrillSchedule,
          offsite: this.offsiteTarget ? { target: String(this.offsiteTarget), schedule: String(this.offsiteSchedule) } : undefined,
        },
      ],
      restoreDrills:
        this.source.engine === 'postgres' && this.source.server
          ? [
              {
                database: this.source.server.name,
                kind: 'logical',
                name: this.restoreDrillJobName,
                schedule: this.restoreDrillSchedule,
                timeZone: this.timeZone,
              },
            ]
          : undefined,
      policyExemptions: this.cronJobNames.flatMap((n) => polarisExemptionFacts(`CronJob ${n}`, WORKLOAD_EXEMPTIONS)),
    };
  }
}
