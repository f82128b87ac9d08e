import { Duration } from 'cdk8s';
import { AlertPack, AlertRule, Severity } from './alert-rule';
import { BackupSchedule } from '../../data/backup-schedule/backup-schedule';
import { AlertLabelKeys } from '../../core/conventions';
import { HAPostgres } from '../../data/ha-postgres/ha-postgres';
import { backupStaleAfterSeconds, cnpgInstancePods, cnpgVolumeClaims, postgresBackupMetrics, walArchiveMaxAgeSeconds } from '../cnpg';
import { promDuration, promNumber } from '../promql';
import { goDuration } from '../../core/units';
import { show } from '../../core/validation';
import { ReliableService } from '../../workload/reliable-service/reliable-service';
import { postgresDiskUsageExpr } from './postgres-disk';
import { SymptomAlertProps, SymptomAlerts } from './symptom-alerts';

/** What every pack needs. */
export interface AlertPackProps {
  /**
   * The runbook page of the pack's alerts; each alert links its own anchor on it
   * (`<runbookUrl>#<alertname-in-lowercase>`, e.g. `#targetdown`).
   */
  readonly runbookUrl: string;
  /**
   * The `team` label.
   * @default - the team of the AlertingRuleset the pack is added to
   */
  readonly team?: string;
}

/** Severities of a {@link ServiceAlertPack}'s alerts. */
export interface ServiceAlertSeverities {
  /** @default Severity.PAGE */
  readonly down?: Severity;
  /** @default Severity.TICKET */
  readonly errors?: Severity;
  /** @default Severity.TICKET */
  readonly latency?: Severity;
  /** @default Severity.TICKET */
  readonly crashLooping?: Severity;
  /** @default Severity.TICKET */
  readonly notReady?: Severity;
  /** @default Severity.TICKET */
  readonly hpaMaxedOut?: Severity;
  /** @default Severity.TICKET */
  readonly memory?: Severity;
}

/** Props of a {@link ServiceAlertPack}. */
export interface ServiceAlertsProps extends AlertPackProps {
  /**
   * Counter selector of the service's requests, for the 5xx alert; `false` for a service that
   * serves no requests (a queue worker): no error alert.
   * @default - `http_requests_total{namespace="<namespace>",job="<name>"}` (the Prometheus client
   * convention, scraped by the service's ServiceMonitor); no error alert for a service without
   * a ServiceMonitor
   */
  readonly requests?: string | false;
  /**
   * Counter selector of the failed requests.
   * @default - `requests` with `code=~"5.."` added
   */
  readonly errors?: string;
  /**
   * Share of failed (5xx) requests, in percent, above which the error alert fires.
   * @default 1
   */
  readonly maxErrorPercent?: number;
  /**
   * A latency quantile alert on the service's request histogram.
   * @default - no latency alert
   */
  readonly latency?: { readonly histogram: string; readonly threshold: Duration; readonly quantile?: number; readonly for?: Duration };
  /**
   * Share of the memory limit, in percent, above which the memory alert fires.
   * @default 80
   */
  readonly memoryMaxPercent?: number;
  /**
   * Severities.
   * @default - down pages, everything else is a ticket
   */
  readonly severities?: ServiceAlertSeverities;
}

/**
 * The symptom alerts of a {@link ReliableService} (group `<name>-symptoms`): no target up, 5xx
 * ratio (unless it serves no requests), latency (when given), crash looping, pods not ready,
 * memory near the limit, and the HPA at its maximum (when it has one).
 *
 * A service that exports no metrics (no ServiceMonitor, e.g. a third-party server) gets the
 * alerts kube-state-metrics and cAdvisor can give: no replica available (instead of no target
 * up), crash looping, not ready, memory, HPA.
 */
export class ServiceAlertPack implements AlertPack {
  public readonly groupName: string;
  private readonly rules: AlertRule[];

