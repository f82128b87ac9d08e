// The public API of lib/workload/: ReliableService and its probes and lifecycle hooks.
// Explicit lists: what is not named here is internal to the library.

export { PostStartHook } from './post-start-hook';
export { PreStopHook } from './pre-stop-hook';
export { Probe } from './probe';
export type { GrpcProbeOptions, HttpProbeOptions, PortName, ProbeCheck, ProbeTiming, ResolvedProbeTiming, TcpProbeOptions } from './probe';
export { ScalingPolicy, SelectPolicy, UnhealthyPodEvictionPolicy } from './reliable-service/props';
export type {
  AutoscalingProps,
  DisruptionBudgetProps,
  ExternalMetricProps,
  MonitoringProps,
  PodIdentityProps,
  PodsMetricProps,
  ProbesProps,
  ScalingBehaviorProps,
  ServicePorts,
  ServiceSpecProps,
  ShutdownProps,
  SpreadProps,
  WritableDirectory,
} from './reliable-service/props';
export { ReliableService } from './reliable-service/reliable-service';
export type { DependencyProps, IngressRuleProps, ReliableServiceProps } from './reliable-service/reliable-service';
