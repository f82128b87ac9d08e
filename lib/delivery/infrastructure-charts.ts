/**
 * The Helm charts of the cluster infrastructure every system needs (the operators and CRDs of the
 * kinds the stacks emit), with pinned chart versions: pure data, rendered by {@link Infrastructure}.
 *
 * Each version is the chart release that ships the operator version whose CRDs are imported in
 * imports/crds/ (imports/crds/SOURCES.md), so the objects validated here are the ones the
 * installed CRDs accept. Where the chart's repository lists it, the comment names the chart's
 * `appVersion`.
 */

import { TraefikPlatform } from '../gateway/traefik-platform';

/** A Helm repository Flux reads charts from (a `HelmRepository`). */
export interface HelmRepositorySource {
  /** Name of the HelmRepository object. */
  readonly name: string;
  /** The repository's index URL. */
  readonly url: string;
}

/** One Helm release of the infrastructure. */
export interface InfrastructureComponent {
  /** Name of the HelmRelease and of the Helm release itself. */
  readonly name: string;
  /** The namespace the chart is installed into (emitted with the release). */
  readonly namespace: string;
  /** Pod Security level enforced on the namespace (warn and audit stay `restricted`). */
  readonly podSecurity: 'restricted' | 'baseline' | 'privileged';
  readonly repository: HelmRepositorySource;
  readonly chart: string;
  /** The exact chart version (never a range: an upgrade is a reviewed change of this file). */
  readonly version: string;
  /** Helm values. */
  readonly values: Record<string, unknown>;
  /** Components (by name) installed first. */
  readonly dependsOn: readonly string[];
}

/** Settings the charts take from the app. */
export interface InfrastructureChartSettings {
  /** kube-prometheus-stack's release name, which its Prometheus selects monitoring objects by (`release: <it>`). */
  readonly monitoringRelease: string;
  /** PriorityClass of the platform's own pods (operators, gateway, monitoring). */
  readonly platformPriorityClass: string;
  /** The Traefik deployment every gateway runs on. */
  readonly traefik: TraefikPlatform;
  /**
   * prometheus-adapter's discovery rules (`rules.custom`): one per custom metric an HPA of the
   * environment scales on (custom-metrics.ts), resolved at synth, when every system is built.
   */
  readonly customMetricRules: unknown;
}

const REPOSITORIES = {
  jetstack: { name: 'jetstack', url: 'https://charts.jetstack.io' },
  prometheusCommunity: { name: 'prometheus-community', url: 'https://prometheus-community.github.io/helm-charts' },
  cnpg: { name: 'cloudnative-pg', url: 'https://cloudnative-pg.github.io/charts' },
  traefik: { name: 'traefik', url: 'https://traefik.github.io/charts' },
  externalSecrets: { name: 'external-secrets', url: 'https://charts.external-secrets.io' },
  litmus: { name: 'litmuschaos', url: 'https://litmuschaos.github.io/litmus-helm/' },
} as const satisfies Record<string, HelmRepositorySource>;

