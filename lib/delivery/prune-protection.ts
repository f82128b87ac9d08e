import { Annotations } from '../core/conventions';
import type { KubeJson } from '../core/json';

/** An object as rendered (JSON). */
type RenderedObject = KubeJson;

/**
 * Whether Flux garbage-collecting `o` loses data: the Namespace (deleting it deletes everything
 * in it), a CloudNativePG Cluster (its PVCs go with it), a PersistentVolumeClaim, and a
 * StatefulSet with volume claim templates.
 */
export function losesDataWhenPruned(o: RenderedObject): boolean {
  const group = String(o.apiVersion).split('/')[0];
  switch (o.kind) {
    case 'Namespace':
    case 'PersistentVolumeClaim':
      return o.apiVersion === 'v1';
    case 'Cluster':
      return group === 'postgresql.cnpg.io';
    case 'StatefulSet':
      return group === 'apps' && (o.spec?.volumeClaimTemplates ?? []).length > 0;
    default:
      return false;
  }
}

/**
 * `o` with `kustomize.toolkit.fluxcd.io/prune: disabled` when Flux pruning it would lose data
 * ({@link losesDataWhenPruned}); any other object is returned as it is. Deleting or renaming a
 * data layer's Kustomization (or moving an object out of it) then leaves the data in place.
 *
 * Applied by the delivery layer to every data-layer directory as it is rendered, not by each
 * construct: pruning is Flux's behaviour, and one rule here covers every stateful object any
 * construct (or a raw ApiObject) puts in a data layer, including the Namespace the SystemChart
 * emits, instead of relying on each construct to remember it.
 */
export function protectFromPrune(o: RenderedObject): RenderedObject {
  if (!losesDataWhenPruned(o) || o.metadata?.annotations?.[Annotations.FLUX_PRUNE] === 'disabled') return o;
  const { annotations, ...rest } = o.metadata ?? {};
  return { ...o, metadata: { annotations: { ...annotations, [Annotations.FLUX_PRUNE]: 'disabled' }, ...rest } };
}
