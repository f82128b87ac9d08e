import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { ClusterSecretStoreSpecProvider } from '../../imports/external-secrets-clustersecretstore-external-secrets.io';
import { TraefikPlatform } from '../gateway/traefik-platform';

/** The Git repository Flux pulls the synthesized tree from. */
export interface GitSourceProps {
  /** Clone URL of the GitOps repository that holds the synthesized `dist/` tree. */
  readonly url: string;
  /**
   * Branch to follow.
   * @default 'main'
   */
  readonly branch?: string;
  /**
   * Name of the `GitRepository` object.
   * @default 'reliakit'
   */
  readonly name?: string;
  /**
   * Namespace of the Flux objects.
   * @default 'flux-system'
   */
  readonly namespace?: string;
  /**
   * How often Flux polls the repository.
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;
  /**
   * Secret with the repository's credentials (private repositories).
   * @default - none: a public repository
   */
  readonly secretName?: string;
}

/** The ClusterSecretStore the systems' SyncedSecrets read from. */
export interface SecretStoreProps {
  /**
   * Its name: the one every `SecretStore.cluster(...)` of the stacks names.
   * @default 'secret-manager'
   */
  readonly name?: string;
  /**
   * The secret manager behind it (external-secrets provider), e.g.
   * `{ aws: { service: 'SecretsManager', region: 'eu-central-1' } }`. Its credentials are the
   * external-secrets controller's own cloud identity (no `auth`): the one credential a tree cannot
   * sync for itself.
   */
  readonly provider: ClusterSecretStoreSpecProvider;
}

/** Props of the infrastructure layer an app synthesizes (`dist/infrastructure/<env>/`). */
export interface InfrastructureProps {
  /** The ClusterSecretStore of the SyncedSecrets. */
  readonly secretStore: SecretStoreProps;
  /**
   * The kube-prometheus-stack release name. Its Prometheus selects ServiceMonitors, PodMonitors
   * and PrometheusRules labelled `release: <it>`; every such object of every system gets the label.
   * @default 'kube-prometheus-stack'
   */
  readonly monitoringRelease?: string;
  /**
   * The Traefik deployment to install: replicas, namespace and the proxies whose forwarded headers
   * it trusts. Pass the same object to every TraefikGateway (checked at synth).
   * @default - 2 replicas in `traefik`, no proxy in front (trustedProxies.hops 0)
   */
  readonly traefik?: TraefikPlatform;
}

/** Resolved infrastructure settings. */
export interface InfrastructureSettings {
  readonly secretStore: Required<SecretStoreProps>;
  readonly monitoringRelease: string;
  readonly traefik: TraefikPlatform;
  /** Labels the monitoring objects must carry for the Prometheus to select them. */
  readonly monitoringLabels: Readonly<Record<string, string>>;
}

/** Resolved Flux settings of an app. */
export interface FluxSettings {
  readonly source: Required<Omit<GitSourceProps, 'secretName'>> & Pick<GitSourceProps, 'secretName'>;
  readonly infrastructureDependency?: string;
  /** The infrastructure layer the app synthesizes, if any. */
  readonly infrastructure?: InfrastructureSettings;
  readonly interval: Duration;
  readonly retryInterval: Duration;
  readonly timeout: Duration;
}

const FLUX_SETTINGS = Symbol.for('reliakit.FluxSettings');

/**
 * Records an app's resolved Flux settings on its root construct. The FluxCluster of each stage
 * reads them through {@link fluxSettingsOf} instead of importing the ReliakitApp class, which
 * creates the stages (so neither module imports the other).
 */
export function attachFluxSettings(root: IConstruct, settings: FluxSettings): void {
  Object.defineProperty(root, FLUX_SETTINGS, { value: settings });
}

/** The Flux settings of the ReliakitApp that contains `scope`; throws with the fix when there is none. */
export function fluxSettingsOf(scope: IConstruct): FluxSettings {
  const root: IConstruct & { [FLUX_SETTINGS]?: FluxSettings } = scope.node.root;
  const settings = root[FLUX_SETTINGS];
  if (!settings) {
    throw new Error(`${scope.node.path || '<root>'}: is not inside a ReliakitApp — create stacks in \`new ReliakitApp({...}).stage(env)\``);
  }
  return settings;
}
