import { ContainerResources, k8s } from 'cdk8s-plus-28';
import { sizeBytes } from './units';
import { Violations } from './validation';

/**
 * Checks a container's resources the same way for every construct: CPU and memory requests and a
 * memory limit are required (scheduling, QoS, and a bound on leaks); the memory limit must not be
 * below the request. No CPU limit, by rule: a CFS quota throttles a container in 100 ms periods
 * even on an idle node (tail latency, probe timeouts), while the CPU request already guarantees its
 * share under contention (docs/ARCHITECTURE.md, house style 4; Polaris's cpuLimitsMissing is
 * exempted with that reason, lib/core/polaris-exemption.ts).
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
  v.check(
    cpu?.limit !== undefined,
    `${prop}.cpu.limit`,
    cpu?.limit?.amount,
    'is set, but Reliakit sets no CPU limits: a CFS quota throttles the container even on an idle node',
    `remove ${prop}.cpu.limit; raise ${prop}.cpu.request if the container needs a guaranteed share`,
  );
}

/** The Kubernetes ResourceRequirements of cdk8s-plus-28 `ContainerResources`. */
export function renderResources(r: ContainerResources): k8s.ResourceRequirements {
  const requests: Record<string, k8s.Quantity> = {};
  const limits: Record<string, k8s.Quantity> = {};
  if (r.cpu?.request) requests.cpu = k8s.Quantity.fromString(r.cpu.request.amount);
  if (r.memory?.request) requests.memory = k8s.Quantity.fromString(r.memory.request.asString());
  if (r.ephemeralStorage?.request) requests['ephemeral-storage'] = k8s.Quantity.fromString(r.ephemeralStorage.request.asString());
  if (r.memory?.limit) limits.memory = k8s.Quantity.fromString(r.memory.limit.asString());
  if (r.ephemeralStorage?.limit) limits['ephemeral-storage'] = k8s.Quantity.fromString(r.ephemeralStorage.limit.asString());
  return { requests, limits };
}
