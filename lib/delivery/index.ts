// The public API of lib/delivery/: ReliakitApp, environment stages and the Flux tree.
// Explicit lists: what is not named here is internal to the library.

export { EnvironmentStage } from './environment-stage';
export type { EnvironmentStageProps } from './environment-stage';
export { FluxCluster } from './flux-cluster';
export type { FluxSettings, GitSourceProps, InfrastructureProps, InfrastructureSettings, SecretStoreProps } from './flux-settings';
export { InfrastructureConfigs } from './infrastructure-configs';
export type { InfrastructureConfigsProps } from './infrastructure-configs';
export { Infrastructure } from './infrastructure';
export type { InfrastructureChartProps } from './infrastructure';
export { ReliakitApp } from './reliakit-app';
export type { ReliakitAppProps, RenderedDirectory, RenderedFile, TreeFile, TreeSelection } from './reliakit-app';
