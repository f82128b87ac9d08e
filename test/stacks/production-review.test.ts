/**
 * Invariants from the production review (issue #12) over each environment's whole Flux tree:
 * what a Flux-only rollout needs to exist, exist in the tree itself — nothing written by another
 * delivery path (Pulumi) or assumed to be in the cluster.
 */
import { buildApp } from '../../stacks/main';
import { environmentTrees, unproducedSecretReferences } from '../support/tree';

const dirs = buildApp().render();
const trees = [...environmentTrees(dirs).entries()];

describe.each(trees)('%s tree', (_env, entries) => {
  const objects = entries.map((e) => e.object);

  // Finding 1: the social-backend and listings backup credentials were written only by Pulumi.
  test('every Secret an object reads is produced in the same tree (synced, issued or operator-generated)', () => {
    expect(unproducedSecretReferences(objects)).toEqual([]);
  });
});
