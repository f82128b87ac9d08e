import { Duration } from 'cdk8s';
import { AlertPack, AlertRule, Severity } from './alert-rule';
import { HAPostgres } from '../../data/ha-postgres/ha-postgres';
import { backupStaleAfterSeconds, cnpgInstancePods, cnpgVolumeClaims, postgresBackupMetrics, walArchiveMaxAgeSeconds } from '../cnpg';
import { promDuration, promNumber } from '../promql';
import { goDuration } from '../../core/units';
import { show } from '../../core/validation';
import { postgresDiskUsageExpr } from './postgres-disk';
import { SymptomAlerts } from './symptom-alerts';

import { AlertPackProps, base, ClusterRule, clusterRule, severities } from './alert-pack-base';

/** Props of a {@link PostgresAlertPack}. */
export interface PostgresAlertsProps extends AlertPackProps {
  /**
   * Connections, in percent of max_connections, above which a ticket is raised.
   * @default 80
   */
  readonly connectionsWarningPercent?: number;
  /**
   * Connections, in percent of max_connections, above which it pages.
   * @default 95
   */
  readonly connectionsCriticalPercent?: number;
  /**
   * Disk use, in percent of a volume (data or WAL), above which a ticket is raised.
   * @default 70
   */
  readonly diskWarningPercent?: number;
  /**
   * Disk use, in percent of a volume, above which it pages.
   * @default 90
   */
  readonly diskCriticalPercent?: number;
  /**
   * Replay lag of a standby above which a ticket is raised.
   * @default Duration.seconds(30)
   */
  readonly maxReplicationLag?: Duration;
  /**
   * How long no instance may be up before PostgresOffline fires (e.g. a plan's `for: 1m`).
   * @default Duration.minutes(2)
   */
  readonly downFor?: Duration;
  /**
   * Severity of the alerts that page (offline, no primary, connections or disk critical), e.g.
   * the plan's `Severity.P1`.
   * @default Severity.PAGE
   */
  readonly pageSeverity?: Severity;
  /**
   * Severity of the other alerts (HA, lag, disk and connection warnings, backups, failing WAL
   * archiving), e.g. `Severity.P3`.
   * @default Severity.TICKET
   */
  readonly ticketSeverity?: Severity;
}

/**
 * The alerts of an {@link HAPostgres} cluster (group `<name>-postgres`), from CloudNativePG's
 * instance exporter (`cnpg_*`, scraped by the cluster's PodMonitor), the Barman Cloud plugin's
 * (`barman_cloud_cloudnative_pg_io_*`) or the in-tree collector's backup timestamps, the
 * kubelet's volume stats (for node-local volumes, which the kubelet does not measure, the
 * databases' and WAL's sizes against the declared size) and kube-state-metrics:
 * offline (no instance up), no primary, no standby streaming (HA lost), standbys missing,
 * connections at 80/95 % of max_connections, replication lag, disk at 70/90 %, instances on one
 * node, base backup failed, base backup older than twice its schedule's period, and the
 * {@link WalArchiveAlertPack}'s WAL archiving failing and newest archived WAL older than the RPO.
 */
export class PostgresAlertPack implements AlertPack {
  public readonly groupName: string;
  private readonly rules: AlertRule[];

