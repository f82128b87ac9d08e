import { Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { GitRepository } from '../imports/flux-gitrepository-source.toolkit.fluxcd.io';
import { Kustomization, KustomizationSpecSourceRefKind } from '../imports/flux-kustomization-kustomize.toolkit.fluxcd.io';
import { recommendedLabels, RELIAKIT_VERSION } from './conventions';
import { EnvironmentStage } from './environment-stage';
import { goDuration } from './private/units';
import { ReliakitApp } from './reliakit-app';
import type { SystemChart } from './system-chart';

/** Name of the Flux Kustomization (and directory suffix) of a system's data layer. */
export function dataLayerName(system: SystemChart): string {
  return `${system.system}-data`;
}

/**
 * The Flux objects of one environment (`dist/clusters/<env>/`): the Git source and one
 * Kustomization per system. Created by its {@link EnvironmentStage}; systems register themselves.
 */
export class FluxCluster extends Chart {
  private readonly systems: SystemChart[] = [];
  private readonly app: ReliakitApp;
  private readonly stage: EnvironmentStage;

  constructor(scope: EnvironmentStage, id: string) {
    const app = ReliakitApp.of(scope);
    super(scope, id, { disableResourceNameHashes: true });
    this.app = app;
    this.stage = scope;
    const source = app.fluxSettings.source;
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
    const infrastructure = this.app.fluxSettings.infrastructureDependency;
    this.addKustomization(system, system.system, this.app.appDirectory(this.stage.environment, system), () => [
      ...(infrastructure ? [infrastructure] : []),
      ...(system.hasDataLayer ? [dataLayerName(system)] : []),
      ...system.systemDependenciesList.map((d) => d.system),
    ]);
  }

  /** Adds `<system>-data`; called by the system when its first data component arrives. */
  public addDataLayer(system: SystemChart): void {
    const infrastructure = this.app.fluxSettings.infrastructureDependency;
    this.addKustomization(system, dataLayerName(system), this.app.dataDirectory(this.stage.environment, system),
      () => (infrastructure ? [infrastructure] : []),
      () => system.dataHealthChecks.map((h) => ({ apiVersion: h.apiVersion, kind: h.kind, current: h.current, failed: h.failed })));
  }

  private addKustomization(system: SystemChart, name: string, directory: string, dependsOn: () => string[],
    healthCheckExprs?: () => Array<Record<string, string | undefined>>): void {
    const settings = this.app.fluxSettings;
    new Kustomization(this as Construct, name, {
      metadata: { name, namespace: settings.source.namespace, labels: this.fluxLabels(system.system, 'kustomization') },
      spec: {
        path: `./${directory}`,
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: settings.source.name },
        prune: true,
        // wait: Flux marks the system ready only when every object it applied is ready, so
        // dependents (dependsOn) start on a working system, not just an applied one.
        wait: true,
        interval: goDuration(settings.interval),
        retryInterval: goDuration(settings.retryInterval),
        timeout: goDuration(settings.timeout),
        dependsOn: Lazy.any({
          produce: () => {
            const deps = dependsOn().map((d) => ({ name: d }));
            return deps.length > 0 ? deps : undefined;
          },
        }),
        healthCheckExprs: healthCheckExprs ? Lazy.any({ produce: () => {
          const exprs = healthCheckExprs();
          return exprs.length > 0 ? exprs : undefined;
        } }) : undefined,
      },
    });
  }

  /** The systems of this environment, in creation order (a copy). */
  public get systemCharts(): SystemChart[] {
    return [...this.systems];
  }

  private fluxLabels(system: string, component: string): Record<string, string> {
    return recommendedLabels({ system, component, environment: this.stage.environment.name, version: RELIAKIT_VERSION });
  }
}
