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
