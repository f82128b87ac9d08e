// The public API of lib/delivery/: ReliakitApp, environment stages and the Flux tree.
// Explicit lists: what is not named here is internal to the library.

export { EnvironmentStage } from './environment-stage';
export type { EnvironmentStageProps } from './environment-stage';
export { FluxCluster } from './flux-cluster';
export type { FluxSettings, GitSourceProps, InfrastructureProps, InfrastructureSettings, SecretStoreProps } from './flux-settings';
export { DEFAULT_PROGRESS_DEADLINE_SECONDS, kustomizationTimeout, ROLLOUT_MARGIN, slowestRolloutSeconds, withRolloutTimeout } from './flux-timeout';
export { infrastructureComponents } from './infrastructure-charts';
export type { HelmRepositorySource, InfrastructureChartSettings, InfrastructureComponent } from './infrastructure-charts';
export { InfrastructureConfigs } from './infrastructure-configs';
export type { InfrastructureConfigsProps } from './infrastructure-configs';
export { Infrastructure } from './infrastructure';
export type { InfrastructureChartProps } from './infrastructure';
export { isSelectedMonitoringObject, SELECTED_MONITORING_KINDS, withMonitoringLabels } from './monitoring-labels';
export { PLATFORM_PRIORITY_CLASS, priorityClasses } from './priority-classes';
export type { PriorityClassSpec } from './priority-classes';
export { losesDataWhenPruned, protectFromPrune } from './prune-protection';
export { ReliakitApp } from './reliakit-app';
export type { ReliakitAppProps, RenderedDirectory, RenderedFile, TreeFile } from './reliakit-app';
