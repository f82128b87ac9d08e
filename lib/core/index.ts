// The public API of lib/core/: conventions, environments, env values, network peers, the SystemChart scope and the reliability-facts and scrape-target extension points.
// Explicit lists: what is not named here is internal to the library.

export {
  AlertAnnotationKeys,
  AlertLabelKeys,
  Annotations,
  CNPG_EXPORTER_METRICS,
  CNPG_POOLER_METRICS,
  DASHBOARD_DATASOURCE_VARIABLE,
  GrafanaSidecar,
  isDnsLabel,
  isLabelValue,
  LabelKeys,
  MANAGED_BY,
  NAMESPACE_NAME_LABEL,
  recommendedLabels,
  RecoveryAlertNames,
  REDIS_EXPORTER_METRICS,
  RELIAKIT_VERSION,
  resourceName,
  RestoreDrillRecords,
  selectorLabels,
  SLI_WINDOWS,
  SloAlertNames,
  SloRecords,
  toLabelValue,
} from './conventions';
export type { ComponentIdentity, SliWindow } from './conventions';
export { ApiServerEndpoint } from './api-server';
export { EnvValue } from './env-value';
export { Environment } from './environment';
export type { PerEnvironment } from './environment';
export { Images, PATCHED_RELEASES, unpatchedImageProblem } from './images';
export type { PatchedRelease, PatchedSoftware } from './images';
export type { KubeJson } from './json';
export { NetworkPeer } from './network-peer';
export type {
  AlertFact,
  AlertRoutingFact,
  BackupFact,
  BurnRateFact,
  CacheFact,
  ChaosFact,
  DashboardFact,
  DatabaseFact,
  GatewayFact,
  IReliabilityFacts,
  ProbeFact,
  ReliabilityFacts,
  RestoreDrillFact,
  ServiceFact,
  SeverityFact,
  SloFact,
} from './reliability-facts';
export { podMonitorTarget, serviceMonitorTarget } from './scrape-targets';
export type { IScrapeSelectors, IScrapeTargets, LabelMatcherFact, MonitorRef, ScrapeTarget, SelectorUse } from './scrape-targets';
export { StorageClass } from './storage-class';
export { PriorityClass } from './priority-class';
export { PolarisExemption } from './polaris-exemption';
export { SystemChart } from './system-chart';
export type { FluxHealthCheck, ISystemStage, SystemChartProps } from './system-chart';
export { callSite, ValidationError } from './validation';
export type { SourceSite, ValidationProblem } from './validation';
