/**
 * The three synthesis routes the benchmark compares. Each emits the same Kubernetes objects; they
 * differ only in how much machinery sits between the data and the YAML:
 *
 * - reliable-service: the library as users run it (ReliableService props → ReliakitApp.synth()).
 * - raw-l1: the rendered objects rebuilt as cdk8s-plus-28 `k8s.Kube*` L1 objects (or plain
 *   `ApiObject`s for CRDs) in one Chart, synthesized with `App.synthYaml()`.
 * - floor: the rendered objects copied as plain data and dumped with `yaml`, as cdk8s dumps them.
 * - floor-js-yaml: the same dumped with js-yaml (lib/delivery/manifest-yaml.ts's options), the
 *   cheapest byte-identical dump there is for this workload (checked byte for byte by the bench).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { dump } from 'js-yaml';
import * as YAML from 'yaml';
import { JS_YAML_OPTIONS } from '../lib/delivery/manifest-yaml';
import type { KubeJson } from '../lib';
import { buildWorkload } from './workload';

/** A Kubernetes object as JSON. */
export type Manifest = KubeJson;

/** The routes a measurement can run. */
export type RouteName = 'reliable-service' | 'raw-l1' | 'floor' | 'floor-js-yaml';

export const ROUTES: readonly RouteName[] = ['reliable-service', 'raw-l1', 'floor', 'floor-js-yaml'];

/** What a route reports about its timed section. */
export interface RouteTiming {
  /** Building the objects (constructs or plain data). */
  readonly constructMs: number;
  /** Rendering, YAML and writing. */
  readonly synthMs: number;
  /** Kubernetes objects emitted (kustomize index files excluded). */
  readonly objects: number;
  /** CPU time (user + system, every thread of the process) of the timed section. */
  readonly cpuMs: number;
}

/** Exactly what cdk8s's `Yaml.stringify` passes to `yaml`, so the floor pays the same dump cost. */
export const CDK8S_YAML_OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;

function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** CPU time of the process so far, ms. */
export function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * The objects the ReliableService route renders for `n` services, in render order: the spec the
 * baselines rebuild. Rendering once here (untimed) is what guarantees the three routes can emit
 * identical objects.
 */
export function generateSpec(n: number): Manifest[] {
  // render() writes nothing, so the outdir is never created.
  const app = buildWorkload(n, path.join(os.tmpdir(), 'reliakit-spec-unused'));
  return app.render().flatMap((dir) => dir.files.flatMap((f) => f.objects.map((o) => o as Manifest)));
}

export function timedReliableService(n: number, outdir: string): RouteTiming {
  const c0 = cpuNow();
  const t0 = now();
  const app = buildWorkload(n, outdir);
  const t1 = now();
  app.synth();
  const t2 = now();
  const cpuMs = cpuNow() - c0;
  const objects = app.node.findAll().filter((c) => c instanceof ApiObject).length;
  return { constructMs: t1 - t0, synthMs: t2 - t1, objects, cpuMs };
}

type Wrap = (value: unknown) => unknown;

const intOrString: Wrap = (v) => (typeof v === 'number' ? k8s.IntOrString.fromNumber(v) : k8s.IntOrString.fromString(String(v)));
const quantity: Wrap = (v) => (typeof v === 'number' ? k8s.Quantity.fromNumber(v) : k8s.Quantity.fromString(String(v)));

function containerRules(prefix: string): Array<[string, Wrap]> {
  const probes = ['readinessProbe', 'livenessProbe', 'startupProbe'].flatMap((p): Array<[string, Wrap]> => [
    [`${prefix}.${p}.httpGet.port`, intOrString],
    [`${prefix}.${p}.tcpSocket.port`, intOrString],
  ]);
  return [
    [`${prefix}.resources.requests.*`, quantity],
    [`${prefix}.resources.limits.*`, quantity],
    [`${prefix}.lifecycle.preStop.httpGet.port`, intOrString],
    ...probes,
  ];
}

/**
 * Where the L1 props hold IntOrString / Quantity union classes instead of the plain values the
 * JSON has. The generated `toJson_*` functions read `.value` off those fields and silently drop a
 * plain number, so a missing rule shows up as a difference in the N=100 equality check.
 */
