// The public API of lib/observability/: SLOs, alerting rules, packs and routing, and Grafana dashboards.
// Explicit lists: what is not named here is internal to the library.

export type { AlertPackProps } from './alerting/alert-pack-base';
export { AlertRouting } from './alerting/alert-routing';
export type { AlertRoutingProps, EmailDigestProps, PagerDutyRouteProps, SlackRouteProps } from './alerting/alert-routing';
export { AlertRule, Severity } from './alerting/alert-rule';
export type {
  AlertPack,
  AlertRuleProps,
  PrometheusRuleDefinition,
  PrometheusRuleFile,
  PrometheusRuleGroupDefinition,
} from './alerting/alert-rule';
export { AlertingRuleset } from './alerting/alerting-ruleset';
export type { AlertingRulesetProps } from './alerting/alerting-ruleset';
export { BackupAlertPack } from './alerting/backup-alert-pack';
export type { BackupAlertsProps } from './alerting/backup-alert-pack';
export { PostgresAlertPack, WalArchiveAlertPack } from './alerting/postgres-alert-pack';
export type { PostgresAlertsProps, WalArchiveAlertsProps } from './alerting/postgres-alert-pack';
export { PgBouncerAlertPack } from './alerting/pgbouncer-alert-pack';
export type { PgBouncerAlertsProps } from './alerting/pgbouncer-alert-pack';
export type { PromtoolTestFile, PromtoolTestGroup } from './alerting/promtool-tests';
export { RedisAlertPack } from './alerting/redis-alert-pack';
export type { RedisAlertsProps } from './alerting/redis-alert-pack';
export { RestoreDrillAlertPack } from './alerting/restore-drill-alert-pack';
export type { RestoreDrillAlertsProps } from './alerting/restore-drill-alert-pack';
export { ServiceAlertPack } from './alerting/service-alert-pack';
export type { ServiceAlertSeverities, ServiceAlertsProps } from './alerting/service-alert-pack';
export { Sli } from './alerting/sli';
export type { LatencySliProps, RequestsSliProps } from './alerting/sli';
export type { NoDataAlertProps, SloProps } from './alerting/slo-props';
export { Slo } from './alerting/slo';
export { SymptomAlerts } from './alerting/symptom-alerts';
export type {
  CircuitBreakerProps,
  ConnectionPoolProps,
  CronJobStaleProps,
  DeploymentUnavailableProps,
  ErrorRatioProps,
  HpaMaxedOutProps,
  JobFailedProps,
  LatencyProps,
  MemoryNearLimitProps,
  PodSymptomProps,
  SymptomAlertProps,
  TargetDownProps,
  VolumeSpaceLowProps,
  WebSocketDropsProps,
} from './alerting/symptom-alerts';
export { DatabaseDashboard } from './dashboards/database-dashboard';
export type { DatabaseDashboardProps } from './dashboards/database-dashboard';
export { GrafanaDashboard } from './dashboards/grafana-dashboard';
export type { DashboardQuery, GrafanaDashboardProps } from './dashboards/grafana-dashboard';
export { ServiceDashboard } from './dashboards/service-dashboard';
export type { ServiceDashboardProps, ServiceLatencyMetricProps, ServiceMetricsProps } from './dashboards/service-dashboard';
export { SloDashboard } from './dashboards/slo-dashboard';
export type { SloDashboardProps } from './dashboards/slo-dashboard';
