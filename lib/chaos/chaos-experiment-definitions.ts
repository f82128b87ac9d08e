import { Construct } from 'constructs';
import { ChaosExperiment as ChaosExperimentResource } from '../../imports/litmus-chaosexperiment-litmuschaos.io';
import { recommendedLabels, RELIAKIT_VERSION } from '../core/conventions';
import { SystemChart } from '../core/system-chart';
import { LITMUS_HUB_EXPERIMENTS } from './litmus-hub';

/** The construct id (and file name) of a system's experiment definitions. */
const ID = 'chaos-experiments';

/**
 * The LitmusChaos `ChaosExperiment` resources a system's ChaosEngines run, one per experiment
 * name, in the system's namespace: the chaos runner reads an engine's experiments from the
 * engine's namespace, so a copy installed elsewhere (with the operator) is never found. The
 * definitions are the chaos hub's, images pinned to its release ({@link LITMUS_HUB_EXPERIMENTS}).
 * One per system chart, created by the first ChaosExperiment that needs it.
 */
export class ChaosExperimentDefinitions extends Construct {
  /** The definitions of `chart` (created on first use, as the chart's child `chaos-experiments`). */
  public static of(chart: SystemChart): ChaosExperimentDefinitions {
    const existing = chart.node.tryFindChild(ID);
    if (existing instanceof ChaosExperimentDefinitions) return existing;
    if (existing)
      throw new Error(`${existing.node.path}: the id '${ID}' is reserved for the system's ChaosExperiment definitions — rename it`);
    return new ChaosExperimentDefinitions(chart, ID);
  }

  private readonly added = new Set<string>();

  private constructor(scope: SystemChart, id: string) {
    super(scope, id);
  }

  /** Adds the hub's definition of `experiment` (once); throws for an experiment the hub data lacks. */
  public require(experiment: string): void {
    if (this.added.has(experiment)) return;
    const hub = LITMUS_HUB_EXPERIMENTS[experiment];
    if (!hub) {
      throw new Error(
        `${this.node.path}: no chaos hub definition of '${experiment}' (known: ${Object.keys(LITMUS_HUB_EXPERIMENTS).join(', ')}) — add it to scripts/litmus-hub.ts and regenerate lib/chaos/litmus-hub.ts`,
      );
    }
    this.added.add(experiment);
    const chart = SystemChart.of(this);
    new ChaosExperimentResource(this, experiment, {
      metadata: {
        name: experiment,
        namespace: chart.namespaceName,
        labels: recommendedLabels({ system: chart.system, component: ID, environment: chart.environment.name, version: RELIAKIT_VERSION }),
      },
      description: { message: hub.description },
      // A JSON copy: the definitions are shared module data (structuredClone's arrays come from
      // another realm under Jest's VM, which Pulumi's serializer does not take for arrays).
      spec: { definition: JSON.parse(JSON.stringify(hub.definition)) },
    });
  }
}
