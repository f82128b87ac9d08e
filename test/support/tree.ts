/**
 * Helpers over a rendered Flux tree for the cross-object invariants (test/stacks/): the objects of
 * each environment's whole tree, and the Secrets objects read and produce.
 */
import { RenderedDirectory, SystemChart } from '../../lib';
import { Manifest } from './synth';

/** Every object of each environment's tree (apps, data layers, infrastructure, clusters), by environment name. */
export function environmentTrees(dirs: readonly RenderedDirectory[]): Map<string, Array<{ dir: string; object: Manifest }>> {
  const out = new Map<string, Array<{ dir: string; object: Manifest }>>();
  for (const d of dirs) {
    const list = out.get(d.environment.name) ?? [];
    for (const object of d.files.flatMap((f) => f.objects)) list.push({ dir: d.path, object });
    out.set(d.environment.name, list);
  }
  return out;
}

// The Secret references and their producers: one implementation, the audit's (`reliakit audit`).
export { secretReferences, unproducedSecretReferences } from '../../cli/audit/references';

/**
 * The objects of every system's apps and data layer, keyed `<env>/<system>`: one case per system and
 * environment, its two directories together, since policies and selectors cross between them.
 */
export function objectsBySystem(dirs: readonly RenderedDirectory[]): Map<string, Manifest[]> {
  const bySystem = new Map<string, Manifest[]>();
  for (const d of dirs.filter((x) => x.path.startsWith('apps/'))) {
    const key = `${d.environment.name}/${(d.chart as SystemChart).system}`;
    bySystem.set(key, [...(bySystem.get(key) ?? []), ...d.files.flatMap((f) => f.objects)]);
  }
  return bySystem;
}
