import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Environment, EnvironmentStage, ReliakitApp, SystemChart } from '../../lib';
import { find } from '../support/synth';

function app(): ReliakitApp {
  return new ReliakitApp({ source: { url: 'https://example.com/gitops.git' } });
}

describe('SystemChart', () => {
  test('defaults: namespace named after the system, restricted Pod Security, labels', () => {
    const a = app();
    const chart = new SystemChart(a.stage(Environment.PROD), 'shop');
    expect(chart.system).toBe('shop');
    expect(chart.namespaceName).toBe('shop');
    const ns = find(
      a
        .render()
        .find((d) => d.chart === chart)!
        .files.flatMap((f) => f.objects),
      'Namespace',
      'shop',
    );
    expect(ns.metadata.namespace).toBeUndefined();
    expect(ns.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'shop-namespace',
      'app.kubernetes.io/instance': 'shop-namespace-prod',
      'app.kubernetes.io/component': 'namespace',
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/managed-by': 'reliakit',
      'app.kubernetes.io/version': expect.stringMatching(/^\d+\.\d+\.\d+/),
      'reliakit.dev/environment': 'prod',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
  });

  test('system and namespace can differ from the id', () => {
    const chart = new SystemChart(app().stage(Environment.DEV), 'x', { system: 'shop', namespace: 'shop-apps' });
    expect([chart.system, chart.namespaceName, chart.environment]).toEqual(['shop', 'shop-apps', Environment.DEV]);
  });

  test('instanceof and of() tell system charts from other charts', () => {
    const a = app();
    const chart = new SystemChart(a.stage(Environment.PROD), 'shop');
    expect(chart instanceof SystemChart).toBe(true);
    expect(a.stage(Environment.PROD).flux instanceof SystemChart).toBe(false);
    expect(SystemChart.of(chart.node.defaultChild ?? chart)).toBe(chart);
  });

  test('allowPrivilegedPods lifts enforcement only, warn and audit stay restricted', () => {
    const a = app();
    const chart = new SystemChart(a.stage(Environment.DEV), 'shop');
    chart.allowPrivilegedPods('chaos helper pods');
    const ns = find(
      a
        .render()
        .filter((d) => d.chart === chart)
        .flatMap((d) => d.files.flatMap((f) => f.objects)),
      'Namespace',
      'shop',
    );
    expect([
      ns.metadata.labels['pod-security.kubernetes.io/enforce'],
      ns.metadata.labels['pod-security.kubernetes.io/warn'],
      ns.metadata.labels['pod-security.kubernetes.io/audit'],
    ]).toEqual(['privileged', 'restricted', 'restricted']);
    expect(chart.privilegedPodReasons).toEqual(['chaos helper pods']);
  });

  test('throws for an invalid system name', () => {
    expect(() => new SystemChart(app().stage(Environment.PROD), 'Shop_1')).toThrow(
      "prod/Shop_1: 'system' ('Shop_1') is not a DNS label of at most 40 characters — use lowercase letters, digits and dashes, so `<system>-<component>` stays a valid object name",
    );
  });

  test('throws for an invalid namespace', () => {
    expect(() => new SystemChart(app().stage(Environment.PROD), 'shop', { namespace: 'Shop' })).toThrow(
      "prod/shop: 'namespace' ('Shop') is not a DNS label — use lowercase letters, digits and dashes (at most 63)",
    );
  });

  test('throws outside an environment stage', () => {
    expect(() => new SystemChart(app(), 'shop')).toThrow(
      'shop: is not inside an EnvironmentStage — create systems in `app.stage(Environment.PROD)` (or another environment)',
    );
  });

  test('throws for an environment stage outside a ReliakitApp', () => {
    expect(() => new EnvironmentStage(new App(), 'prod', { environment: Environment.PROD })).toThrow(
      'prod: is not inside a ReliakitApp — create stacks in `new ReliakitApp({...}).stage(env)`',
    );
  });

  test('throws outside a SystemChart', () => {
    const plain = new Chart(new ReliakitApp({ source: { url: 'https://example.com/x.git' } }), 'c');
    expect(() => SystemChart.of(plain)).toThrow('c: is not inside a SystemChart');
  });

  test('throws for a data component or prerequisite that is not a direct child', () => {
    const chart = new SystemChart(app().stage(Environment.PROD), 'shop');
    const nested = new Construct(new Construct(chart, 'group'), 'secret');
    expect(() => chart.addPrerequisite(nested)).toThrow(
      'prod/shop/group/secret: only a direct child of the system chart prod/shop can be a prerequisite — create it with the chart as scope',
    );
    expect(() => chart.addDataComponent(nested)).toThrow(
      'prod/shop/group/secret: only a direct child of the system chart prod/shop can be a data component — create it with the chart as scope',
    );
  });

  test('throws for a dependency on itself or across environments', () => {
    const a = app();
    const prod = new SystemChart(a.stage(Environment.PROD), 'shop');
    const dev = new SystemChart(a.stage(Environment.DEV), 'db');
    expect(() => prod.addSystemDependency(prod)).toThrow("prod/shop: 'dependsOn' (shop) names the system itself — remove it");
    expect(() => prod.addSystemDependency(dev)).toThrow(
      "prod/shop: 'dependsOn' (dev/db) is in environment 'dev', not 'prod' — depend on the system of the same environment",
    );
  });

  test('plan deviations: published as facts (copies); one with an empty part is rejected naming it', () => {
    const chart = new SystemChart(app().stage(Environment.PROD), 'shop');
    const deviation = { section: '§4.2', plan: 'API down for 1m', chosen: 'TargetDown after 2 m', reason: 'scrapes every 30 s' };
    chart.addPlanDeviation(deviation);
    expect(chart.reliabilityFacts()).toEqual({ deviations: [deviation] });
    expect(chart.reliabilityFacts().deviations?.[0]).not.toBe(deviation);
    expect(() => chart.addPlanDeviation({ section: '§5', plan: 'x', chosen: ' ', reason: '' })).toThrow(
      "prod/shop: 'addPlanDeviation' (§5) has an empty chosen, reason — say where the plan says what, what the stack does instead, and why",
    );
  });
});
