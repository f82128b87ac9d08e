/**
 * The Secrets and ConfigMaps an object reads, and the ones a manifest set provides: as objects,
 * or produced once applied by an ExternalSecret, a cert-manager Certificate or CloudNativePG (the
 * library's one list of producers, `producedSecrets`).
 */
import { producedSecrets } from '../../lib';
import type { KubeJson, SecretProducerObject } from '../../lib';
import { namespaceOf } from './pods';

/** A Secret or ConfigMap an object reads. */
export interface Reference {
  readonly kind: 'Secret' | 'ConfigMap';
  /** Where in the object, e.g. `Deployment/api/template/spec/containers/0/env/1/valueFrom/secretKeyRef`. */
  readonly at: string;
  readonly namespace: string;
  readonly name: string;
}

const isObject = (v: unknown): v is KubeJson => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every Secret an object reads: pod env (secretKeyRef), envFrom and volumes, image pull Secrets,
 * and the `{ name, key }` Secret key selectors and `secretRef`s of custom resources (CNPG
 * ObjectStore credentials, AlertmanagerConfig receivers, Traefik TLS, Flux sources, secret store
 * auth). A selector's own `namespace` (cluster-scoped objects) wins over the object's. Optional
 * references, ConfigMap references and external-secrets' remote references (keys in the store,
 * not Secrets) are skipped; a Certificate's `secretName` is what it writes, not what it reads.
 */
export function secretReferences(o: KubeJson): Reference[] {
  const found: Reference[] = [];
  const own = namespaceOf(o);
  const ref = (at: string, name: string, namespace?: string) => found.push({ kind: 'Secret', at, name, namespace: namespace ?? own });
  const walk = (value: unknown, at: string): void => {
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${at}/${i}`));
    if (!isObject(value) || value.optional === true) return;
    if (/configmap/i.test(at)) return;
    if (typeof value.name === 'string' && typeof value.key === 'string' && !/remoteRef/i.test(at)) ref(at, value.name, value.namespace);
    for (const [k, child] of Object.entries(value)) {
      if (k === 'secretName' && typeof child === 'string' && o.kind !== 'Certificate') ref(`${at}/${k}`, child);
      else if (k === 'secretRef' && isObject(child) && typeof child.name === 'string') {
        if (child.optional !== true) ref(`${at}/${k}`, child.name, child.namespace);
      } else if (k === 'imagePullSecrets' && Array.isArray(child)) {
        child.forEach((s: KubeJson, i) => typeof s?.name === 'string' && ref(`${at}/${k}/${i}`, s.name));
      } else walk(child, `${at}/${k}`);
    }
  };
  walk(o.spec, `${o.kind}/${o.metadata?.name}`);
  return found;
}

/** Every ConfigMap an object reads: `configMapKeyRef`, `configMapRef` (envFrom) and `configMap` volumes and projections. */
export function configMapReferences(o: KubeJson): Reference[] {
  const found: Reference[] = [];
  const walk = (value: unknown, at: string): void => {
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${at}/${i}`));
    if (!isObject(value)) return;
    for (const [k, child] of Object.entries(value)) {
      const isRef = ['configMapKeyRef', 'configMapRef', 'configMap'].includes(k) && isObject(child) && typeof child.name === 'string';
      if (isRef && child.optional !== true)
        found.push({ kind: 'ConfigMap', at: `${at}/${k}`, name: child.name, namespace: namespaceOf(o) });
      else if (!isRef) walk(child, `${at}/${k}`);
    }
  };
  walk(o.spec, `${o.kind}/${o.metadata?.name}`);
  return found;
}

/** `Kind namespace/name` of every Secret and ConfigMap the objects provide: as objects, or produced once applied. */
export function providedKeys(objects: readonly KubeJson[]): Set<string> {
  const keys = new Set<string>();
  for (const o of objects) {
    if ((o.kind === 'Secret' || o.kind === 'ConfigMap') && o.apiVersion === 'v1')
      keys.add(`${o.kind} ${namespaceOf(o)}/${o.metadata?.name}`);
    if (typeof o.apiVersion !== 'string' || typeof o.metadata?.name !== 'string') continue;
    for (const s of producedSecrets(o as SecretProducerObject)) keys.add(`Secret ${s.namespace}/${s.name}`);
  }
  return keys;
}

/** Every Secret reference of `objects` without a producer among them, as `<where> → <namespace>/<name>`. */
export function unproducedSecretReferences(objects: readonly KubeJson[]): string[] {
  const provided = providedKeys(objects);
  return objects
    .flatMap(secretReferences)
    .filter((r) => !provided.has(`Secret ${r.namespace}/${r.name}`))
    .map((r) => `${r.at} → ${r.namespace}/${r.name}`);
}