  constructor(db: HAPostgres, props: PostgresAlertsProps) {
    const where = db.node.path;
    const warnConn = props.connectionsWarningPercent ?? 80;
    const critConn = props.connectionsCriticalPercent ?? 95;
    const warnDisk = props.diskWarningPercent ?? 70;
    const critDisk = props.diskCriticalPercent ?? 90;
    const lag = props.maxReplicationLag ?? Duration.seconds(30);
    const errors: string[] = [];
    const check = (broken: boolean, prop: string, value: unknown, problem: string, fix: string) => {
      if (broken) errors.push(`${where}: 'alerts.${prop}' (${show(value)}) ${problem} — ${fix}`);
    };
    for (const [prop, value] of [
      ['connectionsWarningPercent', warnConn],
      ['connectionsCriticalPercent', critConn],
      ['diskWarningPercent', warnDisk],
      ['diskCriticalPercent', critDisk],
    ] as const) {
      check(!(value > 0 && value < 100), prop, value, 'is not a percentage strictly between 0 and 100', 'give a share in percent, e.g. 80');
    }
    check(
      warnConn >= critConn,
      'connectionsWarningPercent',
      warnConn,
      `is not below connectionsCriticalPercent (${critConn})`,
      'the ticket must come before the page',
    );
    check(
      warnDisk >= critDisk,
      'diskWarningPercent',
      warnDisk,
      `is not below diskCriticalPercent (${critDisk})`,
      'the ticket must come before the page',
    );
    const { pageSeverity, ticketSeverity } = severities(props, check);
    check(
      !(lag.toMilliseconds() >= 1000 && lag.toMilliseconds() % 1000 === 0),
      'maxReplicationLag',
      `${lag.toMilliseconds()}ms`,
      'is not whole seconds of at least one',
      'use e.g. Duration.seconds(30)',
    );
    if (errors.length > 0)
      throw new Error(
        [`${where}: ${errors.length} invalid setting${errors.length === 1 ? '' : 's'}`, ...errors.map((e) => `  - ${e}`)].join('\n'),
      );

    this.groupName = `${db.name}-postgres`;
    const ns = JSON.stringify(db.namespace);
    const m = `namespace=${ns},pod=~${JSON.stringify(cnpgInstancePods(db.name))}`;
    const rule = clusterRule(db, props, this.groupName, pageSeverity, ticketSeverity);
    const subject = `PostgreSQL cluster ${db.name} (${db.namespace})`;
    const connections = (percent: number) =>
      `sum by (namespace, pod) (cnpg_backends_total{${m}})\n/\nmax by (namespace, pod) (cnpg_pg_settings_setting{${m},name="max_connections"})\n> ${promNumber(percent / 100)}`;
    const rules: AlertRule[] = [
      rule(
        'PostgresOffline',
        Severity.PAGE,
        `absent(cnpg_collector_up{${m}} == 1)`,
        props.downFor ?? Duration.minutes(2),
        `${db.name}: no PostgreSQL instance is up`,
        `No instance of ${subject} reports PostgreSQL up: every client of the database fails. Check the instance pods and the CloudNativePG operator's logs.`,
      ),
      rule(
        'PostgresNoPrimary',
        Severity.PAGE,
        `absent(cnpg_pg_replication_in_recovery{${m}} == 0)`,
        Duration.minutes(2),
        `${db.name}: PostgreSQL has no primary`,
        `No instance of ${subject} is out of recovery: there is no primary, so every write fails. A failover may be stuck; check the Cluster's status (kubectl cnpg status ${db.name}).`,
      ),
      rule(
        'PostgresConnectionsHigh',
        Severity.TICKET,
        connections(warnConn),
        Duration.minutes(5),
        `${db.name}: {{ $labels.pod }} uses more than ${warnConn}% of max_connections`,
        `Instance {{ $labels.pod }} of ${subject} has more than ${warnConn}% of its ${db.maxConnections} max_connections in use: new connections will soon be refused. ` +
          "Check the clients' pool sizes against the connection budget.",
      ),
      rule(
        'PostgresConnectionsCritical',
        Severity.PAGE,
        connections(critConn),
        Duration.minutes(2),
        `${db.name}: {{ $labels.pod }} uses more than ${critConn}% of max_connections`,
        `Instance {{ $labels.pod }} of ${subject} has more than ${critConn}% of its ${db.maxConnections} max_connections in use: clients are about to be refused.`,
      ),
      ...[
        ['PostgresDiskSpaceLow', ticketSeverity, warnDisk],
        ['PostgresDiskSpaceCritical', pageSeverity, critDisk],
      ].map(([name, severity, used]) =>
        db.volumes.some((v) => v.nodeLocal)
          ? // No kubelet volume stats for node-local volumes: CloudNativePG's own size metrics instead.
            rule(
              name as string,
              (severity as Severity).pages ? Severity.PAGE : Severity.TICKET,
              postgresDiskUsageExpr({ namespace: db.namespace, cluster: db.name, volumes: db.volumes, usedPercent: used as number }),
              Duration.minutes(5),
              `${db.name}: volume {{ $labels.persistentvolumeclaim }} is more than ${used}% full`,
              `Volume {{ $labels.persistentvolumeclaim }} of ${subject} holds more than ${used}% of its declared size (node-local volumes are measured by the databases' and the WAL's size): ` +
                "when the data or WAL volume is full, PostgreSQL stops, and a node-local volume has no quota, so it may fill the node's disk first. " +
                "Expand the storage (the Cluster's storage.size) or find what grows (WAL kept by a slot or failing archiving).",
            )
          : SymptomAlerts.volumeSpaceLow({
              ...base(props, db.name, this.groupName, name as string, severity as Severity),
              namespace: db.namespace,
              claims: cnpgVolumeClaims(db.name),
              minFreePercent: 100 - (used as number),
              for: Duration.minutes(5),
              labels: { cnpg_cluster: db.name },
              summary: `${db.name}: volume {{ $labels.persistentvolumeclaim }} is more than ${used}% full`,
              description:
                `Volume {{ $labels.persistentvolumeclaim }} of ${subject} is more than ${used}% full: when the data or WAL volume is full, PostgreSQL stops. ` +
                "Expand the storage (the Cluster's storage.size) or find what grows (WAL kept by a slot or failing archiving).",
            }),
      ),
      rule(
        'PostgresInstancesOnSameNode',
        Severity.TICKET,
        `count by (namespace, node) (kube_pod_info{${m}}) > 1`,
        Duration.minutes(5),
        `${db.name}: several PostgreSQL instances run on node {{ $labels.node }}`,
        `More than one instance of ${subject} runs on node {{ $labels.node }}: losing that node loses the primary and its standby together.`,
      ),
    ];
    if (db.instances >= 2) {
      rules.push(
        rule(
          'PostgresHALost',
          Severity.PAGE,
          `max by (namespace) (cnpg_pg_replication_streaming_replicas{${m}} - cnpg_pg_replication_is_wal_receiver_up{${m}}) < 1`,
          Duration.minutes(5),
          `${db.name}: no standby is streaming`,
          `The primary of ${subject} has no streaming standby: if it fails now, the database is down until it returns and writes since the last archived WAL may be lost.`,
        ),
      );
      if (db.instances > 2) {
        rules.push(
          rule(
            'PostgresStandbysMissing',
            Severity.TICKET,
            `max by (namespace) (cnpg_pg_replication_streaming_replicas{${m}} - cnpg_pg_replication_is_wal_receiver_up{${m}}) < ${db.instances - 1}`,
            Duration.minutes(5),
            `${db.name}: fewer than ${db.instances - 1} standbys are streaming`,
            `The primary of ${subject} streams to fewer than its ${db.instances - 1} standbys: one more failure leaves it without a standby.`,
          ),
        );
      }
      rules.push(
        rule(
          'PostgresReplicationLag',
          Severity.TICKET,
          `max by (namespace, pod) (cnpg_pg_replication_lag{${m}}) > ${lag.toSeconds()}`,
          Duration.minutes(5),
          `${db.name}: standby {{ $labels.pod }} lags more than ${lag.toSeconds()} s`,
          `Standby {{ $labels.pod }} of ${subject} replays WAL more than ${lag.toSeconds()} s behind the primary: reads from -ro are stale and a failover to it would lose more.`,
        ),
      );
    }
    if (db.backup) {
      const metrics = postgresBackupMetrics(db.backup.method);
      const lastOk = `max by (namespace) (${metrics.lastAvailable}{${m}})`;
      const staleAfter = backupStaleAfterSeconds(db.backup.schedule);
      rules.push(
        rule(
          'PostgresBackupFailed',
          Severity.TICKET,
          `max by (namespace) (${metrics.lastFailed}{${m}})\n>\n${lastOk}`,
          undefined,
          `${db.name}: the last base backup failed`,
          `The newest base backup of ${subject} to the object store failed: point-in-time recovery relies on an older one. Check the Backup objects (kubectl get backups) and the plugin's logs.`,
        ),
        rule(
          'PostgresBackupStale',
          Severity.TICKET,
          `time() - ${lastOk} > ${staleAfter}`,
          undefined,
          `${db.name}: no base backup for ${promDuration(staleAfter / 60)}`,
          `The newest available base backup of ${subject} is older than ${promDuration(staleAfter / 60)}, twice the longest gap of its schedule '${db.backup.schedule}': ` +
            'scheduled backups fail or do not run, and recovery needs ever more WAL.',
        ),
        ...walArchiveRules(db, rule),
      );
    }
    this.rules = rules;
  }