  constructor(service: ReliableService, props: ServiceAlertsProps) {
    const where = service.node.path;
    const requestProps = (['requests', 'errors', 'maxErrorPercent', 'latency'] as const).filter((k) => props[k] !== undefined && props[k] !== false);
    const serves = service.isMonitored && props.requests !== false;
    if (!serves && requestProps.length > 0) {
      const why = service.isMonitored ? "'alerts.requests' is false (no requests served)" : `${service.name} has no ServiceMonitor`;
      const prop = requestProps[0];
      const value = prop === 'latency' ? `histogram ${props.latency?.histogram}` : props[prop];
      throw new Error(`${where}: 'alerts.${prop}' (${show(value)}) cannot apply: ${why}, so no request metric is scraped — `
        + (service.isMonitored ? 'remove it, or give the request counter' : 'remove it, or set the monitoring prop of the service'));
    }
    const s = props.severities ?? {};
    this.groupName = `${service.name}-symptoms`;
    const common = (name: string, severity: Severity | undefined, fallback: Severity): SymptomAlertProps => base(props, service.name, this.groupName, name, severity ?? fallback);
    const pods = { namespace: service.namespace, pods: SymptomAlerts.deploymentPods(service.name) };
    this.rules = [
      service.isMonitored
        ? SymptomAlerts.targetDown({ ...common('TargetDown', s.down, Severity.PAGE), namespace: service.namespace, job: service.name })
        : SymptomAlerts.deploymentUnavailable({ ...common('DeploymentUnavailable', s.down, Severity.PAGE), namespace: service.namespace, deployment: service.name }),
      ...(serves ? [SymptomAlerts.errorRatio({
        ...common('HighErrorRate', s.errors, Severity.TICKET),
        requests: typeof props.requests === 'string' ? props.requests : `http_requests_total{namespace=${JSON.stringify(service.namespace)},job=${JSON.stringify(service.name)}}`,
        errors: props.errors,
        maxPercent: props.maxErrorPercent,
        labels: { namespace: service.namespace },
      })] : []),
      ...(props.latency ? [SymptomAlerts.latencyAbove({
        ...common('HighLatency', s.latency, Severity.TICKET),
        histogram: props.latency.histogram,
        selector: `{namespace=${JSON.stringify(service.namespace)},job=${JSON.stringify(service.name)}}`,
        threshold: props.latency.threshold,
        quantile: props.latency.quantile,
        for: props.latency.for,
        labels: { namespace: service.namespace },
      })] : []),
      SymptomAlerts.crashLooping({ ...common('PodCrashLooping', s.crashLooping, Severity.TICKET), ...pods }),
      SymptomAlerts.podNotReady({ ...common('PodNotReady', s.notReady, Severity.TICKET), ...pods }),
      SymptomAlerts.memoryNearLimit({ ...common('MemoryNearLimit', s.memory, Severity.TICKET), ...pods, maxPercent: props.memoryMaxPercent }),
      // Without an HPA the replica count is fixed: nothing to max out.
      ...(service.replicas === undefined ? [SymptomAlerts.hpaMaxedOut({ ...common('HpaMaxedOut', s.hpaMaxedOut, Severity.TICKET), namespace: service.namespace, hpa: service.name })] : []),
    ];
  }

