import { Duration } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-28';
import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { Cluster } from '../../../imports/cnpg-cluster-postgresql.cnpg.io';
import { isDnsLabel, recommendedLabels, resourceName, selectorLabels } from '../../core/conventions';
import { checkCron } from '../../core/cron';
import { Environment } from '../../core/environment';
import { imagePinningProblem } from '../../core/image';
import { Images } from '../../core/images';
import { KubeJson } from '../../core/json';
import { IReliabilityFacts, ReliabilityFacts } from '../../core/reliability-facts';
import { checkResources } from '../../core/resources';
import { SystemChart } from '../../core/system-chart';
import { goDuration, wholeSeconds } from '../../core/units';
import { Violations } from '../../core/validation';
import { RestoreDrillRecords } from '../../core/conventions';
import { PolarisExemption, polarisExemptionFacts } from '../../core/polaris-exemption';
import {
  DRILL_CRONJOB_EXEMPTIONS,
  drillConfigMapProps,
  drillCronJobProps,
  drillNetworkPolicyProps,
  drillRoleBindingProps,
  drillRoleProps,
} from './objects';
import { PostgresRestoreDrillProps } from './props';
import { RestoreDrillSpec } from './spec';
import type { HAPostgres } from '../ha-postgres/ha-postgres';

const TABLE = /^([a-z_][a-z0-9_]{0,62}\.)?[a-z_][a-z0-9_]{0,62}$/;
const MAX_CRONJOB_NAME = 52;

/**
 * A physical restore drill of an HAPostgres: on its schedule a CronJob creates a throwaway
 * one-instance Cluster `<database>-drill` bootstrapped by recovery from the database's Barman Cloud
 * ObjectStore (its newest base backup, then every archived WAL segment), waits until it is Ready —
 * at most `timeout` —, counts the named tables in it, and deletes it again, always. It never
 * touches the production cluster: it only reads the object store, through the operator.
 *
 * The Jobs' durations (kube-state-metrics) are the measured RTO, alerted against the plan's by
 * the RestoreDrillAlertPack: the time from the drill's start to a recovered, checked database.
 */
export class PostgresRestoreDrill extends Construct implements IReliabilityFacts {
  /** `<system>-<id>`: the CronJob and its objects. */
  public readonly name: string;
  /** The namespace. */
  public readonly namespace: string;
  /** The environment. */
  public readonly environment: Environment;
  /** The drilled database. */
  public readonly database: HAPostgres;
  /** The throwaway Cluster's name, `<database>-drill`. */
  public readonly drillClusterName: string;
  /** The schedule (5-field). */
  public readonly schedule: string;
  /** The time zone of the schedule. */
  public readonly timeZone: string;
  /** The plan's RTO. */
  public readonly rto: Duration;
  /** How long the drill waits for Ready. */
  public readonly timeout: Duration;
  /** The tables counted (empty: every table of the database). */
  public readonly tables: readonly string[];

