import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';

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

/** Resolved Flux settings of an app. */
export interface FluxSettings {
  readonly source: Required<Omit<GitSourceProps, 'secretName'>> & Pick<GitSourceProps, 'secretName'>;
  readonly infrastructureDependency?: string;
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