/** The infrastructure's Helm releases, in install order. */
export function infrastructureComponents(s: InfrastructureChartSettings): InfrastructureComponent[] {
  const priorityClassName = s.platformPriorityClass;
  return [
    {
      // cert-manager's chart is versioned as its release: v1.21.1, the CRDs in imports/crds/cert-manager.
      name: 'cert-manager',
      namespace: 'cert-manager',
      podSecurity: 'restricted',
      repository: REPOSITORIES.jetstack,
      chart: 'cert-manager',
      version: 'v1.21.1',
      // The CRDs come with the chart, and survive its uninstall (every Certificate would go with them).
      values: { crds: { enabled: true, keep: true }, global: { priorityClassName } },
      dependsOn: [],
    },
    {
      // kube-prometheus-stack 88.3.0: appVersion v0.93.0 (prometheus-operator, the CRDs in
      // imports/crds/prometheus-operator), the last chart release before 88.4.0 moved to v0.93.1.
      // Its Prometheus selects ServiceMonitors, PodMonitors and PrometheusRules labelled
      // `release: <release name>` (the chart's *SelectorNilUsesHelmValues defaults); Grafana's
      // dashboard sidecar reads `grafana_dashboard: "1"` ConfigMaps in every namespace.
      // privileged: node-exporter runs with the host's network and PID namespaces.
      name: s.monitoringRelease,
      namespace: 'monitoring',
      podSecurity: 'privileged',
      repository: REPOSITORIES.prometheusCommunity,
      chart: 'kube-prometheus-stack',
      version: '88.3.0',
      values: {
        prometheus: { prometheusSpec: { priorityClassName } },
        alertmanager: { alertmanagerSpec: { priorityClassName } },
      },
      dependsOn: [],
    },
    {
      // prometheus-adapter chart 4.11.0: appVersion v0.12.0. Serves the custom metrics API
      // (custom.metrics.k8s.io) the HPAs' Pods metrics are read from, from the Prometheus of the
      // release above (its `prometheus-operated` Service). Only the rules the systems need:
      // the chart's default rules would discover (and cache) every series of the cluster. Two
      // replicas and a PDB: while the aggregated API is down, every HPA on a custom metric stops
      // scaling (ScalingActive=false). metrics-server keeps serving cpu and memory (resource
      // metrics stay off here).
      name: 'prometheus-adapter',
      namespace: 'monitoring',
      podSecurity: 'privileged',
      repository: REPOSITORIES.prometheusCommunity,
      chart: 'prometheus-adapter',
      version: '4.11.0',
      values: {
        prometheus: { url: 'http://prometheus-operated.monitoring.svc', port: 9090 },
        replicas: 2,
        podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
        priorityClassName,
        rules: { default: false, custom: s.customMetricRules, external: [], resource: {} },
      },
      dependsOn: [s.monitoringRelease],
    },
    {
      // cloudnative-pg chart 0.29.0: appVersion 1.30.0, the CRDs in imports/crds/cnpg.
      name: 'cloudnative-pg',
      namespace: 'cnpg-system',
      podSecurity: 'restricted',
      repository: REPOSITORIES.cnpg,
      chart: 'cloudnative-pg',
      version: '0.29.0',
      values: { crds: { create: true }, priorityClassName },
      dependsOn: [],
    },
    {
      // plugin-barman-cloud chart 0.7.0: appVersion v0.13.0, the newest chart release (the
      // ObjectStore CRD imported is v0.14.0's; no chart ships v0.14.0 yet). The plugin lives in
      // the operator's namespace and gets its TLS certificates from cert-manager.
      name: 'plugin-barman-cloud',
      namespace: 'cnpg-system',
      podSecurity: 'restricted',
      repository: REPOSITORIES.cnpg,
      chart: 'plugin-barman-cloud',
      version: '0.7.0',
      values: { crds: { create: true }, priorityClassName },
      dependsOn: ['cert-manager', 'cloudnative-pg'],
    },
    {
      // traefik chart 41.1.1: appVersion v3.7.9, the CRDs in imports/crds/traefik. Replicas and
      // trusted proxies from the app's TraefikPlatform, the one the gateways divide rate limits by
      // and take the X-Forwarded-For depth from.
      name: 'traefik',
      namespace: s.traefik.namespace,
      podSecurity: 'baseline',
      repository: REPOSITORIES.traefik,
      chart: 'traefik',
      version: '41.1.1',
      values: { ...s.traefik.helmValues(), priorityClassName },
      dependsOn: [],
    },
    {
      // external-secrets chart 2.9.0: appVersion v2.9.0, the CRDs in imports/crds/external-secrets.
      name: 'external-secrets',
      namespace: 'external-secrets',
      podSecurity: 'restricted',
      repository: REPOSITORIES.externalSecrets,
      chart: 'external-secrets',
      version: '2.9.0',
      values: { installCRDs: true, priorityClassName },
      dependsOn: [],
    },
    {
      // litmus-core chart 3.18.0: appVersion 3.18.0, the chaos-operator whose CRDs are in
      // imports/crds/litmuschaos. The ChaosExperiments the engines run are emitted in each
      // system's namespace beside its engines: the runner reads them from the engine's namespace.
      name: 'litmus-core',
      namespace: 'litmus',
      podSecurity: 'baseline',
      repository: REPOSITORIES.litmus,
      chart: 'litmus-core',
      version: '3.18.0',
      values: {},
      dependsOn: [],
    },
  ];
}
