import { Duration } from 'cdk8s';
import { goDuration } from '../core/units';
import type { KubeJson } from '../core/json';

/** An object as rendered (JSON). */
type RenderedObject = KubeJson;

/** What Kubernetes uses when a Deployment sets no `progressDeadlineSeconds`. */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

/**
 * Added to the slowest rollout's progress deadline. The Deployment's clock starts only once Flux
 * has applied the directory (server-side apply of every object, then the first health poll), so a
 * timeout equal to the deadline would expire first and Flux would report its own generic timeout
 * instead of the Deployment's `ProgressDeadlineExceeded`, the actual cause. Two minutes covers the
 * apply of a system's few hundred objects with room to spare.
 */
export const ROLLOUT_MARGIN = Duration.minutes(2);

/**
 * The longest `progressDeadlineSeconds` among the Deployments in `objects` (Kubernetes' default
 * where unset), or undefined when there is no Deployment.
 */
export function slowestRolloutSeconds(objects: readonly RenderedObject[]): number | undefined {
  const deadlines = objects
    .filter((o) => o.kind === 'Deployment' && o.apiVersion === 'apps/v1')
    .map((o) => o.spec?.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS);
  return deadlines.length > 0 ? Math.max(...deadlines) : undefined;
}

/**
 * How long a Flux Kustomization applying `objects` waits for them (`wait: true`): the slowest
 * rollout's progress deadline plus {@link ROLLOUT_MARGIN}, never less than `floor` (the app's
 * `timeout`). A Deployment's deadline bounds each step without progress, not the whole rollout, so
 * a slow but progressing rollout may still exceed it; Flux then retries after `retryInterval`.
 */
export function kustomizationTimeout(objects: readonly RenderedObject[], floor: Duration, margin: Duration = ROLLOUT_MARGIN): Duration {
  const slowest = slowestRolloutSeconds(objects);
  const floorSeconds = floor.toSeconds();
  if (slowest === undefined) return floor;
  const derived = slowest + margin.toSeconds();
  return derived > floorSeconds ? Duration.seconds(derived) : floor;
}

/**
 * A rendered Flux Kustomization with `spec.timeout` set from the objects of the directory it
 * applies ({@link kustomizationTimeout}); any other object, and a Kustomization of a directory not
 * in `objectsByPath` (the infrastructure's, which sets its own), is returned as it is.
 * `objectsByPath` maps a directory (`apps/prod/homepage`) to its rendered objects.
 */
export function withRolloutTimeout(
  o: RenderedObject,
  objectsByPath: ReadonlyMap<string, readonly RenderedObject[]>,
  floor: Duration,
): RenderedObject {
  if (o.kind !== 'Kustomization' || !String(o.apiVersion).startsWith('kustomize.toolkit.fluxcd.io/')) return o;
  const objects = objectsByPath.get(String(o.spec.path).replace(/^\.\//, ''));
  if (!objects) return o;
  return { ...o, spec: { ...o.spec, timeout: goDuration(kustomizationTimeout(objects, floor)) } };
}
