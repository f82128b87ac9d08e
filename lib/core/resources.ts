import { ContainerResources, k8s } from 'cdk8s-plus-28';
import { cpuMillis, sizeBytes } from './units';
import { Violations } from './validation';

/**
 * Checks a container's resources the same way for every construct: CPU and memory requests and a
 * memory limit are required (scheduling, QoS, and a bound on leaks); limits must not be below
 * requests. A CPU limit stays optional: without one the pod may use idle CPU and is never throttled.
 */
export function checkResources(v: Violations, resources: ContainerResources | undefined, prop = 'resources'): void {
  const cpu = resources?.cpu;
  const memory = resources?.memory;
  v.check(
    cpu?.request === undefined,
    `${prop}.cpu.request`,
    undefined,
    'is missing, so the scheduler cannot place the pod and it gets BestEffort QoS',
    `set ${prop}.cpu.request, e.g. Cpu.millis(100)`,
  );
  v.check(
    memory?.request === undefined,
    `${prop}.memory.request`,
    undefined,
    'is missing, so the scheduler cannot place the pod',
    `set ${prop}.memory.request, e.g. Size.mebibytes(256)`,
  );
  v.check(
    memory?.limit === undefined,
    `${prop}.memory.limit`,
    undefined,
    'is missing, so a leak can exhaust the node',
    `set ${prop}.memory.limit, e.g. Size.mebibytes(512)`,
  );
  if (memory?.request && memory.limit) {
    v.check(
      sizeBytes(memory.limit) < sizeBytes(memory.request),
      `${prop}.memory.limit`,
      memory.limit.asString(),
      `is below ${prop}.memory.request (${memory.request.asString()})`,
      'raise the limit to at least the request',
    );
  }
  if (cpu?.request && cpu.limit) {
    v.check(
      cpuMillis(cpu.limit) < cpuMillis(cpu.request),
      `${prop}.cpu.limit`,
      cpu.limit.amount,
      `is below ${prop}.cpu.request (${cpu.request.amount})`,
      'raise the limit to at least the request, or drop it',
    );
  }
}

/** The Kubernetes ResourceRequirements of cdk8s-plus-28 `ContainerResources`. */
export function renderResources(r: ContainerResources): k8s.ResourceRequirements {
  const requests: Record<string, k8s.Quantity> = {};
  const limits: Record<string, k8s.Quantity> = {};
  if (r.cpu?.request) requests.cpu = k8s.Quantity.fromString(r.cpu.request.amount);
  if (r.memory?.request) requests.memory = k8s.Quantity.fromString(r.memory.request.asString());
  if (r.ephemeralStorage?.request) requests['ephemeral-storage'] = k8s.Quantity.fromString(r.ephemeralStorage.request.asString());
  if (r.cpu?.limit) limits.cpu = k8s.Quantity.fromString(r.cpu.limit.amount);
  if (r.memory?.limit) limits.memory = k8s.Quantity.fromString(r.memory.limit.asString());
  if (r.ephemeralStorage?.limit) limits['ephemeral-storage'] = k8s.Quantity.fromString(r.ephemeralStorage.limit.asString());
  return { requests, limits };
}
