/**
 * Properties that must hold across the objects of every synthesized system, whatever the stack:
 * they catch wiring mistakes a per-object snapshot cannot (a Service selecting nothing, a
 * ServiceMonitor naming a port no Service has, a Deployment no PDB protects).
 */
import {
  CNPG_EXPORTER_METRICS,
  CNPG_POOLER_METRICS,
  GrafanaSidecar,
  LabelKeys,
  podMonitorTarget,
  REDIS_EXPORTER_METRICS,
  ScrapeTarget,
  serviceMonitorTarget,
  SystemChart,
} from '../../lib';
import { hasScrapeTargets } from '../../lib/core/scrape-targets';
import { metricNames } from '../../lib/observability/dashboards/panels/metric-names';
import { buildApp } from '../../stacks/main';
import { formatViolations, SchemaValidator } from '../../cli/audit/schema-validator';
import { Manifest, ofKind } from '../support/synth';
import { objectsBySystem, unproducedSecretReferences } from '../support/tree';
import { runRules } from '../../cli/audit/rules';

const app = buildApp();
const dirs = app.render();
// One case per system and environment: its data layer and its apps together, since policies and
// selectors cross between the two directories.
const bySystem = objectsBySystem(dirs);
const cases = [...bySystem.entries()];
const CLUSTER_SCOPED = new Set(['Namespace']);

function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** A full label selector (matchLabels and matchExpressions with In / Exists / DoesNotExist). */
function selectorMatches(selector: Manifest, labels: Record<string, string>): boolean {
  const expressions: Manifest[] = selector.matchExpressions ?? [];
  return (
    selects(selector.matchLabels ?? {}, labels) &&
    expressions.every((e) => {
      switch (e.operator) {
        case 'Exists':
          return e.key in labels;
        case 'DoesNotExist':
          return !(e.key in labels);
        case 'In':
          return e.values.includes(labels[e.key]);
        default:
          throw new Error(`unsupported operator ${e.operator}`);
      }
    })
  );
}

/** The labels of every kind of pod the objects create: Deployments' templates, CNPG instances and poolers. */
function podLabelSets(objects: Manifest[], namespace: string): Array<Record<string, string>> {
  return objects
    .filter((o) => o.metadata.namespace === namespace)
    .flatMap((o) => {
      if (WORKLOADS.includes(o.kind)) return [o.spec.template.metadata.labels];
      if (o.kind === 'CronJob') return [o.spec.jobTemplate.spec.template.metadata.labels];
      if (o.kind === 'Cluster') return [{ 'cnpg.io/cluster': o.metadata.name, 'cnpg.io/podRole': 'instance' }];
      if (o.kind === 'Pooler') return [{ 'cnpg.io/poolerName': o.metadata.name, 'cnpg.io/cluster': o.spec.cluster.name }];
      // Litmus: the runner (the operator's `app` label plus the engine's runnerLabels), and the
      // experiment pods of each hub definition.
      if (o.kind === 'ChaosEngine') return [{ app: o.metadata.name, ...(o.spec.components?.runner?.runnerLabels ?? {}) }];
      if (o.kind === 'ChaosExperiment') return [o.spec.definition.labels];
      return [];
    });
}

const WORKLOADS = ['Deployment', 'StatefulSet'];

/**
 * Metrics of the cluster's own scrape jobs (kubelet/cAdvisor and kube-state-metrics, installed
 * with the monitoring stack, not by the systems' ServiceMonitors) that dashboards may read.
 */
const PLATFORM_METRICS = new Set([
  'container_cpu_usage_seconds_total',
  'container_memory_working_set_bytes',
  'kubelet_volume_stats_used_bytes',
  'kubelet_volume_stats_capacity_bytes',
  'kube_pod_container_resource_requests',
  'kube_pod_container_resource_limits',
  'kube_pod_container_status_restarts_total',
  'kube_deployment_spec_replicas',
  'kube_deployment_status_replicas_available',
  'kube_horizontalpodautoscaler_status_current_replicas',
  'kube_horizontalpodautoscaler_spec_min_replicas',
  'kube_horizontalpodautoscaler_spec_max_replicas',
]);

/**
 * The metrics the system's own exporters serve, by what it runs: a CloudNativePG Cluster's
 * instances (scraped by its PodMonitor), its PgBouncer Poolers, and a Redis StatefulSet's
 * redis_exporter sidecar (scraped by its ServiceMonitor).
 */
