/**
 * Synthesis of the stacks as a function: every system (or some) for every environment (or some),
 * written as the Flux tree into a directory, with what was written. `npm run synth` (stacks/main.ts)
 * and the command-line tools call this; `buildApp` builds the same app without writing it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ClusterSecretStoreSpecProviderAwsService } from '../imports/external-secrets-clustersecretstore-external-secrets.io';
import { Environment, ReliakitApp, SystemChart } from '../lib';
import { OFFSITE_REGION } from './offsite-backups';
import { TRAEFIK } from './shared';
import { SYSTEMS } from './systems';

/** The GitOps repository Flux reads `dist/` from. */
export const GITOPS_REPOSITORY = 'https://github.com/lucena-cloud/gitops.git';

/** Which systems and environments to write; every one by default. */
export interface Selection {
  /** System names (the SystemCharts' `system`). @default - every system */
  readonly systems?: readonly string[];
  /** Environment names (`prod`, `dev`). @default - every environment */
  readonly envs?: readonly string[];
}

/**
 * Builds the app: every system of stacks/systems.ts in every environment. `outdir` overrides
 * `$CDK8S_OUTDIR` (tests synthesize into temp directories). A selection narrows what is rendered
 * and written ({@link synthesize}), never what is built: an environment's Flux timeouts and
 * infrastructure depend on all of its systems.
 */
export function buildApp(outdir?: string): ReliakitApp {
  const app = new ReliakitApp({
    outdir,
    // Every broken rule of every construct in one error, each with the stack line that caused it.
    deferValidation: true,
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
  for (const env of Environment.ALL) {
    for (const system of SYSTEMS) system(app.stage(env));
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
  const app = buildApp(outdir);
  const dirs = app.render({ systems: options.systems, environments: options.envs });
  const tree = app.treeFiles(dirs);
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
