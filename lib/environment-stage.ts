import { Construct, IConstruct } from 'constructs';
import { Environment } from './environment';
import { FluxCluster } from './flux-cluster';

/** Props of an {@link EnvironmentStage}; built by `ReliakitApp.stage()`. */
export interface EnvironmentStageProps {
  /** The environment every system in this stage is synthesized for. */
  readonly environment: Environment;
}

/**
 * The scope of one environment inside a {@link ReliakitApp}: system charts are created in it, and
 * its {@link FluxCluster} chart collects the Flux objects of `dist/clusters/<env>/`.
 * Create it with `app.stage(Environment.PROD)`.
 */
export class EnvironmentStage extends Construct {
  /** The stage that contains `scope`; throws with the fix when there is none. */
  public static of(scope: IConstruct): EnvironmentStage {
    for (let s: IConstruct | undefined = scope; s; s = s.node.scope) {
      if (s instanceof EnvironmentStage) return s;
    }
    throw new Error(`${scope.node.path || '<root>'}: is not inside an EnvironmentStage — create systems in \`app.stage(Environment.PROD)\` (or another environment)`);
  }

  /** The environment of this stage. */
  public readonly environment: Environment;
  /** The chart holding this environment's Flux source and Kustomizations. */
  public readonly flux: FluxCluster;

  constructor(scope: Construct, id: string, props: EnvironmentStageProps) {
    super(scope, id);
    this.environment = props.environment;
    this.flux = new FluxCluster(this, 'flux');
  }
}
