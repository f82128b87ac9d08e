import { Duration } from 'cdk8s';
import { AlertPack, AlertRule, Severity } from './alert-rule';
import { show } from '../../core/validation';
import { ReliableService } from '../../workload/reliable-service/reliable-service';
import { SymptomAlertProps, SymptomAlerts } from './symptom-alerts';

import { AlertPackProps, base } from './alert-pack-base';

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
  /** The HPA not scaling: ScalingActive or AbleToScale false, a metric without a value. @default Severity.TICKET */
  readonly hpaScaling?: Severity;
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
  readonly latency?: {
    readonly histogram: string;
    readonly threshold: Duration;
    readonly quantile?: number;
    readonly for?: Duration;
    /**
     * Further label matchers of the histogram's series, e.g. `route!="/ws"` to leave out
     * WebSocket upgrades, whose duration is the connection's lifetime, not a latency.
     * @default - every request of the service
     */
    readonly matchers?: string;
  };
  /**
   * How long the service must be down (no target up, or no replica available) before the down
   * alert fires.
   * @default - 2 minutes without a target up; 5 minutes without an available replica
   */
  readonly downFor?: Duration;
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
 * memory near the limit, and with an HPA: at its maximum, not scaling (ScalingActive or
 * AbleToScale false) and a metric it scales on without a value.
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
    const requestProps = (['requests', 'errors', 'maxErrorPercent', 'latency'] as const).filter(
      (k) => props[k] !== undefined && props[k] !== false,
    );
    const serves = service.isMonitored && props.requests !== false;
    if (!serves && requestProps.length > 0) {
      const why = service.isMonitored ? "'alerts.requests' is false (no requests served)" : `${service.name} has no ServiceMonitor`;
      const prop = requestProps[0];
      const value = prop === 'latency' ? `histogram ${props.latency?.histogram}` : props[prop];
      throw new Error(
        `${where}: 'alerts.${prop}' (${show(value)}) cannot apply: ${why}, so no request metric is scraped — ` +
          (service.isMonitored ? 'remove it, or give the request counter' : 'remove it, or set the monitoring prop of the service'),
      );
    }
    const s = props.severities ?? {};
    this.groupName = `${service.name}-symptoms`;
    const common = (name: string, severity: Severity | undefined, fallback: Severity): SymptomAlertProps =>
      base(props, service.name, this.groupName, name, severity ?? fallback);
    const pods = { namespace: service.namespace, pods: SymptomAlerts.deploymentPods(service.name) };
    this.rules = [
      service.isMonitored
        ? SymptomAlerts.targetDown({
            ...common('TargetDown', s.down, Severity.PAGE),
            namespace: service.namespace,
            job: service.name,
            for: props.downFor,
          })
        : SymptomAlerts.deploymentUnavailable({
            ...common('DeploymentUnavailable', s.down, Severity.PAGE),
            namespace: service.namespace,
            deployment: service.name,
            for: props.downFor,
          }),
      ...(serves
        ? [
            SymptomAlerts.errorRatio({
              ...common('HighErrorRate', s.errors, Severity.TICKET),
              requests:
                typeof props.requests === 'string'
                  ? props.requests
                  : `http_requests_total{namespace=${JSON.stringify(service.namespace)},job=${JSON.stringify(service.name)}}`,
              errors: props.errors,
              maxPercent: props.maxErrorPercent,
              labels: { namespace: service.namespace },
            }),
          ]
        : []),
      ...(props.latency
        ? [
            SymptomAlerts.latencyAbove({
              ...common('HighLatency', s.latency, Severity.TICKET),
              histogram: props.latency.histogram,
              selector: `{namespace=${JSON.stringify(service.namespace)},job=${JSON.stringify(service.name)}${props.latency.matchers ? `,${props.latency.matchers}` : ''}}`,
              threshold: props.latency.threshold,
              quantile: props.latency.quantile,
              for: props.latency.for,
              labels: { namespace: service.namespace },
            }),
          ]
        : []),
      SymptomAlerts.crashLooping({ ...common('PodCrashLooping', s.crashLooping, Severity.TICKET), ...pods }),
      SymptomAlerts.podNotReady({ ...common('PodNotReady', s.notReady, Severity.TICKET), ...pods }),
      SymptomAlerts.memoryNearLimit({
        ...common('MemoryNearLimit', s.memory, Severity.TICKET),
        ...pods,
        maxPercent: props.memoryMaxPercent,
      }),
      // Without an HPA the replica count is fixed: nothing to max out, nothing to stop scaling.
      ...(service.replicas === undefined
        ? [
            SymptomAlerts.hpaMaxedOut({
              ...common('HpaMaxedOut', s.hpaMaxedOut, Severity.TICKET),
              namespace: service.namespace,
              hpa: service.name,
            }),
            ...(
              [
                ['HpaScalingInactive', SymptomAlerts.hpaScalingInactive],
                ['HpaUnableToScale', SymptomAlerts.hpaUnableToScale],
                ['HpaMetricUnavailable', SymptomAlerts.hpaMetricUnavailable],
              ] as const
            ).map(([name, build]) =>
              build({ ...common(name, s.hpaScaling, Severity.TICKET), namespace: service.namespace, hpa: service.name }),
            ),
          ]
        : []),
    ];
  }

  public alerts(): AlertRule[] {
    return [...this.rules];
  }
}
