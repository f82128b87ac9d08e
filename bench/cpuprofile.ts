/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`) restricted to one route's timed
 * function, so module loading and spec parsing do not dilute the shares.
 */
import * as fs from 'fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** One function's time, in ms. */
export interface FunctionTime {
  readonly fn: string;
  readonly category: string;
  readonly ms: number;
}

export interface ProfileSummary {
  /** Time inside the timed function (the window every share is relative to), GC excluded. */
  readonly windowMs: number;
  /**
   * Garbage collection between the first and last sample of the timed function. V8 records GC as
   * a root-level frame, so it cannot be charged to a function; it is reported beside the window.
   */
  readonly gcMs: number;
  readonly categories: ReadonlyArray<{ category: string; ms: number }>;
  readonly topSelf: readonly FunctionTime[];
  readonly topInclusive: readonly FunctionTime[];
}

/** Which code a frame with a script URL belongs to. */
function categorizeUrl(url: string): string {
  if (url.includes('/node_modules/yaml/')) return 'yaml (stringify)';
  if (url.includes('/node_modules/cdk8s-plus-28/')) return 'cdk8s-plus-28 (L1 toJson_*)';
  if (url.includes('/node_modules/cdk8s/')) return 'cdk8s (resolve, toJson, synth)';
  if (url.includes('/node_modules/constructs/')) return 'constructs';
  if (url.includes('/imports/')) return 'imports/ (generated CRD classes)';
  if (url.includes('/lib/')) return 'reliakit lib/';
  if (url.includes('/bench/')) return 'bench/';
  if (url.startsWith('node:')) return `node (${url.replace(/^node:(internal\/)?/, '').split('/')[0]})`;
  return 'other';
}

/**
 * Which code a sample's leaf belongs to. Builtins and native bindings (no URL: Array.map,
 * writeFileUtf8, RegExp) are charged to their nearest JavaScript caller, so "fs writes" and
 * "lib/ calling Object.entries" land where the cost is caused.
 */
function categorize(stack: readonly ProfileNode[]): string {
  const leaf = stack[0].callFrame;
  if (leaf.functionName === '(garbage collector)') return 'GC';
  const caller = stack.find((n) => n.callFrame.url);
  return caller ? categorizeUrl(caller.callFrame.url) : leaf.functionName || 'V8';
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  // synth-bench.ts transpiles the sources into <work dir>/build/, mirroring the repository.
  const build = url.lastIndexOf('/build/');
  return build >= 0 ? url.slice(build + '/build/'.length) : url.replace(/^file:\/\//, '');
}

function frameKey(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  return frame.url ? `${name} ${shortUrl(frame.url)}:${frame.lineNumber + 1}` : name;
}

/** Top functions by self and inclusive time within `timedFunction`. */
export function summarizeProfile(file: string, timedFunction: string, top = 20): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const categories = new Map<string, number>();
  const categoryOf = new Map<string, string>();
  let windowUs = 0;
  let first = -1;
  let last = -1;
  const isGc: boolean[] = [];
  profile.samples.forEach((sampleId, i) => {
    isGc[i] = byId.get(sampleId)?.callFrame.functionName === '(garbage collector)';
    const dt = profile.timeDeltas[i] ?? 0;
    const stack: ProfileNode[] = [];
    for (let id: number | undefined = sampleId; id !== undefined; id = parent.get(id)) stack.push(byId.get(id) as ProfileNode);
    const timed = stack.findIndex((n) => n.callFrame.functionName === timedFunction);
    if (timed < 0) return;
    if (first < 0) first = i;
    last = i;
    windowUs += dt;
    const leafKey = frameKey(stack[0].callFrame);
    const category = categorize(stack);
    self.set(leafKey, (self.get(leafKey) ?? 0) + dt);
    categories.set(category, (categories.get(category) ?? 0) + dt);
    // Only frames inside the timed function; a recursive function counts once per sample, or its
    // inclusive time would exceed the window.
    const inside = stack.slice(0, timed + 1);
    for (let j = 0; j < inside.length; j++) {
      const key = frameKey(inside[j].callFrame);
      if (!categoryOf.has(key)) categoryOf.set(key, categorize(inside.slice(j)));
    }
    for (const key of new Set(inside.map((n) => frameKey(n.callFrame)))) inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
  });
  let gcUs = 0;
  for (let i = first; i >= 0 && i <= last; i++) if (isGc[i]) gcUs += profile.timeDeltas[i] ?? 0;
  const ranked = (m: Map<string, number>): FunctionTime[] =>
    [...m]
      .sort(([, a], [, b]) => b - a)
      .slice(0, top)
      .map(([fn, us]) => ({ fn, category: categoryOf.get(fn) ?? 'other', ms: us / 1000 }));
  return {
    windowMs: windowUs / 1000,
    gcMs: gcUs / 1000,
    categories: [...categories].sort(([, a], [, b]) => b - a).map(([category, us]) => ({ category, ms: us / 1000 })),
    topSelf: ranked(self),
    topInclusive: ranked(inclusive),
  };
}