  constructor(scope: Construct, id: string, props: PostgresRestoreDrillProps) {
    super(scope, id);
    const chart = SystemChart.of(this);
    this.namespace = chart.namespaceName;
    this.environment = chart.environment;
    this.name = resourceName(chart.system, id);
    this.database = props.database;
    this.drillClusterName = `${props.database.name}-drill`;
    this.rto = props.rto;
    this.timeout = props.timeout ?? Duration.seconds(2 * Math.round(props.rto.toSeconds()));
    this.tables = [...(props.tables ?? [])];
    this.timeZone = props.timeZone ?? 'Etc/UTC';
    const image = props.kubectlImage ?? Images.KUBECTL;
    const resources = props.resources ?? {
      cpu: { request: Cpu.millis(50) },
      memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
    };
    const v = new Violations(this);
    v.check(
      !isDnsLabel(id) || !isDnsLabel(this.name, MAX_CRONJOB_NAME),
      'id',
      id,
      `gives the CronJob name '${this.name}', which is not a DNS label of at most ${MAX_CRONJOB_NAME} characters`,
      'use a short lowercase id',
    );
    v.check(
      props.database.namespace !== this.namespace || props.database.environment !== this.environment,
      'database',
      props.database.node.path,
      `is in namespace ${props.database.namespace} (${props.database.environment.name}), not ${this.namespace} (${this.environment.name})`,
      "drill a database of the drill's own system and environment",
    );
    v.check(
      props.database.objectStoreName === undefined,
      'database',
      props.database.node.path,
      'has no Barman Cloud ObjectStore to recover from',
      'give it continuous backup (backup, method PostgresBackupMethod.BARMAN_CLOUD_PLUGIN)',
    );
    const cron = checkCron(props.schedule);
    if (cron.error !== undefined)
      v.add(
        'schedule',
        typeof props.schedule === 'string' ? props.schedule : props.schedule.expressionString,
        cron.error,
        "use 5 fields, e.g. '0 5 * * 0'",
      );
    this.schedule = cron.expression ?? '';
    for (const [prop, d] of [
      ['rto', this.rto],
      ['timeout', this.timeout],
    ] as const) {
      const s = wholeSeconds(d);
      v.check(s === undefined || s < 60, prop, goDuration(d), 'is not whole seconds of at least a minute', 'use e.g. Duration.minutes(30)');
    }
    v.check(
      wholeSeconds(this.timeout) !== undefined && this.timeout.toSeconds() < this.rto.toSeconds(),
      'timeout',
      goDuration(this.timeout),
      `is shorter than the RTO (${goDuration(this.rto)}), so a restore slower than the plan allows would only show as a failed drill, never measured`,
      'leave it unset (twice the RTO) or make it longer than the RTO',
    );
    v.check(
      props.tables !== undefined && this.tables.length === 0,
      'tables',
      '[]',
      'is empty',
      "name the tables to count in the recovered database, e.g. ['users'], or leave it unset for every table",
    );
    for (const t of this.tables) {
      v.check(!TABLE.test(t), 'tables', t, 'is not a plain lowercase table name', "write 'table' or 'schema.table'");
    }
    v.check(
      !/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(this.timeZone),
      'timeZone',
      this.timeZone,
      'is not an IANA time zone name',
      "use e.g. 'Etc/UTC'",
    );
    const pinning = imagePinningProblem(image);
    if (pinning) v.add('kubectlImage', image, ...pinning);
    checkResources(v, resources);
    v.throwIfAny();

    const identity = {
      system: chart.system,
      component: id,
      environment: this.environment.name,
      version: props.database.majorVersion ? String(props.database.majorVersion) : undefined,
    };
    const labels = recommendedLabels(identity);
    const spec: RestoreDrillSpec = {
      name: this.name,
      namespace: this.namespace,
      labels,
      selector: selectorLabels(identity),
      sourceCluster: props.database.name,
      drillCluster: this.drillClusterName,
      // A new Cluster's first instance is always `<cluster>-1`.
      drillPod: `${this.drillClusterName}-1`,
      database: props.database.database,
      tables: this.tables,
      schedule: this.schedule,
      timeZone: this.timeZone,
      rto: this.rto,
      timeout: this.timeout,
      image,
      resources,
      apiServerEgress: (props.apiServer ?? SystemChart.of(this).apiServer).egressRule(),
      cluster: Cluster.manifest(props.database.recoveryCluster(this.drillClusterName, labels)) as KubeJson,
    };

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name: this.name, namespace: this.namespace, labels } });
    new k8s.KubeRole(this, 'Role', drillRoleProps(spec));
    new k8s.KubeRoleBinding(this, 'RoleBinding', drillRoleBindingProps(spec));
    new k8s.KubeConfigMap(this, 'ConfigMap', drillConfigMapProps(spec));
    new k8s.KubeCronJob(this, 'CronJob', drillCronJobProps(spec));
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', drillNetworkPolicyProps(spec));
  }

  /** The drill's kind, schedule, RTO and measured-RTO series, for the reliability report. */
  public reliabilityFacts(): ReliabilityFacts {
    return {
      restoreDrills: [
        {
          database: this.database.name,
          kind: 'physical',
          name: this.name,
          schedule: this.schedule,
          timeZone: this.timeZone,
          rto: this.rto,
          measuredRtoMetric: `${RestoreDrillRecords.MEASURED_RTO}{cronjob="${this.name}"}`,
        },
      ],
      policyExemptions: [
        ...polarisExemptionFacts(`CronJob ${this.name}`, DRILL_CRONJOB_EXEMPTIONS),
        ...polarisExemptionFacts(`Role ${this.name}`, [PolarisExemption.RESTORE_DRILL_EXEC_ROLE]),
        ...polarisExemptionFacts(`RoleBinding ${this.name}`, [PolarisExemption.RESTORE_DRILL_EXEC_BINDING]),
      ],
    };
  }
}