  public alerts(): AlertRule[] {
    return [...this.rules];
  }
}

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
    for (const [prop, value] of [['connectionsWarningPercent', warnConn], ['connectionsCriticalPercent', critConn], ['diskWarningPercent', warnDisk], ['diskCriticalPercent', critDisk]] as const) {
      check(!(value > 0 && value < 100), prop, value, 'is not a percentage strictly between 0 and 100', 'give a share in percent, e.g. 80');
    }
    check(warnConn >= critConn, 'connectionsWarningPercent', warnConn, `is not below connectionsCriticalPercent (${critConn})`, 'the ticket must come before the page');
    check(warnDisk >= critDisk, 'diskWarningPercent', warnDisk, `is not below diskCriticalPercent (${critDisk})`, 'the ticket must come before the page');
    const { pageSeverity, ticketSeverity } = severities(props, check);
    check(!(lag.toMilliseconds() >= 1000 && lag.toMilliseconds() % 1000 === 0), 'maxReplicationLag', `${lag.toMilliseconds()}ms`, 'is not whole seconds of at least one', 'use e.g. Duration.seconds(30)');
    if (errors.length > 0) throw new Error([`${where}: ${errors.length} invalid setting${errors.length === 1 ? '' : 's'}`, ...errors.map((e) => `  - ${e}`)].join('\n'));

    this.groupName = `${db.name}-postgres`;
    const ns = JSON.stringify(db.namespace);
    const m = `namespace=${ns},pod=~${JSON.stringify(cnpgInstancePods(db.name))}`;
    const rule = clusterRule(db, props, this.groupName, pageSeverity, ticketSeverity);
    const subject = `PostgreSQL cluster ${db.name} (${db.namespace})`;
    const connections = (percent: number) => `sum by (namespace, pod) (cnpg_backends_total{${m}})\n/\nmax by (namespace, pod) (cnpg_pg_settings_setting{${m},name="max_connections"})\n> ${promNumber(percent / 100)}`;
    const rules: AlertRule[] = [
      rule('PostgresOffline', Severity.PAGE, `absent(cnpg_collector_up{${m}} == 1)`, Duration.minutes(2),
        `${db.name}: no PostgreSQL instance is up`,
        `No instance of ${subject} reports PostgreSQL up: every client of the database fails. Check the instance pods and the CloudNativePG operator's logs.`),
      rule('PostgresNoPrimary', Severity.PAGE, `absent(cnpg_pg_replication_in_recovery{${m}} == 0)`, Duration.minutes(2),
        `${db.name}: PostgreSQL has no primary`,
        `No instance of ${subject} is out of recovery: there is no primary, so every write fails. A failover may be stuck; check the Cluster's status (kubectl cnpg status ${db.name}).`),
      rule('PostgresConnectionsHigh', Severity.TICKET, connections(warnConn), Duration.minutes(5),
        `${db.name}: {{ $labels.pod }} uses more than ${warnConn}% of max_connections`,
        `Instance {{ $labels.pod }} of ${subject} has more than ${warnConn}% of its ${db.maxConnections} max_connections in use: new connections will soon be refused. `
        + 'Check the clients\' pool sizes against the connection budget.'),
      rule('PostgresConnectionsCritical', Severity.PAGE, connections(critConn), Duration.minutes(2),
        `${db.name}: {{ $labels.pod }} uses more than ${critConn}% of max_connections`,
        `Instance {{ $labels.pod }} of ${subject} has more than ${critConn}% of its ${db.maxConnections} max_connections in use: clients are about to be refused.`),
      ...[['PostgresDiskSpaceLow', ticketSeverity, warnDisk], ['PostgresDiskSpaceCritical', pageSeverity, critDisk]].map(([name, severity, used]) => db.volumes.some((v) => v.nodeLocal)
        // No kubelet volume stats for node-local volumes: CloudNativePG's own size metrics instead.
        ? rule(name as string, (severity as Severity).pages ? Severity.PAGE : Severity.TICKET,
          postgresDiskUsageExpr({ namespace: db.namespace, cluster: db.name, volumes: db.volumes, usedPercent: used as number }), Duration.minutes(5),
          `${db.name}: volume {{ $labels.persistentvolumeclaim }} is more than ${used}% full`,
          `Volume {{ $labels.persistentvolumeclaim }} of ${subject} holds more than ${used}% of its declared size (node-local volumes are measured by the databases' and the WAL's size): `
          + 'when the data or WAL volume is full, PostgreSQL stops, and a node-local volume has no quota, so it may fill the node\'s disk first. '
          + 'Expand the storage (the Cluster\'s storage.size) or find what grows (WAL kept by a slot or failing archiving).')
        : SymptomAlerts.volumeSpaceLow({
          ...base(props, db.name, this.groupName, name as string, severity as Severity),
          namespace: db.namespace,
          claims: cnpgVolumeClaims(db.name),
          minFreePercent: 100 - (used as number),
          for: Duration.minutes(5),
          labels: { cnpg_cluster: db.name },
          summary: `${db.name}: volume {{ $labels.persistentvolumeclaim }} is more than ${used}% full`,
          description: `Volume {{ $labels.persistentvolumeclaim }} of ${subject} is more than ${used}% full: when the data or WAL volume is full, PostgreSQL stops. `
            + 'Expand the storage (the Cluster\'s storage.size) or find what grows (WAL kept by a slot or failing archiving).',
        })),
      rule('PostgresInstancesOnSameNode', Severity.TICKET, `count by (namespace, node) (kube_pod_info{${m}}) > 1`, Duration.minutes(5),
        `${db.name}: several PostgreSQL instances run on node {{ $labels.node }}`,
        `More than one instance of ${subject} runs on node {{ $labels.node }}: losing that node loses the primary and its standby together.`),
    ];
    if (db.instances >= 2) {
      rules.push(rule('PostgresHALost', Severity.PAGE,
        `max by (namespace) (cnpg_pg_replication_streaming_replicas{${m}} - cnpg_pg_replication_is_wal_receiver_up{${m}}) < 1`, Duration.minutes(5),
        `${db.name}: no standby is streaming`,
        `The primary of ${subject} has no streaming standby: if it fails now, the database is down until it returns and writes since the last archived WAL may be lost.`));
      if (db.instances > 2) {
        rules.push(rule('PostgresStandbysMissing', Severity.TICKET,
          `max by (namespace) (cnpg_pg_replication_streaming_replicas{${m}} - cnpg_pg_replication_is_wal_receiver_up{${m}}) < ${db.instances - 1}`, Duration.minutes(5),
          `${db.name}: fewer than ${db.instances - 1} standbys are streaming`,
          `The primary of ${subject} streams to fewer than its ${db.instances - 1} standbys: one more failure leaves it without a standby.`));
      }
      rules.push(rule('PostgresReplicationLag', Severity.TICKET, `max by (namespace, pod) (cnpg_pg_replication_lag{${m}}) > ${lag.toSeconds()}`, Duration.minutes(5),
        `${db.name}: standby {{ $labels.pod }} lags more than ${lag.toSeconds()} s`,
        `Standby {{ $labels.pod }} of ${subject} replays WAL more than ${lag.toSeconds()} s behind the primary: reads from -ro are stale and a failover to it would lose more.`));
    }
    if (db.backup) {
      const metrics = postgresBackupMetrics(db.backup.method);
      const lastOk = `max by (namespace) (${metrics.lastAvailable}{${m}})`;
      const staleAfter = backupStaleAfterSeconds(db.backup.schedule);
      rules.push(
        rule('PostgresBackupFailed', Severity.TICKET, `max by (namespace) (${metrics.lastFailed}{${m}})\n>\n${lastOk}`, undefined,
          `${db.name}: the last base backup failed`,
          `The newest base backup of ${subject} to the object store failed: point-in-time recovery relies on an older one. Check the Backup objects (kubectl get backups) and the plugin's logs.`),
        rule('PostgresBackupStale', Severity.TICKET, `time() - ${lastOk} > ${staleAfter}`, undefined,
          `${db.name}: no base backup for ${promDuration(staleAfter / 60)}`,
          `The newest available base backup of ${subject} is older than ${promDuration(staleAfter / 60)}, twice the longest gap of its schedule '${db.backup.schedule}': `
          + 'scheduled backups fail or do not run, and recovery needs ever more WAL.'),
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
      throw new Error(`${where}: has no continuous backup, so no WAL is archived to alert on — set its backup prop, or remove the WalArchiveAlertPack`);
    }
    const { pageSeverity, ticketSeverity } = severities(props, check);
    if (errors.length > 0) throw new Error([`${where}: ${errors.length} invalid setting${errors.length === 1 ? '' : 's'}`, ...errors.map((e) => `  - ${e}`)].join('\n'));
    this.groupName = `${db.name}-wal-archive`;
    this.rules = walArchiveRules(db, clusterRule(db, props, this.groupName, pageSeverity, ticketSeverity));
  }

  public alerts(): AlertRule[] {
    return [...this.rules];
  }
}

