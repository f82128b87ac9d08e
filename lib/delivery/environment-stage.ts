import { Construct, IConstruct } from 'constructs';
import { ApiServerEndpoint } from '../core/api-server';
import { Environment } from '../core/environment';
import { ISystemStage, markSystemStage, SystemChart, systemStageOf } from '../core/system-chart';
import { FluxCluster } from './flux-cluster';
import { fluxSettingsOf } from './flux-settings';
import { Infrastructure } from './infrastructure';
import { InfrastructureConfigs } from './infrastructure-configs';

/** Props of an {@link EnvironmentStage}; built by `ReliakitApp.stage()`. */
export interface EnvironmentStageProps {
  /** The environment every system in this stage is synthesized for. */
  readonly environment: Environment;
  /**
   * Where pods reach the Kubernetes API server.
   * @default ApiServerEndpoint.privateRanges()
   */
  readonly apiServer?: ApiServerEndpoint;
}

/**
 * The scope of one environment inside a {@link ReliakitApp}: system charts are created in it, and
 * its {@link FluxCluster} chart collects the Flux objects of `dist/clusters/<env>/`.
 * Create it with `app.stage(Environment.PROD)`.
 */
export class EnvironmentStage extends Construct implements ISystemStage {
  /** The stage that contains `scope`; throws with the fix when there is none. */
  public static of(scope: IConstruct): EnvironmentStage {
    // Every ISystemStage of a Reliakit program is an EnvironmentStage; the lookup lives in core.
    return systemStageOf(scope) as EnvironmentStage;
  }

  /** The environment of this stage. */
  public readonly environment: Environment;
  /** Where pods reach the Kubernetes API server. */
  public readonly apiServer: ApiServerEndpoint;
  /** The chart holding this environment's Flux source and Kustomizations. */
  public readonly flux: FluxCluster;
  /** The infrastructure's controllers and configs charts, when the app synthesizes them. */
  public readonly infrastructure?: { readonly controllers: Infrastructure; readonly configs: InfrastructureConfigs };

  constructor(scope: Construct, id: string, props: EnvironmentStageProps) {
    super(scope, id);
    this.environment = props.environment;
    this.apiServer = props.apiServer ?? ApiServerEndpoint.privateRanges();
    this.flux = new FluxCluster(this, 'flux');
    const settings = fluxSettingsOf(this);
    if (settings.infrastructure) {
      this.infrastructure = {
        controllers: new Infrastructure(this, 'infrastructure-controllers', { environment: this.environment, settings }),
        configs: new InfrastructureConfigs(this, 'infrastructure-configs', { environment: this.environment, settings }),
      };
      this.flux.addInfrastructure();
    }
    markSystemStage(this);
  }

  /** Adds the Flux Kustomization of a system's apps (called by the SystemChart). */
  public registerSystem(system: SystemChart): void {
    this.flux.addSystem(system);
  }

  /** Adds the Flux Kustomization of a system's data layer (called by the SystemChart). */
  public registerDataLayer(system: SystemChart): void {
    this.flux.addDataLayer(system);
  }
}
