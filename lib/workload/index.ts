// The public API of lib/workload/: ReliableService and its probes and lifecycle hooks.
// Explicit lists: what is not named here is internal to the library.

export { PostStartHook } from './post-start-hook';
export { PreStopHook } from './pre-stop-hook';
export { Probe } from './probe';
export type { GrpcProbeOptions, HttpProbeOptions, PortName, ProbeCheck, ProbeTiming, ResolvedProbeTiming, TcpProbeOptions } from './probe';
export { ReliableService, ScalingPolicy, SelectPolicy, UnhealthyPodEvictionPolicy } from './reliable-service';
export type { AutoscalingProps, DependencyProps, DisruptionBudgetProps, ExternalMetricProps, IngressRuleProps, MonitoringProps, PodIdentityProps, PodsMetricProps, ProbesProps, ReliableServiceProps, ScalingBehaviorProps, ServicePorts, ShutdownProps, SpreadProps, WritableDirectory } from './reliable-service';