  public alerts(): AlertRule[] {
    return [...this.rules];
  }
}

/** Props of a {@link WalArchiveAlertPack}. */
export interface WalArchiveAlertsProps extends AlertPackProps {
  /**
   * Severity of the newest archived WAL growing older than the RPO, e.g. `Severity.P1`.
   * @default Severity.PAGE
   */
  readonly pageSeverity?: Severity;
  /**
   * Severity of failing WAL archiving (before the RPO is at stake), e.g. `Severity.P3`.
   * @default Severity.TICKET
   */
  readonly ticketSeverity?: Severity;
}

/**
 * The WAL archiving alerts of an {@link HAPostgres} with continuous backup (group
 * `<name>-wal-archive`), for a system that alerts on its database without the whole
 * {@link PostgresAlertPack} (which includes them): archiving failing, and the newest archived WAL
 * older than the RPO.
 */
export class WalArchiveAlertPack implements AlertPack {
  public readonly groupName: string;
  private readonly rules: AlertRule[];

  constructor(db: HAPostgres, props: WalArchiveAlertsProps) {
    const where = db.node.path;
    const errors: string[] = [];
    const check = (broken: boolean, prop: string, value: unknown, problem: string, fix: string) => {
      if (broken) errors.push(`${where}: 'alerts.${prop}' (${show(value)}) ${problem} — ${fix}`);
    };
    if (!db.backup) {
      throw new Error(
        `${where}: has no continuous backup, so no WAL is archived to alert on — set its backup prop, or remove the WalArchiveAlertPack`,
      );
    }
    const { pageSeverity, ticketSeverity } = severities(props, check);
    if (errors.length > 0)
      throw new Error(
        [`${where}: ${errors.length} invalid setting${errors.length === 1 ? '' : 's'}`, ...errors.map((e) => `  - ${e}`)].join('\n'),
      );
    this.groupName = `${db.name}-wal-archive`;
    this.rules = walArchiveRules(db, clusterRule(db, props, this.groupName, pageSeverity, ticketSeverity));
  }

