/**
 * Synthesis of the stacks as a function: every system (or some) for every environment (or some),
 * written as the Flux tree into a directory, with what was written. `npm run synth` (stacks/main.ts)
 * and the command-line tools call this; `buildApp` builds the same app without writing it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ClusterSecretStoreSpecProviderAwsService } from '../imports/external-secrets-clustersecretstore-external-secrets.io';
import { Environment, EnvironmentStage, ReliakitApp, SystemChart } from '../lib';
import { homepageStack } from './homepage';
import { listingsStack } from './listings';
import { llmDataVaultStack } from './llm-data-vault';
import { OFFSITE_REGION } from './offsite-backups';
import { postfactaStack } from './postfacta';
import { TRAEFIK } from './shared';
import { socialBackendStack } from './social-backend';

/** The GitOps repository Flux reads `dist/` from. */
export const GITOPS_REPOSITORY = 'https://github.com/lucena-cloud/gitops.git';

/** A system's stack: adds the system to one environment's stage. */
export type SystemStack = (stage: EnvironmentStage) => SystemChart;

/** Every system by name (the SystemChart's `system`), in synthesis order. */
export const SYSTEM_STACKS: Readonly<Record<string, SystemStack>> = {
  homepage: homepageStack,
  postfacta: postfactaStack,
  'llm-data-vault': llmDataVaultStack,
  'social-backend': socialBackendStack,
  listings: listingsStack,
};

/** The names of every system, in synthesis order. */
export const SYSTEM_NAMES: readonly string[] = Object.keys(SYSTEM_STACKS);

/** Which systems and environments to build; every one by default. */
export interface Selection {
  /** System names (see {@link SYSTEM_NAMES}). @default - every system */
  readonly systems?: readonly string[];
  /** Environment names (`prod`, `dev`). @default - every environment */
  readonly envs?: readonly string[];
}

function select<T>(what: string, names: readonly string[] | undefined, all: readonly string[], get: (name: string) => T): T[] {
  if (names === undefined) return all.map(get);
  if (names.length === 0) throw new Error(`no ${what} selected — name one of ${all.map((n) => `'${n}'`).join(', ')}`);
  const unknown = names.filter((n) => !all.includes(n));
  if (unknown.length > 0) {
    throw new Error(`unknown ${what} ${unknown.map((n) => `'${n}'`).join(', ')} — use one of ${all.map((n) => `'${n}'`).join(', ')}`);
  }
  // Synthesis order, whatever the order asked for: the tree is the same for the same selection.
  return all.filter((n) => names.includes(n)).map(get);
}

/**
 * Builds the app of the selected systems and environments; `outdir` overrides `$CDK8S_OUTDIR`
 * (tests synthesize into temp directories).
 */
export function buildApp(outdir?: string, selection: Selection = {}): ReliakitApp {
  const stacks = select('system', selection.systems, SYSTEM_NAMES, (name) => ({ name, stack: SYSTEM_STACKS[name] }));
  const envs = select(
    'environment',
    selection.envs,
    Environment.ALL.map((e) => e.name),
    (name) => Environment.of(name),
  );
  const app = new ReliakitApp({
    outdir,
    source: { url: GITOPS_REPOSITORY, branch: 'main' },
    // The cluster's operators and CRDs (prometheus-operator, CloudNativePG, cert-manager, Traefik,
    // external-secrets, LitmusChaos) as pinned Helm releases, in the Flux Kustomization
    // `infrastructure` every system depends on: applying a ServiceMonitor before its CRD exists fails.
    infrastructure: {
      // The secret manager every SyncedSecret of the stacks names (`secret-manager`): AWS Secrets
      // Manager, where the Pulumi program writes the off-site backup credentials, in their region.
      // external-secrets authenticates with the controller's own AWS identity (IRSA or EKS Pod
      // Identity on its ServiceAccount), the one credential the tree cannot sync for itself.
      secretStore: {
        name: 'secret-manager',
        provider: { aws: { service: ClusterSecretStoreSpecProviderAwsService.SECRETS_MANAGER, region: OFFSITE_REGION } },
      },
      // The Traefik every gateway runs on (replicas, trusted proxies), declared once in shared.ts.
      traefik: TRAEFIK,
    },
  });
  for (const env of envs) {
    for (const { name, stack } of stacks) {
      const chart = stack(app.stage(env));
      if (chart.system !== name) throw new Error(`SYSTEM_STACKS['${name}'] builds the system '${chart.system}' — key it by that name`);
    }
  }
  return app;
}

/** Options of {@link synthesize}. */
export interface SynthesizeOptions extends Selection {
  /** Where the tree is written. @default - `$CDK8S_OUTDIR`, else 'dist' */
  readonly outdir?: string;
  /**
   * Delete `outdir` first, so it holds exactly this synthesis (as `cdk8s synth` does).
   * @default false
   */
  readonly clean?: boolean;
}

/** What one system wrote for one environment (its apps and, when it has one, its data layer). */
export interface SystemSynthesis {
  readonly system: string;
  readonly environment: string;
  /** Kubernetes objects in its manifests. */
  readonly objects: number;
  /** Files written, relative to `outdir`, with `/` separators. */
  readonly files: readonly string[];
}

/** What {@link synthesize} wrote. */
export interface SynthesisResult {
  /** The directory written to, absolute. */
  readonly outdir: string;
  /** Per system and environment, in synthesis order. */
  readonly systems: readonly SystemSynthesis[];
  /** Kubernetes objects in all manifests, the Flux and infrastructure directories' included. */
  readonly objects: number;
  /** Every file written, relative to `outdir`, in writing order. */
  readonly files: readonly string[];
}

/** Refuses to delete the working directory, one of its parents or the file system's root. */
function checkCleanable(outdir: string): void {
  const cwd = process.cwd();
  const rel = path.relative(outdir, cwd);
  if (rel === '' || !rel.startsWith('..')) {
    throw new Error(`refusing to delete ${outdir}: it is the working directory or one of its parents — choose a directory of its own`);
  }
}

/** Builds the selected systems and environments and writes their Flux tree into `outdir`. */
export function synthesize(options: SynthesizeOptions = {}): SynthesisResult {
  const outdir = path.resolve(options.outdir ?? process.env.CDK8S_OUTDIR ?? 'dist');
  if (options.clean) checkCleanable(outdir);
  const app = buildApp(outdir, options);
  const dirs = app.render();
  const tree = app.synthTree(dirs);
  // Only once the tree is rendered: a validation error leaves the previous tree in place.
  if (options.clean) fs.rmSync(outdir, { recursive: true, force: true });
  app.writeTree(tree);

  const systems = new Map<string, { system: string; environment: string; objects: number; files: string[] }>();
  let objects = 0;
  for (const dir of dirs) {
    const count = dir.files.reduce((n, f) => n + f.objects.length, 0);
    objects += count;
    if (!SystemChart.isSystemChart(dir.chart)) continue;
    const key = `${dir.chart.system}@${dir.environment.name}`;
    const entry = systems.get(key) ?? { system: dir.chart.system, environment: dir.environment.name, objects: 0, files: [] };
    entry.objects += count;
    entry.files.push(...tree.filter((f) => f.path.startsWith(`${dir.path}/`)).map((f) => f.path));
    systems.set(key, entry);
  }
  return { outdir, systems: [...systems.values()], objects, files: tree.map((f) => f.path) };
}
