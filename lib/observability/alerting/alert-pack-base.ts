import { Duration } from 'cdk8s';
import { AlertRule, Severity } from './alert-rule';
import { AlertLabelKeys } from '../../core/conventions';
import { HAPostgres } from '../../data/ha-postgres/ha-postgres';
import { SymptomAlertProps } from './symptom-alerts';

// What the alert packs (service-alert-pack, postgres-alert-pack, backup-alert-pack) share: the
// props every pack takes, the runbook anchor per alert, the cluster-labelled rule builder and the
// page/ticket severity check.

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

/** Common builder props of a pack's alert. */
export function base(
  props: AlertPackProps,
  service: string,
  group: string,
  name: string,
  severity: Severity,
): SymptomAlertProps & { name: string } {
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
export type ClusterRule = (
  name: string,
  level: Severity,
  expr: string,
  forTime: Duration | undefined,
  summary: string,
  description: string,
) => AlertRule;

export function clusterRule(
  db: HAPostgres,
  props: AlertPackProps,
  group: string,
  pageSeverity: Severity,
  ticketSeverity: Severity,
): ClusterRule {
  return (name, level, expr, forTime, summary, description) => {
    const severity = level.pages ? pageSeverity : ticketSeverity;
    const b = base(props, db.name, group, name, severity);
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
}

/** The page and ticket severities of a database pack, checked: the page must page, the ticket must not. */
export function severities(
  props: { readonly pageSeverity?: Severity; readonly ticketSeverity?: Severity },
  check: (broken: boolean, prop: string, value: unknown, problem: string, fix: string) => void,
): { pageSeverity: Severity; ticketSeverity: Severity } {
  const pageSeverity = props.pageSeverity ?? Severity.PAGE;
  const ticketSeverity = props.ticketSeverity ?? Severity.TICKET;
  check(
    !pageSeverity.pages,
    'pageSeverity',
    String(pageSeverity),
    'does not page, so a primary-less database would wake no one',
    'use Severity.PAGE or Severity.P1',
  );
  check(
    ticketSeverity.pages,
    'ticketSeverity',
    String(ticketSeverity),
    'pages, so a lagging standby would wake someone at night',
    'use Severity.TICKET, Severity.P2 or Severity.P3',
  );
  return { pageSeverity, ticketSeverity };
}