const UNION_FIELDS: Readonly<Record<string, ReadonlyArray<[string, Wrap]>>> = {
  Deployment: [
    ['spec.strategy.rollingUpdate.maxSurge', intOrString],
    ['spec.strategy.rollingUpdate.maxUnavailable', intOrString],
    ['spec.template.spec.volumes.*.emptyDir.sizeLimit', quantity],
    ...containerRules('spec.template.spec.containers.*'),
    ...containerRules('spec.template.spec.initContainers.*'),
  ],
  Service: [['spec.ports.*.targetPort', intOrString]],
  PodDisruptionBudget: [
    ['spec.minAvailable', intOrString],
    ['spec.maxUnavailable', intOrString],
  ],
  NetworkPolicy: [
    ['spec.ingress.*.ports.*.port', intOrString],
    ['spec.egress.*.ports.*.port', intOrString],
  ],
  HorizontalPodAutoscaler: [
    ['spec.metrics.*.*.target.averageValue', quantity],
    ['spec.metrics.*.*.target.value', quantity],
  ],
};

const SPLIT_RULES: Readonly<Record<string, ReadonlyArray<[string[], Wrap]>>> = Object.fromEntries(
  Object.entries(UNION_FIELDS).map(([kind, rules]) => [kind, rules.map(([p, w]): [string[], Wrap] => [p.split('.'), w])]),
);

/** Copy-on-write along `segments` (`*`: every element / value), so the spec itself is never mutated. */
function wrapAt(value: unknown, segments: readonly string[], wrap: Wrap): unknown {
  if (value === undefined || value === null) return value;
  if (segments.length === 0) return wrap(value);
  const [head, ...rest] = segments;
  if (head === '*') {
    if (Array.isArray(value)) return value.map((v) => wrapAt(v, rest, wrap));
    if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrapAt(v, rest, wrap)]));
    return value;
  }
  if (typeof value !== 'object' || !(head in value)) return value;
  return { ...value, [head]: wrapAt((value as Record<string, unknown>)[head], rest, wrap) };
}

type L1Class = new (scope: Construct, id: string, props: KubeJson) => ApiObject;

const L1_CLASSES: Readonly<Record<string, L1Class>> = {
  'v1/Namespace': k8s.KubeNamespace,
  'v1/ServiceAccount': k8s.KubeServiceAccount,
  'v1/Service': k8s.KubeService,
  'apps/v1/Deployment': k8s.KubeDeployment,
  'policy/v1/PodDisruptionBudget': k8s.KubePodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': k8s.KubeHorizontalPodAutoscalerV2,
  'networking.k8s.io/v1/NetworkPolicy': k8s.KubeNetworkPolicy,
};

export function timedRawL1(spec: readonly Manifest[], outdir: string): RouteTiming {
  const c0 = cpuNow();
  const t0 = now();
  const app = new App({ outdir });
  const chart = new Chart(app, 'bench', { disableResourceNameHashes: true });
  spec.forEach((doc, i) => {
    let props: Manifest = doc;
    for (const [segments, wrap] of SPLIT_RULES[doc.kind] ?? []) props = wrapAt(props, segments, wrap) as Manifest;
    const { apiVersion, kind, ...rest } = props;
    const l1 = L1_CLASSES[`${apiVersion}/${kind}`];
    // CRDs (ServiceMonitor, Flux) have no Kube* class: a plain ApiObject is the cheapest honest L1.
    if (l1) new l1(chart, `o${i}`, rest);
    else new ApiObject(chart, `o${i}`, { apiVersion, kind, ...rest });
  });
  const t1 = now();
  const text = app.synthYaml();
  fs.mkdirSync(outdir, { recursive: true });
  fs.writeFileSync(path.join(outdir, 'raw-l1.k8s.yaml'), text, 'utf8');
  const t2 = now();
  return { constructMs: t1 - t0, synthMs: t2 - t1, objects: chart.apiObjects.length, cpuMs: cpuNow() - c0 };
}

/** A deep copy through plain objects and arrays: the floor's stand-in for building objects in code. */
function clonePlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clonePlain);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = clonePlain(v);
    return out;
  }
  return value;
}

function timedDump(spec: readonly Manifest[], outdir: string, dumpOne: (doc: unknown) => string): RouteTiming {
  const c0 = cpuNow();
  const t0 = now();
  const docs = spec.map(clonePlain);
  const t1 = now();
  const text = docs.map(dumpOne).join('---\n');
  fs.mkdirSync(outdir, { recursive: true });
  fs.writeFileSync(path.join(outdir, 'floor.yaml'), text, 'utf8');
  const t2 = now();
  return { constructMs: t1 - t0, synthMs: t2 - t1, objects: docs.length, cpuMs: cpuNow() - c0 };
}

export function timedFloor(spec: readonly Manifest[], outdir: string): RouteTiming {
  return timedDump(spec, outdir, (d) => YAML.stringify(d, CDK8S_YAML_OPTIONS));
}

export function timedFloorJsYaml(spec: readonly Manifest[], outdir: string): RouteTiming {
  return timedDump(spec, outdir, (d) => dump(d, JS_YAML_OPTIONS));
}
