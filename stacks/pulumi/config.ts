/**
 * The Pulumi stack's configuration (`Pulumi.<stack>.yaml`), read and checked in one place.
 * Every problem is reported at once, each naming the config key, the value and the command that
 * fixes it.
 */
import { Environment } from '../../lib';
import { hasOffsiteBackup, offsiteBackup, ResolvedOffsiteBackup } from '../offsite-backups';

/** Reads one raw config value by full key (`reliakit:environment`); undefined when unset. */
export type ConfigSource = (key: string) => string | undefined;

/** Settings of the Kubernetes provider. */
export interface KubernetesSettings {
  /** kubeconfig context (`kubernetes:context`). */
  readonly context?: string;
  /** kubeconfig path or contents (`kubernetes:kubeconfig`). */
  readonly kubeconfig?: string;
}

/** The checked stack configuration. */
export interface StackConfig {
  /** The environment deployed (`reliakit:environment`). */
  readonly environment: Environment;
  /** The systems deployed, in synthesis order (`reliakit:systems`; default: all). */
  readonly systems: readonly string[];
  /** The AWS region (`aws:region`); set whenever a selected system has off-site backups. */
  readonly awsRegion?: string;
  /** Off-site backup locations of the selected systems that have one. */
  readonly offsiteBackups: readonly ResolvedOffsiteBackup[];
  /** The Kubernetes provider's settings. */
  readonly kubernetes: KubernetesSettings;
}

/** Config keys, spelled once. */
export const CONFIG_KEYS = {
  environment: 'reliakit:environment',
  systems: 'reliakit:systems',
  offsiteBuckets: 'reliakit:offsiteBuckets',
  awsRegion: 'aws:region',
  kubeContext: 'kubernetes:context',
  kubeconfig: 'kubernetes:kubeconfig',
} as const;

/**
 * Reads and checks the stack configuration. `knownSystems` are the systems the cdk8s app
 * defines (in synthesis order). Throws one Error listing every problem.
 */
export function readStackConfig(get: ConfigSource, knownSystems: readonly string[]): StackConfig {
  const problems: string[] = [];
  const K = CONFIG_KEYS;

  const envName = get(K.environment);
  let environment: Environment | undefined;
  if (envName === undefined || envName === '') {
    problems.push(
      `'${K.environment}' is not set — run \`pulumi config set ${K.environment} ${Environment.ALL[0].name}\` (one of ${names(Environment.ALL.map((e) => e.name))})`,
    );
  } else {
    environment = Environment.ALL.find((e) => e.name === envName);
    if (!environment) {
      problems.push(`'${K.environment}' ('${envName}') is not an environment — use one of ${names(Environment.ALL.map((e) => e.name))}`);
    }
  }

  const systems = readSystems(get(K.systems), knownSystems, problems);

  // Only systems with an off-site location need AWS at all.
  const offsiteSystems = systems.filter(hasOffsiteBackup);
  const awsRegion = get(K.awsRegion) || undefined;
  const offsiteBackups = environment ? offsiteSystems.map((s) => offsiteBackup(s, environment!)) : [];
  if (offsiteSystems.length > 0 && awsRegion === undefined) {
    const region = offsiteBackups[0]?.region ?? 'eu-central-1';
    problems.push(
      `'${K.awsRegion}' is not set, but the off-site backup buckets of ${offsiteSystems.join(', ')} need it — run \`pulumi config set ${K.awsRegion} ${region}\``,
    );
  }
  for (const b of offsiteBackups) {
    if (awsRegion !== undefined && b.region !== awsRegion) {
      problems.push(
        `'${K.awsRegion}' ('${awsRegion}') differs from the region of ${b.system}'s off-site bucket in stacks/offsite-backups.ts ('${b.region}'), which its BackupTarget signs for — set \`pulumi config set ${K.awsRegion} ${b.region}\` or change the region there`,
      );
    }
  }
  checkBucketNames(get(K.offsiteBuckets), offsiteBackups, problems);

  const kubernetes: KubernetesSettings = { context: get(K.kubeContext) || undefined, kubeconfig: get(K.kubeconfig) || undefined };
  if (environment?.isProduction && kubernetes.context === undefined) {
    // Without it the provider uses the kubeconfig's current context: whatever cluster was used last.
    problems.push(
      `'${K.kubeContext}' is not set — production must name its cluster: run \`pulumi config set ${K.kubeContext} <prod-context>\``,
    );
  }

  if (problems.length > 0) {
    throw new Error(
      `Pulumi stack configuration: ${problems.length} problem${problems.length > 1 ? 's' : ''}\n  - ${problems.join('\n  - ')}`,
    );
  }
  return { environment: environment!, systems, awsRegion, offsiteBackups, kubernetes };
}

