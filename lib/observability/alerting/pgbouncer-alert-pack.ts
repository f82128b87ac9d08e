import { Duration } from 'cdk8s';
import { AlertPack, AlertRule, Severity } from './alert-rule';
import { AlertLabelKeys } from '../../core/conventions';
import { show } from '../../core/validation';
import type { HAPostgres } from '../../data/ha-postgres/ha-postgres';
import { promNumber } from '../promql';
import { deploymentPods } from './symptoms/symptom-builder';

import { AlertPackProps, base } from './alert-pack-base';

/** Props of a {@link PgBouncerAlertPack}. */
export interface PgBouncerAlertsProps extends AlertPackProps {
  /**
   * Severity of the pooler being down (no PgBouncer pod answers): every client that connects
   * through it is without its database.
   * @default Severity.PAGE
   */
  readonly downSeverity?: Severity;
  /**
   * Severity of clients waiting for a server connection, and of a pool near its size.
   * @default Severity.TICKET
   */
  readonly ticketSeverity?: Severity;
  /**
   * Server connections of a pool in use, in percent of its `default_pool_size`, above which a
   * ticket is raised.
   * @default 90
   */
  readonly poolSaturationPercent?: number;
  /**
   * How long the oldest waiting client may have waited for a server connection before the
   * waiting-clients alert fires.
   * @default Duration.seconds(1)
   */
  readonly maxWait?: Duration;
}

/**
 * The alerts of an {@link HAPostgres} cluster's read-write PgBouncer pooler (group
 * `<name>-pgbouncer`), from CloudNativePG's PgBouncer exporter on every pooler pod (port 9127,
 * scraped by the pooler's PodMonitor): no pooler pod answers (`cnpg_pgbouncer_last_collection_error`
 * is 1 when the exporter cannot query PgBouncer, and the series vanish with the pods), a pool's
 * server connections (`cnpg_pgbouncer_pools_sv_active`) near `default_pool_size`, and clients
 * waiting for a server connection longer than a second (`cnpg_pgbouncer_pools_maxwait`, with
 * `cnpg_pgbouncer_pools_cl_waiting` clients queued).
 */
export class PgBouncerAlertPack implements AlertPack {
  public readonly groupName: string;
  private readonly rules: AlertRule[];

  constructor(db: HAPostgres, props: PgBouncerAlertsProps) {
    const where = db.node.path;
    const pooler = db.pooler;
    const pooled = db.poolerServiceName;
    if (!pooler || pooled === undefined) {
      throw new Error(
        `${where}: has no pooler, so there is no PgBouncer to alert on — set its pooler prop, or remove the PgBouncerAlertPack`,
      );
    }
    const saturation = props.poolSaturationPercent ?? 90;
    const maxWait = props.maxWait ?? Duration.seconds(1);
    const errors: string[] = [];
    if (!(saturation > 0 && saturation <= 100))
      errors.push(
        `${where}: 'alerts.poolSaturationPercent' (${show(saturation)}) is not a percentage above 0 and at most 100 — give a share in percent, e.g. 90`,
      );
    if (!(maxWait.toMilliseconds() >= 1000 && maxWait.toMilliseconds() % 1000 === 0))
      errors.push(
        `${where}: 'alerts.maxWait' ('${maxWait.toMilliseconds()}ms') is not whole seconds of at least one — use e.g. Duration.seconds(1)`,
      );
    if (errors.length > 0)
      throw new Error(
        [`${where}: ${errors.length} invalid setting${errors.length === 1 ? '' : 's'}`, ...errors.map((e) => `  - ${e}`)].join('\n'),
      );
    const downSeverity = props.downSeverity ?? Severity.PAGE;
    const ticketSeverity = props.ticketSeverity ?? Severity.TICKET;
    this.groupName = `${db.name}-pgbouncer`;
    const m = `namespace=${JSON.stringify(db.namespace)},pod=~${JSON.stringify(deploymentPods(pooled))}`;
    const pool = `${m},database=${JSON.stringify(db.database)}`;
    const subject = `PgBouncer pooler ${pooled} of ${db.name} (${db.namespace})`;
    const busy = Math.ceil((pooler.defaultPoolSize * saturation) / 100);
    const rule = (name: string, severity: Severity, expr: string, forTime: Duration, summary: string, description: string): AlertRule => {
      const b = base(props, db.name, this.groupName, name, severity);
      return new AlertRule({
        name,
        expr,
        for: forTime,
        severity,
        summary,
        description,
        runbookUrl: b.runbookUrl,
        group: b.group,
        labels: {
          namespace: db.namespace,
          cnpg_cluster: db.name,
          [AlertLabelKeys.SERVICE]: db.name,
          ...(props.team !== undefined ? { [AlertLabelKeys.TEAM]: props.team } : {}),
        },
      });
    };
    this.rules = [
      rule(
        'PgBouncerDown',
        downSeverity,
        `sum by (namespace) (1 - cnpg_pgbouncer_last_collection_error{${m}}) == 0\nor\nabsent(cnpg_pgbouncer_last_collection_error{${m}})`,
        Duration.minutes(2),
        `${db.name}: no PgBouncer pod answers`,
        `No pod of the ${subject} answers its exporter, or none is scraped at all: every client that connects through ${pooled} is without its database, though PostgreSQL may be up. ` +
          `Check the Pooler (kubectl get pooler ${pooled} -n ${db.namespace}) and its pods' logs.`,
      ),
      rule(
        'PgBouncerPoolSaturated',
        ticketSeverity,
        `max by (namespace, pod, database, user) (cnpg_pgbouncer_pools_sv_active{${pool}}) >= ${busy}`,
        Duration.minutes(10),
        `${db.name}: pool {{ $labels.database }}/{{ $labels.user }} on {{ $labels.pod }} uses ${saturation}% of its server connections`,
        `The pool of database {{ $labels.database }} (user {{ $labels.user }}) on {{ $labels.pod }} has had ${busy} or more of its ${pooler.defaultPoolSize} server connections (default_pool_size) busy for 10 minutes: ` +
          'the next burst makes clients wait. Look for slow queries, or raise default_pool_size within the connection budget.',
      ),
      rule(
        'PgBouncerClientsWaiting',
        ticketSeverity,
        `max by (namespace, pod, database, user) (cnpg_pgbouncer_pools_maxwait{${pool}}) >= ${promNumber(maxWait.toSeconds())}\nand on (namespace, pod, database, user)\ncnpg_pgbouncer_pools_cl_waiting{${pool}} > 0`,
        Duration.minutes(5),
        `${db.name}: clients wait for a server connection on {{ $labels.pod }}`,
        `Clients of database {{ $labels.database }} (user {{ $labels.user }}) on {{ $labels.pod }} have queued for a server connection for ${maxWait.toSeconds()} s or more, for 5 minutes: ` +
          'every pooled server connection is busy, so requests queue and time out. Look for slow or idle-in-transaction queries, or raise default_pool_size within the connection budget.',
      ),
    ];
  }

  public alerts(): AlertRule[] {
    return [...this.rules];
  }
}
