import type { Environment } from '../core/environment';
import type { SystemChart } from '../core/system-chart';

/** Name of the Flux Kustomization (and directory suffix) of a system's data layer. */
export function dataLayerName(system: SystemChart): string {
  return `${system.system}-data`;
}

/** The directory of a system's manifests, relative to the output directory. */
export function appDirectory(environment: Environment, system: SystemChart): string {
  return `apps/${environment.name}/${system.system}`;
}

/** The directory of a system's data layer (stateful components), relative to the output directory. */
export function dataDirectory(environment: Environment, system: SystemChart): string {
  return `apps/${environment.name}/${dataLayerName(system)}`;
}

/** The directory of an environment's Flux objects, relative to the output directory. */
export function clusterDirectory(environment: Environment): string {
  return `clusters/${environment.name}`;
}

/** Name of the Flux Kustomization every system depends on: the infrastructure's last layer. */
export const INFRASTRUCTURE = 'infrastructure';

/** Name of the Flux Kustomization of the infrastructure's controllers (applied before its configs). */
export const INFRASTRUCTURE_CONTROLLERS = 'infrastructure-controllers';

/**
 * A part of the infrastructure, relative to the output directory: `controllers` (Helm releases,
 * namespaces, PriorityClasses) or `configs` (custom resources of those controllers, applied once
 * their CRDs exist), as in fluxcd/flux2-kustomize-helm-example.
 */
export function infrastructureDirectory(environment: Environment, part: 'controllers' | 'configs'): string {
  return `infrastructure/${environment.name}/${part}`;
}
