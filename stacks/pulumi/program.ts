/**
 * The Pulumi program: the cdk8s app's objects applied with @pulumi/kubernetes, plus the AWS
 * off-site backup storage of the systems that have one. `index.ts` runs it with the stack's
 * config; tests run it with mocks.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ReliakitApp, RenderedDirectory, SystemChart } from '../../lib';
import { buildApp } from '../main';
import { ConfigSource, readStackConfig, StackConfig } from './config';
import { OffsiteBackupBucket } from './offsite-backup-bucket';
import { SystemRelease } from './system-release';

/** What the program creates, per system. */
export interface DeployedSystem {
  readonly release: SystemRelease;
  readonly offsiteBackup?: OffsiteBackupBucket;
}

/** The program's resources. */
export interface ReliakitDeployment {
  readonly config: StackConfig;
  readonly provider: k8s.Provider;
  readonly systems: Record<string, DeployedSystem>;
}

/** The rendered directories of every system chart (all environments), in apply order per system. */
export function systemDirectories(app: ReliakitApp, rendered: readonly RenderedDirectory[]): Map<SystemChart, RenderedDirectory[]> {
  const bySystem = new Map<SystemChart, RenderedDirectory[]>();
  for (const dir of rendered) {
    // clusters/<env> holds the Flux objects: the GitOps path's, not Pulumi's.
    if (!SystemChart.isSystemChart(dir.chart)) continue;
    const chart = dir.chart;
    const dirs = bySystem.get(chart) ?? [];
    dirs.push(dir);
    bySystem.set(chart, dirs);
  }
  // Data layer first: it holds the namespace and the stateful components the apps use.
  for (const [chart, dirs] of bySystem) {
    const data = app.dataDirectory(chart.environment, chart);
    dirs.sort((a, b) => Number(b.path === data) - Number(a.path === data));
  }
  return bySystem;
}

/**
 * Builds the cdk8s app (the same `buildApp()` that `cdk8s synth` runs), reads the stack config
 * through `get` and deploys the selected systems of its environment. `opts` go to every
 * component (e.g. `transformations`).
 */
export function deployReliakit(
  get: ConfigSource,
  app: ReliakitApp = buildApp(),
  opts: pulumi.ComponentResourceOptions = {},
): ReliakitDeployment {
  const rendered = app.render();
  const all = systemDirectories(app, rendered);
  const config = readStackConfig(get, [...new Set([...all.keys()].map((c) => c.system))]);

  const provider = new k8s.Provider('kubernetes', {
    context: config.kubernetes.context,
    kubeconfig: config.kubernetes.kubeconfig,
  });

  const systems: Record<string, DeployedSystem> = {};
  for (const system of config.systems) {
    const entry = [...all].find(([c]) => c.system === system && c.environment === config.environment);
    if (!entry)
      throw new Error(
        `system '${system}' is not defined for environment '${config.environment.name}' — add it to that environment in stacks/main.ts or remove it from 'reliakit:systems'`,
      );
    const [chart, directories] = entry;
    const location = config.offsiteBackups.find((o) => o.system === system);
    const offsiteBackup = location ? new OffsiteBackupBucket(`${system}-offsite-backup`, { location }, opts) : undefined;
    const release = new SystemRelease(
      system,
      {
        system,
        environment: config.environment.name,
        namespace: chart.namespaceName,
        directories,
        provider,
        prerequisites: offsiteBackup ? [offsiteBackup.credentialsEntry] : [],
      },
      opts,
    );
    systems[system] = { release, offsiteBackup };
  }
  return { config, provider, systems };
}

/** The stack outputs: names and locations only — never the access keys. */
export function stackOutputs(deployment: ReliakitDeployment): Record<string, pulumi.Input<unknown>> {
  const offsite: Record<string, pulumi.Input<unknown>> = {};
  for (const location of deployment.config.offsiteBackups) {
    const bucket = deployment.systems[location.system]?.offsiteBackup;
    if (!bucket) continue;
    offsite[location.system] = {
      bucket: bucket.bucketName,
      region: location.region,
      prefix: location.prefix,
      retentionDays: location.retentionDays,
      kmsKeyArn: bucket.kmsKeyArn,
      credentialsSecret: location.credentials.secretName,
      credentialsEntry: location.credentialsKey,
    };
  }
  return {
    environment: deployment.config.environment.name,
    systems: Object.keys(deployment.systems),
    offsiteBackups: offsite,
  };
}

/** Reads `ns:key` from the Pulumi stack config. */
export const pulumiConfigSource: ConfigSource = (key) => {
  const i = key.indexOf(':');
  return new pulumi.Config(key.slice(0, i)).get(key.slice(i + 1));
};
