/**
 * Production review II, finding 11: Ollama's 30 s drain cut long generations — its drain was not
 * derived from the longest request its client waits for. In every environment's tree: a
 * Deployment that reaches another Deployment of the tree through a `<P>_HOST` variable declares how
 * long it waits (`<P>_REQUEST_TIMEOUT`, a Go duration), and the callee's pods outlive that after
 * endpoint removal: termination grace ≥ the timeout + 5 s, and a preStop sleep that covers the
 * 5 s of endpoint removal.
 */
import { buildApp } from '../../stacks/main';
import { Manifest } from '../support/synth';
import { objectsBySystem } from '../support/tree';

const bySystem = objectsBySystem(buildApp().render());
const ENDPOINT_REMOVAL_SECONDS = 5;

const podSpec = (d: Manifest): Manifest => d.spec.template.spec;
const envOf = (d: Manifest): Record<string, string> =>
  Object.fromEntries(podSpec(d).containers.flatMap((c: Manifest) => (c.env ?? []).map((e: Manifest) => [e.name, e.value ?? ''])));

/** The Deployment behind Service `<name>.<namespace>`, if the tree has one. */
function deploymentBehind(name: string, namespace: string, objects: Manifest[]): Manifest | undefined {
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === name && o.metadata.namespace === namespace);
  if (!service?.spec.selector) return undefined;
  return objects.find(
    (o) =>
      o.kind === 'Deployment' &&
      o.metadata.namespace === namespace &&
      Object.entries(service.spec.selector).every(([k, v]) => o.spec.template.metadata.labels?.[k] === v),
  );
}

const preStopSleep = (d: Manifest): number => {
  const command: string[] = podSpec(d).containers[0].lifecycle?.preStop?.exec?.command ?? [];
  return command[0] === 'sleep' ? Number(command[1]) : 0;
};

function drainProblems(objects: Manifest[]): { pairs: number; problems: string[] } {
  const problems: string[] = [];
  let pairs = 0;
  for (const caller of objects.filter((o) => o.kind === 'Deployment')) {
    const env = envOf(caller);
    for (const [name, value] of Object.entries(env)) {
      const prefix = /^(.*)_HOST$/.exec(name)?.[1];
      const host = /([a-z0-9-]+)\.([a-z0-9-]+)\.svc\b/.exec(value);
      if (!prefix || !host) continue;
      const callee = deploymentBehind(host[1], host[2], objects);
      if (!callee) continue;
      pairs++;
      const at = `${caller.metadata.name} → ${callee.metadata.name}`;
      const timeout = /^(\d+)s$/.exec(env[`${prefix}_REQUEST_TIMEOUT`] ?? '');
      if (!timeout) {
        problems.push(`${at}: ${prefix}_REQUEST_TIMEOUT is not declared, so nothing bounds the requests the callee's drain must cover`);
        continue;
      }
      const seconds = Number(timeout[1]);
      const grace = podSpec(callee).terminationGracePeriodSeconds;
      if (grace < seconds + ENDPOINT_REMOVAL_SECONDS)
        problems.push(
          `${at}: the callee is killed ${grace} s after termination starts; a ${seconds} s request accepted during endpoint removal is cut`,
        );
      if (preStopSleep(callee) < ENDPOINT_REMOVAL_SECONDS)
        problems.push(`${at}: the callee stops accepting before endpoint removal has propagated (preStop sleep ${preStopSleep(callee)} s)`);
    }
  }
  return { pairs, problems };
}

test('the trees have in-tree service calls to check (homepage API → Ollama)', () => {
  expect([...bySystem.values()].reduce((n, objects) => n + drainProblems(objects).pairs, 0)).toBeGreaterThanOrEqual(2);
});

test.each([...bySystem.entries()])('%s: a callee outlives its callers’ request timeout after endpoint removal', (_key, objects) => {
  expect(drainProblems(objects).problems).toEqual([]);
});
