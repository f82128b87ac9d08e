import { Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { GitRepository } from '../imports/flux-gitrepository-source.toolkit.fluxcd.io';
import { Kustomization, KustomizationSpecSourceRefKind } from '../imports/flux-kustomization-kustomize.toolkit.fluxcd.io';
import { recommendedLabels, RELIAKIT_VERSION } from './conventions';
import { EnvironmentStage } from './environment-stage';
import { goDuration } from './private/units';
import { ReliakitApp } from './reliakit-app';
import type { SystemChart } from './system-chart';

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

  /** Adds the Flux Kustomization that applies `system`'s directory. */
  public addSystem(system: SystemChart): void {
    this.systems.push(system);
    const settings = this.app.fluxSettings;
    const infrastructure = settings.infrastructureDependency;
    new Kustomization(this as Construct, system.system, {
      metadata: { name: system.system, namespace: settings.source.namespace, labels: this.fluxLabels(system.system, 'kustomization') },
      spec: {
        path: `./${this.app.appDirectory(this.stage.environment, system)}`,
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
            const deps = [
              ...(infrastructure ? [{ name: infrastructure }] : []),
              ...system.systemDependenciesList.map((d) => ({ name: d.system })),
            ];
            return deps.length > 0 ? deps : undefined;
          },
        }),
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
