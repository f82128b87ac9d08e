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
  /** Time inside the timed function (the window every share is relative to). */
  readonly windowMs: number;
  readonly categories: ReadonlyArray<{ category: string; ms: number }>;
  readonly topSelf: readonly FunctionTime[];
  readonly topInclusive: readonly FunctionTime[];
}

/** Which code a frame belongs to, by its script URL. */
function categorize(frame: CallFrame): string {
  const url = frame.url;
  if (!url) return frame.functionName === '(garbage collector)' ? 'GC' : frame.functionName.startsWith('(') ? frame.functionName : 'V8 builtins';
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

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const m = /\/(lib|imports|bench)\/[^/]+$/.exec(url);
  return m ? m[0].slice(1) : url.replace(/^file:\/\//, '');
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
  profile.samples.forEach((sampleId, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const stack: ProfileNode[] = [];
    for (let id: number | undefined = sampleId; id !== undefined; id = parent.get(id)) stack.push(byId.get(id) as ProfileNode);
    if (!stack.some((n) => n.callFrame.functionName === timedFunction)) return;
    windowUs += dt;
    const leaf = stack[0];
    const leafKey = frameKey(leaf.callFrame);
    const category = categorize(leaf.callFrame);
    categoryOf.set(leafKey, category);
    self.set(leafKey, (self.get(leafKey) ?? 0) + dt);
    categories.set(category, (categories.get(category) ?? 0) + dt);
    // A recursive function counts once per sample, or its inclusive time would exceed the window.
    for (const key of new Set(stack.map((n) => frameKey(n.callFrame)))) {
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
      if (!categoryOf.has(key)) categoryOf.set(key, categorize(stack.find((n) => frameKey(n.callFrame) === key)!.callFrame));
    }
  });
  const ranked = (m: Map<string, number>): FunctionTime[] => [...m]
    .sort(([, a], [, b]) => b - a).slice(0, top)
    .map(([fn, us]) => ({ fn, category: categoryOf.get(fn) ?? 'other', ms: us / 1000 }));
  return {
    windowMs: windowUs / 1000,
    categories: [...categories].sort(([, a], [, b]) => b - a).map(([category, us]) => ({ category, ms: us / 1000 })),
    topSelf: ranked(self),
    topInclusive: ranked(inclusive),
  };
}