/** `reliakit:systems`: a list (YAML list in the stack file, JSON at runtime) or `a,b`; unset → all. */
function readSystems(raw: string | undefined, known: readonly string[], problems: string[]): string[] {
  const key = CONFIG_KEYS.systems;
  if (raw === undefined || raw.trim() === '') return [...known];
  let requested: unknown;
  try {
    requested = raw.trim().startsWith('[') ? JSON.parse(raw) : raw.split(',').map((s) => s.trim());
  } catch {
    problems.push(
      `'${key}' ('${raw}') is not a list — write it as a YAML list in Pulumi.<stack>.yaml or run \`pulumi config set --path '${key}[0]' ${known[0]}\``,
    );
    return [];
  }
  if (!Array.isArray(requested) || requested.some((s) => typeof s !== 'string')) {
    problems.push(`'${key}' ('${raw}') is not a list of system names — use any of ${names(known)}`);
    return [];
  }
  const unknown = requested.filter((s) => !known.includes(s));
  for (const s of unknown) {
    problems.push(`'${key}' names an unknown system '${s}' — use any of ${names(known)}, or remove the key to deploy all of them`);
  }
  const duplicates = requested.filter((s, i) => requested.indexOf(s) !== i);
  if (duplicates.length > 0) problems.push(`'${key}' lists ${names([...new Set(duplicates)])} more than once — list each system once`);
  if (requested.length === 0) problems.push(`'${key}' is an empty list — list at least one system, or remove the key to deploy all`);
  // Synthesis order, whatever order the config lists them in.
  return known.filter((s) => requested.includes(s));
}

/**
 * `reliakit:offsiteBuckets` ({system: bucket}) documents the bucket names in the stack file; the
 * names themselves come from stacks/offsite-backups.ts, which the cdk8s BackupTargets read too,
 * so a differing name here would create a bucket nothing writes to.
 */
function checkBucketNames(raw: string | undefined, offsite: readonly ResolvedOffsiteBackup[], problems: string[]): void {
  const key = CONFIG_KEYS.offsiteBuckets;
  if (raw === undefined || raw.trim() === '') return;
  let given: unknown;
  try {
    given = JSON.parse(raw);
  } catch {
    given = undefined;
  }
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    problems.push(
      `'${key}' ('${raw}') is not a map of system to bucket name — e.g. \`pulumi config set --path '${key}.listings' <bucket>\``,
    );
    return;
  }
  for (const [system, bucket] of Object.entries(given)) {
    const expected = offsite.find((o) => o.system === system);
    if (!expected) {
      problems.push(
        `'${key}.${system}' is set, but ${system} is not a deployed system with an off-site backup location (${names(offsite.map((o) => o.system))}) — remove it`,
      );
    } else if (bucket !== expected.bucket) {
      problems.push(
        `'${key}.${system}' ('${String(bucket)}') differs from stacks/offsite-backups.ts ('${expected.bucket}'), which the cdk8s BackupTarget writes to — change the name there (the one source), then here`,
      );
    }
  }
}

function names(values: readonly string[]): string {
  return values.length === 0 ? 'none' : values.map((v) => `'${v}'`).join(', ');
}
