import { ChaosExperimentDefinitions } from '../../lib/chaos/chaos-experiment-definitions';
import { LITMUS_HUB_EXPERIMENTS } from '../../lib/chaos/litmus-hub';
import { synth, testChart } from '../support/synth';

test('one ChaosExperiment per experiment, in the system namespace, the hub definition with its pinned image', () => {
  const chart = testChart();
  const definitions = ChaosExperimentDefinitions.of(chart);
  expect(ChaosExperimentDefinitions.of(chart)).toBe(definitions);
  definitions.require('pod-delete');
  definitions.require('pod-network-loss');
  definitions.require('pod-delete');
  const objects = synth(chart).filter((o) => o.kind === 'ChaosExperiment');
  expect(objects.map((o) => [o.apiVersion, o.metadata.namespace, o.metadata.name, o.description.message])).toEqual([
    ['litmuschaos.io/v1alpha1', 'test', 'pod-delete', 'Deletes a pod belonging to a deployment/statefulset/daemonset'],
    ['litmuschaos.io/v1alpha1', 'test', 'pod-network-loss', LITMUS_HUB_EXPERIMENTS['pod-network-loss'].description],
  ]);
  expect(objects[0].spec.definition).toEqual(LITMUS_HUB_EXPERIMENTS['pod-delete'].definition);
  for (const e of Object.values(LITMUS_HUB_EXPERIMENTS)) {
    expect(e.definition.image).toBe('litmuschaos.docker.scarf.sh/litmuschaos/go-runner:3.18.0');
    const lib = e.definition.env.find((v: { name: string }) => v.name === 'LIB_IMAGE');
    if (lib) expect(lib.value).toBe('litmuschaos.docker.scarf.sh/litmuschaos/go-runner:3.18.0');
  }
});

test('an experiment the hub data lacks is rejected with the fix', () => {
  expect(() => ChaosExperimentDefinitions.of(testChart()).require('node-drain')).toThrow(
    "prod/test/chaos-experiments: no chaos hub definition of 'node-drain' (known: pod-delete, pod-cpu-hog, pod-network-latency, pod-network-loss) — add it to scripts/litmus-hub.ts and regenerate lib/chaos/litmus-hub.ts",
  );
});