/** Props of a {@link BackupAlertPack}. */
export interface BackupAlertsProps extends AlertPackProps {
  /**
   * Severity of the backup's failed and stale alerts.
   * @default Severity.TICKET
   */
  readonly severity?: Severity;
}

/**
 * The alerts of a {@link BackupSchedule} (group `<name>-backups`): the newest backup run failed,
 * no successful backup for twice the schedule's longest gap, and the newest restore drill (and
 * off-site copy, if any) failed — from kube-state-metrics' Job and CronJob metrics.
 */
export class BackupAlertPack implements AlertPack {
  public readonly groupName: string;
  private readonly rules: AlertRule[];

  constructor(schedule: BackupSchedule, props: BackupAlertsProps) {
    this.groupName = `${schedule.name}-backups`;
    const severity = props.severity ?? Severity.TICKET;
    const common = (name: string) => ({ ...base(props, schedule.name, this.groupName, name, severity), namespace: schedule.namespace });
    const failed = (name: string, cronJob: string, what: string) => SymptomAlerts.jobFailed({
      ...common(name), cronJob,
      summary: `${schedule.name}: the last ${what} failed`,
      description: `The newest run of CronJob ${cronJob} ({{ $labels.job_name }} in ${schedule.namespace}) failed after its retries. `
        + `Its pods are kept for their logs (kubectl logs job/{{ $labels.job_name }}).`,
    });
    this.rules = [
      failed('BackupFailed', schedule.backupJobName, 'backup'),
      SymptomAlerts.cronJobStale({ ...common('BackupStale'), cronJob: schedule.backupJobName, schedule: schedule.schedule }),
      failed('RestoreDrillFailed', schedule.restoreDrillJobName, 'restore drill'),
      ...(schedule.offsiteJobName ? [failed('OffsiteCopyFailed', schedule.offsiteJobName, 'off-site copy')] : []),
    ];
  }

