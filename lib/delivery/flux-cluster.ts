import { Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { GitRepository } from '../../imports/flux-gitrepository-source.toolkit.fluxcd.io';
import { Kustomization, KustomizationSpecSourceRefKind } from '../../imports/flux-kustomization-kustomize.toolkit.fluxcd.io';
import { recommendedLabels, RELIAKIT_VERSION } from '../core/conventions';
import type { Environment } from '../core/environment';
import { goDuration } from '../core/units';
import { FluxSettings, fluxSettingsOf } from './flux-settings';
import {
  appDirectory,
  dataDirectory,
  dataLayerName,
  INFRASTRUCTURE,
  INFRASTRUCTURE_CONTROLLERS,
  infrastructureDirectory,
} from './tree-layout';
import type { SystemChart } from '../core/system-chart';

/**
 * How long the infrastructure's controllers may take: three Helm releases in a dependsOn chain
 * (cert-manager, cloudnative-pg, then the Barman Cloud plugin), each within Helm's 5 min default.
 */
const INFRASTRUCTURE_TIMEOUT = '15m';

/**
 * The Flux objects of one environment (`dist/clusters/<env>/`): the Git source and one
 * Kustomization per system. Created by its EnvironmentStage; systems register themselves through it.
 */
export class FluxCluster extends Chart {
  private readonly systems: SystemChart[] = [];
  private readonly settings: FluxSettings;
  private readonly environment: Environment;

  constructor(scope: Construct & { readonly environment: Environment }, id: string) {
    const settings = fluxSettingsOf(scope);
    super(scope, id, { disableResourceNameHashes: true });
    this.settings = settings;
    this.environment = scope.environment;
    const source = settings.source;
    new GitRepository(this, 'source', {
      metadata: { name: source.name, namespace: source.namespace, labels: this.fluxLabels('gitops', 'source') },
      spec: {
        url: source.url,
        ref: { branch: source.branch },
        interval: goDuration(source.interval),
        ...(source.secretName ? { secretRef: { name: source.secretName } } : {}),
      },
    });
  }

  /**
   * Adds the Flux Kustomizations that apply `system`: `<system>` for its apps and, once the system
   * has a data layer, `<system>-data` before it (with CEL health checks on the stateful kinds).
   */
  public addSystem(system: SystemChart): void {
    this.systems.push(system);
    const infrastructure = this.settings.infrastructureDependency;
    this.addKustomization(system.system, system.system, appDirectory(this.environment, system), () => [
      ...(infrastructure ? [infrastructure] : []),
      ...(system.hasDataLayer ? [dataLayerName(system)] : []),
      ...system.systemDependenciesList.map((d) => d.system),
    ]);
  }

  /** Adds `<system>-data`; called by the system when its first data component arrives. */
  public addDataLayer(system: SystemChart): void {
    const infrastructure = this.settings.infrastructureDependency;
    this.addKustomization(
      system.system,
      dataLayerName(system),
      dataDirectory(this.environment, system),
      () => (infrastructure ? [infrastructure] : []),
      () => system.dataHealthChecks.map((h) => ({ apiVersion: h.apiVersion, kind: h.kind, current: h.current, failed: h.failed })),
    );
  }

  /**
   * Adds the infrastructure's two Kustomizations (`infrastructure.yaml`): its controllers (Helm
   * releases with their CRDs), then `infrastructure` with the controllers' custom resources, which
   * every system depends on. Both wait for readiness, so a system is applied only once every CRD
   * and the ClusterSecretStore exist.
   */
  public addInfrastructure(): void {
    const scope = new Construct(this, INFRASTRUCTURE);
    this.addKustomization(
      INFRASTRUCTURE,
      INFRASTRUCTURE_CONTROLLERS,
      infrastructureDirectory(this.environment, 'controllers'),
      () => [],
      undefined,
      scope,
      INFRASTRUCTURE_TIMEOUT,
    );
    this.addKustomization(
      INFRASTRUCTURE,
      INFRASTRUCTURE,
      infrastructureDirectory(this.environment, 'configs'),
      () => [INFRASTRUCTURE_CONTROLLERS],
      undefined,
      scope,
    );
  }

  private addKustomization(
    partOf: string,
    name: string,
    directory: string,
    dependsOn: () => string[],
    healthCheckExprs?: () => Array<Record<string, string | undefined>>,
    scope: Construct = this,
    timeout?: string,
  ): void {
    const settings = this.settings;
    new Kustomization(scope, name, {
      metadata: { name, namespace: settings.source.namespace, labels: this.fluxLabels(partOf, 'kustomization') },
      spec: {
        path: `./${directory}`,
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: settings.source.name },
        prune: true,
        // wait: Flux marks the system ready only when every object it applied is ready, so
        // dependents (dependsOn) start on a working system, not just an applied one.
        wait: true,
        interval: goDuration(settings.interval),
        retryInterval: goDuration(settings.retryInterval),
        timeout: timeout ?? goDuration(settings.timeout),
        dependsOn: Lazy.any({
          produce: () => {
            const deps = dependsOn().map((d) => ({ name: d }));
            return deps.length > 0 ? deps : undefined;
          },
        }),
        healthCheckExprs: healthCheckExprs
          ? Lazy.any({
              produce: () => {
                const exprs = healthCheckExprs();
                return exprs.length > 0 ? exprs : undefined;
              },
            })
          : undefined,
      },
    });
  }

  /** The systems of this environment, in creation order (a copy). */
  public get systemCharts(): SystemChart[] {
    return [...this.systems];
  }

  private fluxLabels(system: string, component: string): Record<string, string> {
    return recommendedLabels({ system, component, environment: this.environment.name, version: RELIAKIT_VERSION });
  }
}