  public alerts(): AlertRule[] {
    return [...this.rules];
  }
}

/**
 * WAL archiving failing (ticket) and the newest archived WAL older than the RPO (page), from the
 * primary's `pg_stat_archiver` series: only the primary serves them, so neither alert needs to
 * know which instance it is. The WAL age alert is the RPO itself: a primary lost while it fires
 * loses more writes than the plan allows. It needs a closed segment waiting (`ready`): a database
 * without any writes switches no segment, so its last archival ages with nothing at risk.
 */
function walArchiveRules(db: HAPostgres, rule: ClusterRule): AlertRule[] {
  const backup = db.backup!;
  const m = `namespace=${JSON.stringify(db.namespace)},pod=~${JSON.stringify(cnpgInstancePods(db.name))}`;
  const subject = `PostgreSQL cluster ${db.name} (${db.namespace})`;
  const maxAge = walArchiveMaxAgeSeconds(backup);
  const age = goDuration(Duration.seconds(maxAge));
  const rpo = backup.rpo ? `its RPO of ${age}` : `${age}, twice its archive_timeout (no RPO declared)`;
  return [
    // A failed attempt followed by a success clears it; PostgreSQL retries a failing segment
    // every minute, so five minutes of failures is no passing hiccup of the object store.
    rule(
      'PostgresWalArchivingFailing',
      Severity.TICKET,
      `cnpg_pg_stat_archiver_last_failed_time{${m}}\n>\ncnpg_pg_stat_archiver_last_archived_time{${m}}`,
      Duration.minutes(5),
      `${db.name}: WAL archiving fails on {{ $labels.pod }}`,
      `The primary {{ $labels.pod }} of ${subject} fails to archive WAL to the object store: point-in-time recovery ends at the last archived segment, ` +
        "and unarchived WAL piles up on the volume until it is full. Check the archiver's errors in the instance's logs and the object store's credentials and reachability.",
    ),
    rule(
      'PostgresWalArchiveBehindRpo',
      Severity.PAGE,
      `cnpg_pg_stat_archiver_seconds_since_last_archival{${m}} > ${maxAge}\nand on (namespace, pod)\ncnpg_collector_pg_wal_archive_status{${m},value="ready"} > 0`,
      undefined,
      `${db.name}: no WAL archived for more than ${age}${backup.rpo ? ', the RPO' : ''}`,
      `The primary {{ $labels.pod }} of ${subject} has archived no WAL segment for longer than ${rpo} while segments wait: ` +
        "losing the primary now loses more writes than the plan allows. See PostgresWalArchivingFailing, or a hung upload in the instance's logs.",
    ),
  ];
}