  public alerts(): AlertRule[] {
    return [...this.rules];
  }
}

/** Common builder props of a pack's alert. */
function base(props: AlertPackProps, service: string, group: string, name: string, severity: Severity): SymptomAlertProps & { name: string } {
  return {
    name,
    service,
    severity,
    team: props.team,
    runbookUrl: props.runbookUrl?.includes('#') ? props.runbookUrl : `${props.runbookUrl}#${name.toLowerCase()}`,
    group,
  };
}

/** Builds an alert about a CNPG cluster: labelled with the cluster, at the page or ticket severity by the level's. */
type ClusterRule = (name: string, level: Severity, expr: string, forTime: Duration | undefined, summary: string, description: string) => AlertRule;

function clusterRule(db: HAPostgres, props: AlertPackProps, group: string, pageSeverity: Severity, ticketSeverity: Severity): ClusterRule {
  return (name, level, expr, forTime, summary, description) => {
    const severity = level.pages ? pageSeverity : ticketSeverity;
    const b = base(props, db.name, group, name, severity);
    return new AlertRule({
      name, expr, for: forTime, severity, summary, description, runbookUrl: b.runbookUrl, group: b.group,
      labels: {
        namespace: db.namespace, cnpg_cluster: db.name, [AlertLabelKeys.SERVICE]: db.name,
        ...(props.team !== undefined ? { [AlertLabelKeys.TEAM]: props.team } : {}),
      },
    });
  };
}

/** The page and ticket severities of a database pack, checked: the page must page, the ticket must not. */
function severities(props: { readonly pageSeverity?: Severity; readonly ticketSeverity?: Severity },
  check: (broken: boolean, prop: string, value: unknown, problem: string, fix: string) => void): { pageSeverity: Severity; ticketSeverity: Severity } {
  const pageSeverity = props.pageSeverity ?? Severity.PAGE;
  const ticketSeverity = props.ticketSeverity ?? Severity.TICKET;
  check(!pageSeverity.pages, 'pageSeverity', String(pageSeverity), 'does not page, so a primary-less database would wake no one', 'use Severity.PAGE or Severity.P1');
  check(ticketSeverity.pages, 'ticketSeverity', String(ticketSeverity), 'pages, so a lagging standby would wake someone at night', 'use Severity.TICKET, Severity.P2 or Severity.P3');
  return { pageSeverity, ticketSeverity };
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
    rule('PostgresWalArchivingFailing', Severity.TICKET,
      `cnpg_pg_stat_archiver_last_failed_time{${m}}\n>\ncnpg_pg_stat_archiver_last_archived_time{${m}}`, Duration.minutes(5),
      `${db.name}: WAL archiving fails on {{ $labels.pod }}`,
      `The primary {{ $labels.pod }} of ${subject} fails to archive WAL to the object store: point-in-time recovery ends at the last archived segment, `
      + 'and unarchived WAL piles up on the volume until it is full. Check the archiver\'s errors in the instance\'s logs and the object store\'s credentials and reachability.'),
    rule('PostgresWalArchiveBehindRpo', Severity.PAGE,
      `cnpg_pg_stat_archiver_seconds_since_last_archival{${m}} > ${maxAge}\nand on (namespace, pod)\ncnpg_collector_pg_wal_archive_status{${m},value="ready"} > 0`, undefined,
      `${db.name}: no WAL archived for more than ${age}${backup.rpo ? ', the RPO' : ''}`,
      `The primary {{ $labels.pod }} of ${subject} has archived no WAL segment for longer than ${rpo} while segments wait: `
      + 'losing the primary now loses more writes than the plan allows. See PostgresWalArchivingFailing, or a hung upload in the instance\'s logs.'),
  ];
}
