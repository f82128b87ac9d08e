/**
 * Properties that must hold across the objects of every synthesized system, whatever the stack:
 * they catch wiring mistakes a per-object snapshot cannot (a Service selecting nothing, a
 * ServiceMonitor naming a port no Service has, a Deployment no PDB protects).
 */
import { LabelKeys } from '../../lib';
import { buildApp } from '../../stacks/main';
import { formatViolations, SchemaValidator } from '../support/schema-validator';
import { Manifest } from '../support/synth';

const dirs = buildApp().render();
const appDirs = dirs.filter((d) => d.path.startsWith('apps/'));
const cases = appDirs.map((d) => [d.path, d.files.flatMap((f) => f.objects)] as [string, Manifest[]]);
const CLUSTER_SCOPED = new Set(['Namespace']);

function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function podsOf(objects: Manifest[], namespace: string, selector: Record<string, string>): Manifest[] {
  return objects.filter((o) => o.kind === 'Deployment' && o.metadata.namespace === namespace && selects(selector, o.spec.template.metadata.labels));
}

test('there is at least one system per environment', () => {
  expect(appDirs.map((d) => d.path)).toEqual(expect.arrayContaining(['apps/prod/homepage', 'apps/dev/homepage']));
});

describe.each(cases)('%s', (_path, objects) => {
  test('every object validates strictly against the Kubernetes 1.28 / CRD schemas', () => {
    expect(formatViolations(SchemaValidator.load().validateAll(objects))).toBe('');
  });

  test('every object carries the recommended labels and a readable name', () => {
    for (const o of objects) {
      for (const key of [LabelKeys.NAME, LabelKeys.INSTANCE, LabelKeys.COMPONENT, LabelKeys.PART_OF, LabelKeys.MANAGED_BY, LabelKeys.VERSION]) {
        expect([o.kind, o.metadata.name, key, typeof o.metadata.labels?.[key]]).toEqual([o.kind, o.metadata.name, key, 'string']);
      }
      // cdk8s's default names end in an 8-hex-digit hash; Reliakit's never do.
      expect(o.metadata.name).not.toMatch(/-[0-9a-f]{8}$/);
      if (!CLUSTER_SCOPED.has(o.kind)) expect(o.metadata.namespace).toBeTruthy();
    }
  });

  test('every Deployment is selected by exactly one PDB', () => {
    for (const d of objects.filter((o) => o.kind === 'Deployment')) {
      const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget' && o.metadata.namespace === d.metadata.namespace
        && selects(o.spec.selector.matchLabels, d.spec.template.metadata.labels));
      expect([d.metadata.name, pdbs.length]).toEqual([d.metadata.name, 1]);
    }
  });

  test('every Service selects pods and targets ports they declare', () => {
    for (const svc of objects.filter((o) => o.kind === 'Service')) {
      const pods = podsOf(objects, svc.metadata.namespace, svc.spec.selector);
      expect([svc.metadata.name, pods.length]).toEqual([svc.metadata.name, 1]);
      const containerPorts = pods[0].spec.template.spec.containers.flatMap((c: Manifest) => c.ports ?? []).map((p: Manifest) => p.name);
      for (const port of svc.spec.ports) expect([svc.metadata.name, containerPorts]).toEqual([svc.metadata.name, expect.arrayContaining([port.targetPort])]);
    }
  });

  test('every ServiceMonitor selects a Service port', () => {
    for (const sm of objects.filter((o) => o.kind === 'ServiceMonitor')) {
      const services = objects.filter((o) => o.kind === 'Service' && sm.spec.namespaceSelector.matchNames.includes(o.metadata.namespace)
        && selects(sm.spec.selector.matchLabels, o.metadata.labels));
      expect([sm.metadata.name, services.length]).toEqual([sm.metadata.name, 1]);
      const portNames = services[0].spec.ports.map((p: Manifest) => p.name);
      for (const ep of sm.spec.endpoints) expect(portNames).toContain(ep.port);
    }
  });

  test('every HPA scales an existing Deployment that leaves replicas to it', () => {
    for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
      const target = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === hpa.spec.scaleTargetRef.name && o.metadata.namespace === hpa.metadata.namespace);
      expect(target?.spec.replicas).toBeUndefined();
      expect(target).toBeDefined();
    }
  });

  test('every NetworkPolicy selects a Deployment, and every Deployment has one', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    for (const np of policies) expect(podsOf(objects, np.metadata.namespace, np.spec.podSelector.matchLabels)).toHaveLength(1);
    for (const d of objects.filter((o) => o.kind === 'Deployment')) {
      expect(policies.some((np) => selects(np.spec.podSelector.matchLabels, d.spec.template.metadata.labels))).toBe(true);
    }
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
  const deployment = structuredClone(cases[0][1].find((o) => o.kind === 'Deployment')) as Manifest;
  deployment.spec.template.spec.containers[0].readinesProbe = deployment.spec.template.spec.containers[0].readinessProbe;
  const violations = SchemaValidator.load().validate(deployment);
  expect(formatViolations(violations)).toContain('/spec/template/spec/containers/0/readinesProbe');
});
