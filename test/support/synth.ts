import { Construct } from 'constructs';
import { Environment, ReliakitApp, serviceMonitorTarget, SystemChart } from '../../lib';
import type { IScrapeTargets, ScrapeTarget } from '../../lib';
import { formatViolations, SchemaValidator } from '../../cli/audit/schema-validator';
import type { KubeJson } from '../../lib';

/** A Kubernetes object as synthesized (JSON). */
export type Manifest = KubeJson;

/** A fresh app with one system chart `test` in `environment`, for construct tests. */
export function testChart(environment: Environment = Environment.PROD, system = 'test'): SystemChart {
  const app = new ReliakitApp({ source: { url: 'https://example.com/gitops.git' } });
  return new SystemChart(app.stage(environment), system);
}

/** A stand-in for monitored workloads a construct test only names in its queries; renders nothing. */
class StandInTargets extends Construct implements IScrapeTargets {
  constructor(
    scope: SystemChart,
    private readonly jobs: readonly string[],
  ) {
    super(scope, `stand-in-targets-${scope.node.children.length}`);
  }

  public scrapeTargets(): ScrapeTarget[] {
    const namespace = SystemChart.of(this).namespaceName;
    return this.jobs.map((job) => serviceMonitorTarget({ name: job, namespace }, { name: job, namespace, labels: {} }));
  }
}

/**
 * Publishes ServiceMonitor targets with these jobs in `chart`'s namespace, so that a construct test
 * can query `job="api"` without building the monitored ReliableService (the selector check itself
 * is tested in test/core/scrape-targets.test.ts). Returns the chart.
 */
export function withScrapeJobs(chart: SystemChart, ...jobs: string[]): SystemChart {
  new StandInTargets(chart, jobs);
  return chart;
}

/**
 * The objects a system chart renders, after validating its app once. Every object is also
 * validated strictly against the real schemas, so every construct test doubles as a schema test.
 */
export function synth(chart: SystemChart): Manifest[] {
  const app = ReliakitApp.of(chart);
  // A system with a data layer renders into two directories (`<system>-data` first).
  const dirs = app.render().filter((d) => d.chart === chart);
  if (dirs.length === 0) throw new Error(`chart ${chart.node.path} was not rendered`);
  const objects = dirs.flatMap((d) => d.files.flatMap((f) => f.objects));
  const violations = formatViolations(SchemaValidator.load().validateAll(objects));
  if (violations) throw new Error(`synthesized objects violate their schemas:\n${violations}`);
  return objects;
}

/** The one object of `kind` named `name`; fails the test when there is not exactly one. */
export function find(objects: readonly Manifest[], kind: string, name: string): Manifest {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) {
    throw new Error(
      `expected one ${kind} ${name}, found ${found.length} among ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`,
    );
  }
  return found[0];
}

/** Every object of `kind`. */
export function ofKind(objects: readonly Manifest[], kind: string): Manifest[] {
  return objects.filter((o) => o.kind === kind);
}

/** The first container of a Deployment. */
export function container(deployment: Manifest): Manifest {
  return deployment.spec.template.spec.containers[0];
}

/** Every environment variable of every container (init containers first) of a CronJob's pods. */
export function jobEnv(cronJob: Manifest): Manifest[] {
  const pod = cronJob.spec.jobTemplate.spec.template.spec;
  return [...(pod.initContainers ?? []), ...pod.containers].flatMap((c: Manifest) => c.env ?? []);
}
