/**
 * Manifest directories as the CLI reads them: every Kubernetes object of every YAML file below a
 * directory, with the file it came from. kustomize's own `kustomization.yaml` is not an object.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import type { KubeJson } from '../lib';

/** One object of a manifest directory. */
export interface LocatedObject {
  /** The file, relative to the directory, with `/` separators. */
  readonly file: string;
  /** Its position among the file's documents (0-based). */
  readonly index: number;
  readonly object: KubeJson;
}

/** A YAML document that is not a Kubernetes object (or not YAML at all). */
export interface UnreadableDocument {
  readonly file: string;
  readonly index: number;
  readonly message: string;
}

/** The objects of a directory and what could not be read. */
export interface ManifestTree {
  readonly objects: LocatedObject[];
  readonly unreadable: UnreadableDocument[];
  /** Every YAML file read, relative, in sorted order. */
  readonly files: string[];
}

/** Every `.yaml`/`.yml` file below `dir`, relative, sorted (deterministic reports). */
export function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && !e.name.startsWith('.')) walk(child);
      } else if (/\.ya?ml$/.test(e.name)) out.push(child);
    }
  };
  walk('');
  return out;
}

/** Whether `o` is kustomize's build file rather than an object applied to the cluster. */
export function isKustomizeFile(o: KubeJson): boolean {
  return typeof o.apiVersion === 'string' && o.apiVersion.startsWith('kustomize.config.k8s.io/');
}

/** Reads every object below `dir`; throws naming the directory when it does not exist. */
export function readManifests(dir: string): ManifestTree {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`${dir}: not a directory — give the directory of the manifests (e.g. dist)`);
  }
  const objects: LocatedObject[] = [];
  const unreadable: UnreadableDocument[] = [];
  const files = yamlFiles(dir);
  for (const file of files) {
    const docs = parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'));
    docs.forEach((doc, index) => {
      if (doc.errors.length > 0) {
        unreadable.push({ file, index, message: `not valid YAML: ${doc.errors[0].message.split('\n')[0]}` });
        return;
      }
      const value: unknown = doc.toJS();
      if (value === null || value === undefined) return; // an empty document (`---` at the end)
      if (typeof value !== 'object' || Array.isArray(value)) {
        unreadable.push({ file, index, message: `not a Kubernetes object (a YAML ${Array.isArray(value) ? 'list' : typeof value})` });
        return;
      }
      const object = value as KubeJson;
      if (isKustomizeFile(object)) return;
      objects.push({ file, index, object });
    });
  }
  return { objects, unreadable, files };
}

/** `Kind namespace/name` (or `Kind name` for a cluster-scoped object): how reports name an object. */
export function objectLabel(o: KubeJson): string {
  const ns = o.metadata?.namespace ? `${o.metadata.namespace}/` : '';
  return `${o.kind ?? '<no kind>'} ${ns}${o.metadata?.name ?? '<unnamed>'}`;
}
