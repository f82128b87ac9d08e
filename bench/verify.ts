/**
 * Proves the routes emit the same objects: parses every YAML file a route wrote (YAML 1.1, as
 * written) and compares the parsed documents, ignoring file layout, document order and key order.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import type { Manifest } from './routes';

/** The kustomize index files only the Flux layout has; they list files, they are not objects. */
const KUSTOMIZE_INDEX = 'kustomization.yaml';

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(p);
    return e.name.endsWith('.yaml') && e.name !== KUSTOMIZE_INDEX ? [p] : [];
  });
}

/** Every Kubernetes object under `dir`. Throws on any YAML error. */
export function readManifests(dir: string): Manifest[] {
  return yamlFiles(dir).flatMap((file) =>
    YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'), { version: '1.1' }).flatMap((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const js = doc.toJS() as Manifest | null;
      return js === null ? [] : [js];
    }),
  );
}

/** Number of files under `dir` (the layout a route produced). */
export function countFiles(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1), 0);
}

/** JSON with sorted keys: equal strings ⇔ equal content regardless of key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function identity(m: Manifest): string {
  return `${m.apiVersion}/${m.kind} ${m.metadata?.namespace ?? '-'}/${m.metadata?.name}`;
}

/** The first path at which two JSON values differ, for a readable failure. */
function firstDifference(a: unknown, b: unknown, at = ''): string | undefined {
  if (canonical(a) === canonical(b)) return undefined;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}/${k}`);
      if (d) return d;
    }
  }
  return `${at || '/'}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
}

function index(objects: readonly Manifest[], label: string, problems: string[]): Map<string, Manifest> {
  const byId = new Map<string, Manifest>();
  for (const o of objects) {
    const id = identity(o);
    if (byId.has(id)) problems.push(`${label}: ${id} appears twice`);
    byId.set(id, o);
  }
  return byId;
}

function kindCounts(objects: readonly Manifest[]): string {
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k}=${n}`)
    .join(' ');
}

/** Every difference between two object sets (empty: identical). */
export function compareManifests(a: readonly Manifest[], labelA: string, b: readonly Manifest[], labelB: string): string[] {
  const problems: string[] = [];
  if (a.length !== b.length) problems.push(`${labelA} has ${a.length} objects, ${labelB} has ${b.length}`);
  if (kindCounts(a) !== kindCounts(b)) problems.push(`kinds differ: ${labelA} ${kindCounts(a)} | ${labelB} ${kindCounts(b)}`);
  const ia = index(a, labelA, problems);
  const ib = index(b, labelB, problems);
  for (const [id, oa] of ia) {
    const ob = ib.get(id);
    if (!ob) problems.push(`${id}: only in ${labelA}`);
    else {
      const d = firstDifference(oa, ob);
      if (d) problems.push(`${id}: ${labelA} vs ${labelB} at ${d}`);
    }
  }
  for (const id of ib.keys()) if (!ia.has(id)) problems.push(`${id}: only in ${labelB}`);
  return problems;
}

/** One line describing an object set, for the report. */
export function describeManifests(objects: readonly Manifest[]): string {
  return `${objects.length} objects (${kindCounts(objects)})`;
}
