import { Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  HelmRelease,
  HelmReleaseSpecChartSpecSourceRefKind,
  HelmReleaseSpecInstallCrds,
  HelmReleaseSpecUpgradeCrds,
} from '../../imports/flux-helmrelease-helm.toolkit.fluxcd.io';
import { HelmRepository } from '../../imports/flux-helmrepository-source.toolkit.fluxcd.io';
import { recommendedLabels, RELIAKIT_VERSION } from '../core/conventions';
import type { Environment } from '../core/environment';
import { ReliableService } from '../workload/reliable-service/reliable-service';
import { prometheusAdapterRules, PrometheusAdapterRule } from './custom-metrics';
import { FluxSettings } from './flux-settings';
import { infrastructureComponents, InfrastructureComponent } from './infrastructure-charts';
import { PLATFORM_PRIORITY_CLASS, priorityClasses } from './priority-classes';
import { INFRASTRUCTURE } from './tree-layout';

/** Props of an {@link Infrastructure}. */
export interface InfrastructureChartProps {
  readonly environment: Environment;
  readonly settings: FluxSettings;
}

/** How often Flux checks a chart repository's index and reconciles a release. */
const HELM_INTERVAL = '1h';
/** Install and upgrade attempts before a release is left failed (Flux then retries on its interval). */
const HELM_RETRIES = 3;

/**
 * The controllers of an environment's infrastructure (`dist/infrastructure/<env>/controllers/`):
 * the PriorityClasses, one HelmRepository per chart repository, and per component its namespace
 * and a HelmRelease with a pinned chart version ({@link infrastructureComponents}). The CRDs come
 * with the charts (`crds: CreateReplace`), so the `infrastructure` Kustomizations are ready only
 * once every custom kind the systems use exists.
 */
export class Infrastructure extends Chart {
  /** The Helm releases, in install order. */
  public readonly components: readonly InfrastructureComponent[];

  constructor(scope: Construct, id: string, props: InfrastructureChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const infrastructure = props.settings.infrastructure;
    if (!infrastructure) throw new Error(`${this.node.path}: the app has no 'infrastructure' props`);
    const fluxNamespace = props.settings.source.namespace;
    const labels = (component: string) =>
      recommendedLabels({ system: INFRASTRUCTURE, component, environment: props.environment.name, version: RELIAKIT_VERSION });
    this.components = infrastructureComponents({
      monitoringRelease: infrastructure.monitoringRelease,
      platformPriorityClass: PLATFORM_PRIORITY_CLASS,
      traefik: infrastructure.traefik,
      // Lazy: the systems of the environment are built after its infrastructure.
      customMetricRules: Lazy.any({ produce: () => this.customMetrics().rules }),
    });
    this.node.addValidation({ validate: () => this.customMetrics().errors.map((e) => `${this.node.path}: ${e}`) });

    const classes = new Construct(this, 'priority-classes');
    for (const c of priorityClasses()) {
      new k8s.KubePriorityClass(classes, c.name, {
        metadata: { name: c.name, labels: labels('priority-classes') },
        value: c.value,
        globalDefault: c.globalDefault,
        preemptionPolicy: c.preemptionPolicy,
        description: c.description,
      });
    }

    const repositories = new Construct(this, 'repositories');
    for (const repo of new Map(this.components.map((c) => [c.repository.name, c.repository])).values()) {
      new HelmRepository(repositories, repo.name, {
        metadata: { name: repo.name, namespace: fluxNamespace, labels: labels('repositories') },
        spec: { url: repo.url, interval: HELM_INTERVAL },
      });
    }

    const namespaces = new Set<string>();
    for (const component of this.components) {
      const scope = new Construct(this, component.name);
      if (!namespaces.has(component.namespace)) {
        namespaces.add(component.namespace);
        new k8s.KubeNamespace(scope, 'namespace', {
          metadata: {
            name: component.namespace,
            labels: {
              ...labels(component.name),
              'pod-security.kubernetes.io/enforce': component.podSecurity,
              'pod-security.kubernetes.io/warn': 'restricted',
              'pod-security.kubernetes.io/audit': 'restricted',
            },
          },
        });
      }
      new HelmRelease(scope, 'release', {
        metadata: { name: component.name, namespace: fluxNamespace, labels: labels(component.name) },
        spec: {
          releaseName: component.name,
          targetNamespace: component.namespace,
          interval: HELM_INTERVAL,
          chart: {
            spec: {
              chart: component.chart,
              version: component.version,
              sourceRef: {
                kind: HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY,
                name: component.repository.name,
                namespace: fluxNamespace,
              },
              interval: HELM_INTERVAL,
            },
          },
          // CRDs are created and upgraded with the chart: a custom kind of a newer operator must
          // exist before the systems' objects of that kind are applied.
          install: { crds: HelmReleaseSpecInstallCrds.CREATE_REPLACE, remediation: { retries: HELM_RETRIES } },
          upgrade: { crds: HelmReleaseSpecUpgradeCrds.CREATE_REPLACE, remediation: { retries: HELM_RETRIES } },
          values: Object.keys(component.values).length > 0 ? component.values : undefined,
          dependsOn: component.dependsOn.length > 0 ? component.dependsOn.map((name) => ({ name, namespace: fluxNamespace })) : undefined,
        },
      });
    }
  }

  /** The prometheus-adapter rules serving every Pods metric of the environment's services (its stage's systems). */
  private customMetrics(): { rules: PrometheusAdapterRule[]; errors: string[] } {
    const stage = this.node.scope as Construct;
    const uses = stage.node
      .findAll()
      .filter((c): c is ReliableService => c instanceof ReliableService)
      .flatMap((svc) => svc.podsMetrics.map((m) => ({ path: svc.node.path, namespace: svc.namespace, ...m })));
    return prometheusAdapterRules(uses);
  }
}
