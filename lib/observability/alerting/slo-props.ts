import { Duration } from 'cdk8s';
import { Severity } from './alert-rule';
import { BurnTierPolicy } from './burn-rate';
import { ReliableService } from '../../workload/reliable-service/reliable-service';
import { Sli } from './sli';

/** The alert raised when the SLI has no data. */
export interface NoDataAlertProps {
  /**
   * How long the recorded request or error rate may be missing before the alert fires (covers a restart of
   * Prometheus or of the target).
   * @default Duration.minutes(10)
   */
  readonly for?: Duration;
  /**
   * @default Severity.TICKET
   */
  readonly severity?: Severity;
}

/** Props of an {@link Slo}. */
export interface SloProps {
  /** The service the SLO belongs to: its name is the `service` label. */
  readonly service: ReliableService | string;
  /** The team that owns the service: the `team` label Alertmanager routes on. */
  readonly team: string;
  /** The objective as a percentage of good requests, e.g. `99.9` (0 < objective < 100). */
  readonly objective: number;
  /**
   * The rolling window the objective holds over (at least 3 days, the longest alert window).
   * @default Duration.days(30)
   */
  readonly window?: Duration;
  /** What is measured. */
  readonly sli: Sli;
  /** The runbook the on-call engineer opens (the `runbook_url` annotation of every alert): an http(s) URL. */
  readonly runbookUrl: string;
  /**
   * The `summary` annotation of the burn-rate alerts.
   * @default - '<service>: <slo> SLO error budget burning <factor>× too fast'
   */
  readonly summary?: string;
  /**
   * The `description` annotation of the burn-rate alerts.
   * @default - the objective, the window pair, the budget spent and when it runs out at this rate
   */
  readonly description?: string;
  /**
   * The `slo` label value.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Failed requests a burn-rate alert's long window must hold besides the error ratio: the
   * low-traffic guard. At 10 requests an hour a single failure is a 10 % error ratio, far above
   * any page threshold, yet no outage; two failures in the window are the least evidence of one,
   * and a total outage at 10 requests an hour has them within 6–12 minutes. Above `minFailedEvents
   * ÷ threshold` requests per long window (139 an hour for a 99.9 % objective) the ratio decides.
   * @default 2
   */
  readonly minFailedEvents?: number;
  /**
   * The window pairs. An objective whose pair would need an error ratio of 100 % or more (a 93 %
   * objective pages at 14.4 × 7 % = 1.008 over 1 h) is rejected, naming pairs that can fire.
   * @default - the Workbook's: page on 2 % of the budget in 1h/5m or 5 % in 6h/30m, ticket on 10 % in 1d/2h or 3d/6h
   */
  readonly tiers?: readonly BurnTierPolicy[];
  /**
   * Severity of the page alert (the fast pairs).
   * @default Severity.PAGE
   */
  readonly pageSeverity?: Severity;
  /**
   * Severity of the ticket alert (the slow pairs).
   * @default Severity.TICKET
   */
  readonly ticketSeverity?: Severity;
  /**
   * The alert for a missing SLI.
   * @default - after 10 minutes, Severity.TICKET
   */
  readonly noData?: NoDataAlertProps;
}
