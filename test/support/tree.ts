/**
 * Helpers over a rendered Flux tree for the cross-object invariants (test/stacks/): the objects of
 * each environment's whole tree, and the Secrets objects read and produce.
 */
import { RenderedDirectory, SystemChart } from '../../lib';
import { producedSecrets, SecretProducerObject } from '../../lib/data/secret-producers';
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

/** A Secret an object reads. */
export interface SecretReference {
  /** Where, e.g. `ObjectStore/x/configuration/s3Credentials/accessKeyId`. */
  readonly at: string;
  readonly namespace: string;
  readonly name: string;
}

/**
 * Every Secret an object reads: pod env (secretKeyRef), envFrom and volumes, image pull Secrets,
 * and the `{ name, key }` Secret key selectors and `secretRef`s of custom resources (CNPG
 * ObjectStore credentials, AlertmanagerConfig receivers, Traefik TLS, Flux sources, secret store
 * auth). A selector's own `namespace` (cluster-scoped objects) wins over the object's. ConfigMap
 * references and external-secrets' remote references (keys in the store, not Secrets) are skipped;
 * a Certificate's `secretName` is what it writes, not what it reads.
 */
export function secretReferences(o: Manifest): SecretReference[] {
  const found: SecretReference[] = [];
  const own = o.metadata.namespace ?? '';
  const walk = (value: unknown, at: string): void => {
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${at}/${i}`));
    if (typeof value !== 'object' || value === null) return;
    if (/configmap/i.test(at)) return;
    const v = value as Manifest;
    if (typeof v.name === 'string' && typeof v.key === 'string' && !/remoteRef|configMap/i.test(at)) {
      found.push({ at, name: v.name, namespace: v.namespace ?? own });
    }
    for (const [k, child] of Object.entries(v)) {
      if (k === 'secretName' && typeof child === 'string' && o.kind !== 'Certificate')
        found.push({ at: `${at}/${k}`, name: child, namespace: own });
      else if (k === 'secretRef' && typeof (child as Manifest)?.name === 'string') {
        found.push({ at: `${at}/${k}`, name: (child as Manifest).name, namespace: (child as Manifest).namespace ?? own });
      } else if (k === 'imagePullSecrets' && Array.isArray(child)) {
        child.forEach((s: Manifest, i) => found.push({ at: `${at}/${k}/${i}`, name: s.name, namespace: own }));
      } else walk(child, `${at}/${k}`);
    }
  };
  walk(o.spec, `${o.kind}/${o.metadata.name}`);
  return found;
}

/** `namespace/name` of every Secret the objects produce (lib/data/secret-producers.ts). */
export function producedSecretKeys(objects: readonly Manifest[]): Set<string> {
  return new Set(objects.flatMap((o) => producedSecrets(o as SecretProducerObject)).map((s) => `${s.namespace}/${s.name}`));
}

/** Every Secret reference of `objects` without a producer among them, as `<where> → <namespace>/<name>`. */
export function unproducedSecretReferences(objects: readonly Manifest[]): string[] {
  const produced = producedSecretKeys(objects);
  return objects
    .flatMap(secretReferences)
    .filter((r) => !produced.has(`${r.namespace}/${r.name}`))
    .map((r) => `${r.at} → ${r.namespace}/${r.name}`);
}

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
