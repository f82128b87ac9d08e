/**
 * Production review II, finding 10: llm-data-vault's database-failure experiment cut the API off
 * from `-postgres-rw` while the API connects through `-pooler-rw` (a no-op fault), and all engines
 * of a system started together the moment Flux applied them, once ever. In every environment's
 * tree:
 * - a network fault that names destination hosts names only hosts its target connects to (a
 *   Service host in the target Deployment's environment, or its egress);
 * - no ChaosEngine starts when it is applied (`engineState: stop`);
 * - a system with engines has one schedule CronJob whose script runs each engine exactly once,
 *   one after another, with a pause between them.
 */
import { buildApp } from '../../stacks/main';
import { Manifest } from '../support/synth';
import { objectsBySystem } from '../support/tree';

const bySystem = objectsBySystem(buildApp().render());

const envOf = (engine: Manifest): Record<string, string> =>
  Object.fromEntries((engine.spec.experiments[0].spec.components?.env ?? []).map((e: Manifest) => [e.name, e.value]));

/** The Deployment an engine targets (by its `applabel` selector). */
function targetOf(engine: Manifest, objects: Manifest[]): Manifest | undefined {
  const selector = Object.fromEntries(engine.spec.appinfo.applabel.split(',').map((kv: string) => kv.split('=')));
  return objects.find(
    (o) =>
      o.kind === 'Deployment' &&
      o.metadata.namespace === engine.spec.appinfo.appns &&
      Object.entries(selector).every(([k, v]) => o.spec.template.metadata.labels?.[k] === v),
  );
}

/** Host names the Deployment's containers are configured with (env values), without the cluster suffix. */
function hostsConfigured(deployment: Manifest): Set<string> {
  const values = deployment.spec.template.spec.containers.flatMap((c: Manifest) => (c.env ?? []).map((e: Manifest) => e.value ?? ''));
  const hosts = new Set<string>();
  for (const value of values as string[]) {
    for (const m of value.matchAll(/([a-z0-9-]+\.[a-z0-9-]+\.svc)(\.cluster\.local)?/g)) hosts.add(m[1]);
  }
  return hosts;
}

function chaosProblems(objects: Manifest[]): string[] {
  const problems: string[] = [];
  const engines = objects.filter((o) => o.kind === 'ChaosEngine');
  for (const engine of engines) {
    const at = `ChaosEngine ${engine.metadata.namespace}/${engine.metadata.name}`;
    if (engine.spec.engineState !== 'stop') problems.push(`${at}: starts as '${engine.spec.engineState}' when applied, not on a schedule`);
    const target = targetOf(engine, objects);
    if (!target) {
      problems.push(`${at}: targets no Deployment`);
      continue;
    }
    const dialed = hostsConfigured(target);
    for (const host of (envOf(engine).DESTINATION_HOSTS ?? '').split(',').filter(Boolean)) {
      const short = host.replace(/\.cluster\.local$/, '');
      if (short.endsWith('.svc') && !dialed.has(short))
        problems.push(
          `${at}: cuts ${host}, which ${target.metadata.name} never dials (it dials ${[...dialed].join(', ') || 'no Service'})`,
        );
    }
  }
  if (engines.length > 0) {
    const schedules = objects.filter((o) => o.kind === 'CronJob' && /chaosengine/.test(JSON.stringify(o.spec)));
    if (schedules.length !== 1) problems.push(`${schedules.length} CronJobs run the ChaosEngines, expected one per system`);
    const script: string = schedules[0]?.spec.jobTemplate.spec.template.spec.containers[0].command.join(' ') ?? '';
    const runs = [...script.matchAll(/^run (\S+) /gm)].map((m) => m[1]);
    for (const engine of engines) {
      const n = runs.filter((r) => r === engine.metadata.name).length;
      if (n !== 1) problems.push(`ChaosEngine ${engine.metadata.name}: run ${n} times per schedule, expected once`);
    }
    const pauses = script.split('\n').filter((l) => /^sleep [1-9]/.test(l)).length;
    if (runs.length > 1 && pauses < runs.length - 1) problems.push(`${runs.length} engines run with ${pauses} pauses between them`);
  }
  return problems;
}

test('the dev trees run chaos to check', () => {
  const dev = [...bySystem.entries()].filter(([k]) => k.startsWith('dev/'));
  expect(dev.flatMap(([, objects]) => objects.filter((o) => o.kind === 'ChaosEngine')).length).toBeGreaterThanOrEqual(8);
});

test.each([...bySystem.entries()])(
  '%s: faults cut what the target dials; engines start stopped and run one at a time on a schedule',
  (_key, objects) => {
    expect(chaosProblems(objects)).toEqual([]);
  },
);
