// The public API of lib/chaos/: ChaosExperiment, faults and steady-state probes.
// Explicit lists: what is not named here is internal to the library.

export { ChaosExperiment, JobCleanUpPolicy } from './chaos-experiment';
export type { ChaosExperimentProps } from './chaos-experiment';
export { ChaosFault } from './chaos-fault';
export type { IChaosDependency } from './chaos-fault';
export { ChaosSchedule } from './chaos-schedule';
export type { ChaosScheduleProps, ScheduledEngine } from './chaos-schedule';
export type {
  ChaosFaultBaseProps,
  ChaosFaultEnv,
  CpuHogProps,
  DependencyFailureProps,
  NetworkLatencyProps,
  PodDeleteProps,
} from './chaos-fault';
export { ProbeMode, SteadyStateProbe } from './steady-state-probe';
export type {
  HttpSteadyStateProps,
  ProbeRunProps,
  PromCriteria,
  PrometheusSteadyStateProps,
  SloSteadyStateProps,
} from './steady-state-probe';
