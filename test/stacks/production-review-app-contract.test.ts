/**
 * Production review II, finding 8: probe paths, environment variable names, metric names and the
 * histogram buckets each latency SLO needs are assumptions about the application, and they were
 * invented silently. In every environment's tree: each system's RELIABILITY.md has an "App
 * contract" section naming, per service Deployment, every HTTP probe path, every environment
 * variable and every metric its SLOs read; and every latency SLO's bucket (`le`) is either a
 * client-library default bucket or declared by the stack (the report lists the app's buckets).
 */
import { buildApp } from '../../stacks/main';
import { Manifest } from '../support/synth';

const app = buildApp();
const dirs = app.render();
const files = app.treeFiles(dirs);

/** The Prometheus client libraries' default histogram buckets (seconds). */
const CLIENT_DEFAULT_LE = new Set(['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10']);

interface SystemTree {
  readonly key: string;
  readonly report: string;
  readonly objects: Manifest[];
}

const trees: SystemTree[] = files
  .filter((f) => f.path.endsWith('/RELIABILITY.md'))
  .map((f) => {
    const dir = f.path.replace(/\/RELIABILITY\.md$/, '');
    const [, env, system] = dir.split('/');
    const objects = dirs.filter((d) => d.path === dir || d.path === `${dir}-data`).flatMap((d) => d.files.flatMap((x) => x.objects));
    return { key: `${env}/${system}`, report: f.content, objects };
  });

/** The section of `report` under `## App contract`, up to the next `## `. */
function contractSection(report: string): string | undefined {
  const start = report.indexOf('\n## App contract\n');
  if (start < 0) return undefined;
  const next = report.indexOf('\n## ', start + 1);
  return report.slice(start, next < 0 ? undefined : next);
}

/** The part of the contract about one service (`### <name>`). */
function serviceSection(contract: string, name: string): string | undefined {
  const start = contract.indexOf(`\n### ${name}\n`);
  if (start < 0) return undefined;
  const next = contract.indexOf('\n### ', start + 1);
  return contract.slice(start, next < 0 ? undefined : next);
}

function contractProblems(tree: SystemTree): string[] {
  const problems: string[] = [];
  const contract = contractSection(tree.report);
  const services = tree.objects.filter(
    (o) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'reliakit',
  );
  if (!contract) return services.length > 0 ? ['RELIABILITY.md has no App contract section'] : [];
  for (const d of services) {
    const section = serviceSection(contract, d.metadata.name);
    if (!section) {
      problems.push(`${d.metadata.name}: no App contract entry`);
      continue;
    }
    for (const c of d.spec.template.spec.containers as Manifest[]) {
      for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe].filter(Boolean)) {
        const path: string | undefined = probe.httpGet?.path;
        if (path && !section.includes(path)) problems.push(`${d.metadata.name}: probe path ${path} missing from its contract`);
      }
      for (const e of (c.env ?? []) as Manifest[]) {
        if (!section.includes(`\`${e.name}\``))
          problems.push(`${d.metadata.name}: environment variable ${e.name} missing from its contract`);
      }
    }
  }
  // Every metric a recorded SLI reads appears in the contract, and every latency bucket is a default or declared.
  for (const rule of tree.objects.filter((o) => o.kind === 'PrometheusRule')) {
    for (const group of rule.spec.groups as Manifest[]) {
      for (const r of (group.rules as Manifest[]).filter((x) => typeof x.record === 'string' && x.record === 'slo:sli_errors:rate5m')) {
        const service: string = r.labels?.service ?? '';
        const section = serviceSection(contract, service) ?? '';
        for (const m of String(r.expr).matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)) {
          if (!section.includes(`\`${m[1]}\``))
            problems.push(`${service}: the SLO ${r.labels?.slo} reads ${m[1]}, missing from its contract`);
        }
        const le = /le=~?"([0-9.]+)/.exec(String(r.expr))?.[1];
        if (
          le &&
          !CLIENT_DEFAULT_LE.has(le) &&
          !section.includes(`le="${le}"\` bucket (not a client-library default: the app's histogram buckets are`)
        )
          problems.push(
            `${service}: the SLO ${r.labels?.slo} needs le="${le}", not a default bucket, and the stack does not declare the app's buckets`,
          );
      }
    }
  }
  return problems;
}

test('ten system trees with services and latency SLOs to check', () => {
  expect(trees).toHaveLength(10);
  const latency = trees.flatMap((t) => t.objects).filter((o) => o.kind === 'PrometheusRule' && /le=~?\\"0\.2/.test(JSON.stringify(o.spec)));
  expect(latency.length).toBeGreaterThanOrEqual(6);
  const recorded = trees
    .flatMap((t) => t.objects)
    .filter((o) => o.kind === 'PrometheusRule')
    .flatMap((o) => o.spec.groups.flatMap((g: Manifest) => g.rules))
    .filter((r: Manifest) => r.record === 'slo:sli_errors:rate5m');
  expect(recorded.length).toBeGreaterThanOrEqual(20);
});

test.each(trees.map((t) => [t.key, t] as const))('%s: the app contract names every probe path, variable and SLO metric', (_key, tree) => {
  expect(contractProblems(tree)).toEqual([]);
});