function exporterMetrics(objects: Manifest[]): string[] {
  const has = (test: (o: Manifest) => boolean) => objects.some(test);
  const redis = (o: Manifest) =>
    o.kind === 'StatefulSet' &&
    o.spec.template.spec.containers.some((c: Manifest) => c.name === 'exporter' && String(c.image).includes('redis_exporter'));
  return [
    ...(has((o) => o.kind === 'Cluster' && o.apiVersion.startsWith('postgresql.cnpg.io')) ? CNPG_EXPORTER_METRICS : []),
    ...(has((o) => o.kind === 'Pooler' && o.apiVersion.startsWith('postgresql.cnpg.io')) ? CNPG_POOLER_METRICS : []),
    ...(has(redis) ? REDIS_EXPORTER_METRICS : []),
  ];
}

function podsOf(objects: Manifest[], namespace: string, selector: Record<string, string>): Manifest[] {
  return objects.filter(
    (o) => WORKLOADS.includes(o.kind) && o.metadata.namespace === namespace && selects(selector, o.spec.template.metadata.labels),
  );
}

test('there is at least one system per environment', () => {
  expect(cases.map(([k]) => k)).toEqual(expect.arrayContaining(['prod/homepage', 'dev/homepage']));
});

describe.each(cases)('%s', (name, objects) => {
  test('every object validates strictly against the Kubernetes 1.28 / CRD schemas', () => {
    expect(formatViolations(SchemaValidator.load().validateAll(objects))).toBe('');
  });

  test('every object carries the recommended labels and a readable name', () => {
    for (const o of objects) {
      for (const key of [
        LabelKeys.NAME,
        LabelKeys.INSTANCE,
        LabelKeys.COMPONENT,
        LabelKeys.PART_OF,
        LabelKeys.MANAGED_BY,
        LabelKeys.VERSION,
      ]) {
        expect([o.kind, o.metadata.name, key, typeof o.metadata.labels?.[key]]).toEqual([o.kind, o.metadata.name, key, 'string']);
      }
      // cdk8s's default names end in an 8-hex-digit hash; Reliakit's never do.
      expect(o.metadata.name).not.toMatch(/-[0-9a-f]{8}$/);
      if (!CLUSTER_SCOPED.has(o.kind)) expect(o.metadata.namespace).toBeTruthy();
    }
  });

  test('every replicated workload is selected by exactly one PDB', () => {
    for (const d of objects.filter((o) => WORKLOADS.includes(o.kind) && o.spec.replicas !== 1)) {
      const pdbs = objects.filter(
        (o) =>
          o.kind === 'PodDisruptionBudget' &&
          o.metadata.namespace === d.metadata.namespace &&
          selects(o.spec.selector.matchLabels, d.spec.template.metadata.labels),
      );
      expect([d.metadata.name, pdbs.length]).toEqual([d.metadata.name, 1]);
    }
  });

  test('every Service selects pods and targets ports they declare', () => {
    for (const svc of objects.filter((o) => o.kind === 'Service')) {
      const pods = podsOf(objects, svc.metadata.namespace, svc.spec.selector);
      expect([svc.metadata.name, pods.length]).toEqual([svc.metadata.name, 1]);
      const containerPorts = pods[0].spec.template.spec.containers.flatMap((c: Manifest) => c.ports ?? []).map((p: Manifest) => p.name);
      for (const port of svc.spec.ports)
        expect([svc.metadata.name, containerPorts]).toEqual([svc.metadata.name, expect.arrayContaining([port.targetPort])]);
    }
  });

  test('every ServiceMonitor selects a Service port', () => {
    for (const sm of objects.filter((o) => o.kind === 'ServiceMonitor')) {
      const services = objects.filter(
        (o) =>
          o.kind === 'Service' &&
          sm.spec.namespaceSelector.matchNames.includes(o.metadata.namespace) &&
          selectorMatches(sm.spec.selector, o.metadata.labels),
      );
      expect([sm.metadata.name, services.length]).toEqual([sm.metadata.name, 1]);
      const portNames = services[0].spec.ports.map((p: Manifest) => p.name);
      for (const ep of sm.spec.endpoints) expect(portNames).toContain(ep.port);
    }
  });

  test('the scrape targets constructs publish are those Prometheus derives from the ServiceMonitors, PodMonitors and Services', () => {
    // What the selector check trusts (IScrapeTargets), recomputed from the synthesized objects.
    const services = ofKind(objects, 'Service');
    const derived: ScrapeTarget[] = [
      ...ofKind(objects, 'ServiceMonitor').flatMap((sm) =>
        services
          .filter(
            (svc) =>
              (sm.spec.namespaceSelector?.matchNames ?? [sm.metadata.namespace]).includes(svc.metadata.namespace) &&
              selectorMatches(sm.spec.selector, svc.metadata.labels ?? {}),
          )
          .map((svc) =>
            serviceMonitorTarget(
              { name: sm.metadata.name, namespace: sm.metadata.namespace, jobLabel: sm.spec.jobLabel },
              { name: svc.metadata.name, namespace: svc.metadata.namespace, labels: svc.metadata.labels ?? {} },
            ),
          ),
      ),
      ...ofKind(objects, 'PodMonitor').map((pm) =>
        podMonitorTarget({ name: pm.metadata.name, namespace: pm.metadata.namespace, jobLabel: pm.spec.jobLabel }),
      ),
    ];
    const chart = app.node
      .findAll()
      .find((c) => SystemChart.isSystemChart(c) && `${c.environment.name}/${c.system}` === name) as SystemChart;
    const published = chart.node
      .findAll()
      .filter(hasScrapeTargets)
      .flatMap((c) => c.scrapeTargets());
    const key = (t: ScrapeTarget) => JSON.stringify([t.kind, t.monitor, t.namespace, t.job, t.service ?? '']);
    expect(published.map(key).sort()).toEqual(derived.map(key).sort());
  });

  test('every HPA scales an existing Deployment that leaves replicas to it', () => {
    for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
      const target = objects.find(
        (o) =>
          o.kind === 'Deployment' && o.metadata.name === hpa.spec.scaleTargetRef.name && o.metadata.namespace === hpa.metadata.namespace,
      );
      expect(target?.spec.replicas).toBeUndefined();
      expect(target).toBeDefined();
    }
  });

  test('every NetworkPolicy selects pods the system runs, and every pod is covered by one', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    for (const np of policies) {
      const pods = podLabelSets(objects, np.metadata.namespace).filter((labels) => selectorMatches(np.spec.podSelector, labels));
      expect([np.metadata.name, pods.length > 0]).toEqual([np.metadata.name, true]);
    }
    for (const o of objects.filter((x) => [...WORKLOADS, 'CronJob', 'Cluster', 'Pooler'].includes(x.kind))) {
      const labels = podLabelSets([o], o.metadata.namespace)[0];
      expect([o.kind, o.metadata.name, policies.some((np) => selectorMatches(np.spec.podSelector, labels))]).toEqual([
        o.kind,
        o.metadata.name,
        true,
      ]);
    }
  });

  test('every egress rule to pods targets pods the stack runs (or a namespace outside it)', () => {
    for (const np of objects.filter((o) => o.kind === 'NetworkPolicy')) {
      for (const rule of np.spec.egress ?? []) {
        for (const peer of rule.to ?? []) {
          const ns = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
          if (!peer.podSelector || ns !== np.metadata.namespace) continue;
          const pods = podLabelSets(objects, ns).filter((labels) => selectorMatches(peer.podSelector, labels));
          expect([np.metadata.name, peer.podSelector, pods.length > 0]).toEqual([np.metadata.name, peer.podSelector, true]);
        }
      }
    }
  });

  test('every gateway route targets an existing Service port (or a Traefik internal service), and every middleware it uses exists', () => {
    for (const ir of objects.filter((o) => o.kind === 'IngressRoute')) {
      for (const route of ir.spec.routes) {
        // Traefik's own services (the HTTP → HTTPS redirect's `noop@internal`) are not Kubernetes Services.
        for (const target of route.services.filter((t: Manifest) => (t.kind ?? 'Service') === 'Service')) {
          const svc = objects.find(
            (o) =>
              o.kind === 'Service' &&
              o.metadata.name === target.name &&
              o.metadata.namespace === (target.namespace ?? ir.metadata.namespace),
          );
          expect([route.match, target.name, svc?.spec.ports.map((p: Manifest) => p.port)]).toEqual([
            route.match,
            target.name,
            expect.arrayContaining([target.port]),
          ]);
        }
        for (const mw of route.middlewares ?? []) {
          const found = objects.some(
            (o) =>
              o.kind === 'Middleware' && o.metadata.name === mw.name && o.metadata.namespace === (mw.namespace ?? ir.metadata.namespace),
          );
          expect([route.match, mw.name, found]).toEqual([route.match, mw.name, true]);
        }
      }
    }
  });

  test('stateful objects are protected from Flux pruning', () => {
    for (const o of objects.filter((x) => ['Cluster', 'ObjectStore'].includes(x.kind))) {
      expect([o.kind, o.metadata.annotations?.['kustomize.toolkit.fluxcd.io/prune']]).toEqual([o.kind, 'disabled']);
    }
  });

  // Strict: the system's own tree produces every Secret it reads. A Secret written only by the
  // Pulumi program would be missing in a Flux-only rollout (production review, finding 1).
  test("every Secret an object reads is synced, issued or generated in the system's tree (nothing assumed to exist)", () => {
    expect(unproducedSecretReferences(objects)).toEqual([]);
  });

  test("every alert has a severity, a team, a runbook, a summary and a description, and reaches the namespace's routing", () => {
    const namespace = objects.find((o) => o.kind === 'Namespace')?.metadata.name;
    for (const rule of objects.filter((o) => o.kind === 'PrometheusRule')) {
      for (const a of rule.spec.groups.flatMap((g: Manifest) => g.rules).filter((r: Manifest) => r.alert)) {
        const at = `${rule.metadata.name}/${a.alert}`;
        expect([at, ['critical', 'warning', 'info'].includes(a.labels?.severity), typeof a.labels?.team]).toEqual([at, true, 'string']);
        expect([at, a.annotations?.runbook_url]).toEqual([at, expect.stringMatching(/^https?:\/\//)]);
        expect([at, typeof a.annotations?.summary, typeof a.annotations?.description]).toEqual([at, 'string', 'string']);
        // A namespace-scoped AlertmanagerConfig only sees alerts whose namespace label is its own:
        // the label is either set on the rule or kept by the expression (a matcher on it, and no
        // aggregation that drops it).
        const keeps =
          a.labels?.namespace === namespace ||
          (a.expr.includes(`namespace="${namespace}"`) &&
            !/\b(sum|max|min|avg|count)\s*\(/.test(a.expr.replace(/\b(sum|max|min|avg|count)\s+by\s*\([^)]*namespace[^)]*\)\s*\(/g, '(')));
        expect([at, keeps]).toEqual([at, true]);
      }
    }
  });

  test("the system ships an SLO and a service dashboard; every SLO is on one, every metric queried is recorded, alerted on, served by the system's exporters or a platform metric", () => {
    const dashboards = objects
      .filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.[GrafanaSidecar.LABEL] === GrafanaSidecar.LABEL_VALUE)
      .map((o) => ({ name: o.metadata.name as string, json: JSON.parse(Object.values(o.data as Record<string, string>)[0]) }));
    expect(dashboards.map((d) => d.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/-slo-dashboard$/), expect.stringMatching(/-service-dashboard$/)]),
    );
    const rules = objects.filter((o) => o.kind === 'PrometheusRule').flatMap((r) => r.spec.groups.flatMap((g: Manifest) => g.rules));
    const known = new Set([
      ...PLATFORM_METRICS,
      ...exporterMetrics(objects),
      ...rules.filter((r) => r.record).map((r) => r.record),
      ...rules.flatMap((r) => metricNames(r.expr)),
    ]);
    const exprs = dashboards.flatMap((d) =>
      d.json.panels
        .flatMap((p: Manifest) => [p, ...(p.panels ?? [])])
        .flatMap((p: Manifest) => (p.targets ?? []).map((t: Manifest) => ({ at: `${d.name}/${p.title}`, expr: t.expr as string }))),
    );
    expect(exprs.length).toBeGreaterThan(0);
    expect(
      exprs.flatMap(({ at, expr }) =>
        metricNames(expr)
          .filter((m) => !known.has(m))
          .map((m) => `${at}: ${m}`),
      ),
    ).toEqual([]);
    // Every SLO the system records (its service/slo pair) is on a dashboard (other records, e.g. a
    // restore drill's measured RTO, carry no slo label).
    const recorded = [
      ...new Set(rules.filter((r) => r.record && r.labels?.slo).map((r) => `service="${r.labels.service}",slo="${r.labels.slo}"`)),
    ];
    expect(recorded.filter((pair) => !exprs.some((e) => e.expr.includes(pair)))).toEqual([]);
  });

  test("the audit's rules (`reliakit audit`) find nothing: selectors, references, probes, resources, PDBs", () => {
    expect(runRules(objects.map((object, index) => ({ file: name, index, object })))).toEqual([]);
  });

  test('no Secret objects and no literal env values that look like credentials', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    for (const d of objects.filter((o) => o.kind === 'Deployment')) {
      for (const e of d.spec.template.spec.containers.flatMap((c: Manifest) => c.env ?? [])) {
        if (/PASSWORD|SECRET|TOKEN|KEY/i.test(e.name)) expect(e.value).toBeUndefined();
      }
    }
  });
});

test('the Flux objects validate strictly too', () => {
  const flux = dirs.filter((d) => d.path.startsWith('clusters/')).flatMap((d) => d.files.flatMap((f) => f.objects));
  expect(flux.map((o) => o.kind)).toEqual(expect.arrayContaining(['GitRepository', 'Kustomization']));
  expect(formatViolations(SchemaValidator.load().validateAll(flux))).toBe('');
});

test('the validator used above rejects a misspelled field in a synthesized object', () => {
  const deployment = structuredClone(cases.flatMap(([, objects]) => objects).find((o) => o.kind === 'Deployment')) as Manifest;
  deployment.spec.template.spec.containers[0].readinesProbe = deployment.spec.template.spec.containers[0].readinessProbe;
  const violations = SchemaValidator.load().validate(deployment);
  expect(formatViolations(violations)).toContain('/spec/template/spec/containers/0/readinesProbe');
});
