import { PolarisExemption, WORKLOAD_EXEMPTIONS } from '../../core/polaris-exemption';
import { PriorityClass } from '../../core/priority-class';
import { ContainerResources } from 'cdk8s-plus-28';
import {
  isDnsLabel,
  isLabelValue,
  recommendedLabels,
  repeatedSystemName,
  resourceName,
  selectorLabels,
  toLabelValue,
} from '../../core/conventions';
import { EnvValue } from '../../core/env-value';
import { Environment } from '../../core/environment';
import { imagePinningProblem, parseImage } from '../../core/image';
import { checkResources } from '../../core/resources';
import { Violations } from '../../core/validation';
import { ResolvedScaling, resolveScaling } from './autoscaling';
import { resolveDisruptionBudget } from './disruption-budget';
import { checkEnv } from './env';
import { ResolvedMonitoring, resolveMonitoring } from './monitoring';
import { checkPorts } from './ports';
import { checkProbes, ResolvedProbes, resolveStartupProbe } from './probes';
import {
  DisruptionBudgetProps,
  PodIdentityProps,
  ProbesProps,
  ServicePorts,
  ServiceSpecProps,
  SpreadProps,
  WritableDirectory,
} from './props';
import { ResolvedRollout, resolveRollout } from './rollout';
import { resolveIdentity } from './security';
import { ResolvedLifecycle, resolveLifecycle } from './shutdown';
import { checkWritableDirectories } from './storage';

/** What the spec needs from the construct's place in the tree, as plain data. */
export interface ServiceContext {
  /** The system (chart) name. */
  readonly system: string;
  /** The component: the construct id. */
  readonly component: string;
  readonly namespace: string;
  readonly environment: Environment;
}

/** Everything a ReliableService renders, every default decided. */
export interface ResolvedServiceSpec {
  /** `<system>-<component>`: the name of every object. */
  readonly name: string;
  readonly system: string;
  readonly component: string;
  readonly namespace: string;
  readonly environment: Environment;
  readonly image: string;
  readonly version: string;
  /** Labels of every object. */
  readonly labels: Readonly<Record<string, string>>;
  /** The pod selector. */
  readonly selector: Readonly<Record<string, string>>;
  readonly ports: ServicePorts;
  readonly command: readonly string[] | undefined;
  readonly args: readonly string[] | undefined;
  /** The variables given in props, in order (the construct may add more). */
  readonly env: ReadonlyMap<string, EnvValue>;
  readonly resources: ContainerResources;
  readonly probes: ResolvedProbes;
  readonly lifecycle: ResolvedLifecycle;
  readonly scaling: ResolvedScaling;
  /** The PodDisruptionBudget; undefined with singleReplica (or when its props are invalid). */
  readonly disruptionBudget: DisruptionBudgetProps | undefined;
  readonly hasDisruptionBudget: boolean;
  /** Topology keys the pods spread across. */
  readonly topologyKeys: readonly string[];
  readonly rollout: ResolvedRollout;
  readonly identity: Required<PodIdentityProps>;
  readonly writableDirectories: readonly WritableDirectory[];
  /** Scrape settings; undefined when there is no ServiceMonitor. */
  readonly monitoring: ResolvedMonitoring | undefined;
  /** The pods' PriorityClass. */
  readonly priorityClass: PriorityClass;
  /** The Polaris checks the Deployment is exempt from, each with its reason (lib/core/polaris-exemption.ts). */
  readonly polarisExemptions: readonly PolarisExemption[];
}

/**
 * Decides every default of `props` and records every broken rule in `v`, in the order the
 * props are documented, so one Error can list them all. The result is only meaningful when
 * `v` stays empty.
 */
export function resolveServiceSpec(props: ServiceSpecProps, context: ServiceContext, v: Violations): ResolvedServiceSpec {
  const { system, component, environment } = context;
  const name = resourceName(system, component);
  const version = resolveVersion(v, props, system, component, name);
  const ports = { ...props.ports };
  checkPorts(v, ports);
  const env = new Map<string, EnvValue>();
  for (const [key, value] of Object.entries(props.env ?? {})) {
    checkEnv(v, env, key, value);
    if (!env.has(key)) env.set(key, value);
  }
  checkResources(v, props.resources);

  const probeProps = props.probes ?? ({} as ProbesProps);
  const probes: ResolvedProbes = {
    readiness: probeProps.readiness,
    liveness: probeProps.liveness,
    startup: resolveStartupProbe(probeProps),
  };
  checkProbes(v, probeProps, probes, ports);
  const lifecycle = resolveLifecycle(v, props.shutdown, props.postStart);

  const singleReplica = props.singleReplica ?? false;
  const scaling = resolveScaling(v, {
    replicas: props.replicas,
    autoscaling: props.autoscaling,
    singleReplica,
    resources: props.resources,
  });
  const disruptionBudget = resolveDisruptionBudget(v, props.disruptionBudget, scaling.minReplicas, singleReplica);

  const rollout = resolveRollout(v, props, scaling.maxReplicas);
  const identity = resolveIdentity(v, props.podIdentity ?? {});
  const writableDirectories = checkWritableDirectories(v, props.writableDirectories ?? []);
  const monitoring = resolveMonitoring(v, props.monitoring, ports);
  // A Pods metric is derived from a counter Prometheus scrapes from these pods.
  const podsMetrics = props.autoscaling?.podsMetrics ?? [];
  v.check(
    podsMetrics.length > 0 && props.monitoring === undefined,
    'autoscaling.podsMetrics',
    podsMetrics.map((m) => m.name).join(', '),
    'is served from counters Prometheus scrapes from the pods, but the service has no ServiceMonitor',
    'set the monitoring prop',
  );

  return {
    name,
    system,
    component,
    namespace: context.namespace,
    environment,
    image: props.image,
    version,
    labels: recommendedLabels({ system, component, environment: environment.name, version }),
    selector: selectorLabels({ system, component, environment: environment.name }),
    ports,
    command: props.command,
    args: props.args,
    env,
    resources: props.resources,
    probes,
    lifecycle,
    scaling,
    disruptionBudget,
    hasDisruptionBudget: !singleReplica,
    topologyKeys: topologyKeys(props.spread),
    rollout,
    identity,
    writableDirectories,
    monitoring,
    priorityClass: props.priorityClass ?? PriorityClass.SERVICE,
    polarisExemptions: [
      ...WORKLOAD_EXEMPTIONS,
      ...(scaling.autoscaling ? [PolarisExemption.HPA_OWNS_REPLICAS] : []),
      ...(singleReplica ? [PolarisExemption.SINGLE_REPLICA, PolarisExemption.SINGLE_REPLICA_NO_PDB] : []),
    ],
  };
}

/** The version label: given, else the image tag, else the first 12 digits of its digest. */
function resolveVersion(v: Violations, props: ServiceSpecProps, system: string, component: string, name: string): string {
  v.check(
    !isDnsLabel(component) || !isDnsLabel(name),
    'id',
    component,
    `gives the object name '${name}', which is not a DNS label of at most 63 characters`,
    'use a short lowercase id of letters, digits and dashes',
  );
  const repeated = repeatedSystemName(system, component);
  if (repeated) v.add('id', component, repeated.problem, repeated.fix);
  const pinning = imagePinningProblem(props.image);
  if (pinning) v.add('image', props.image, ...pinning);
  const image = parseImage(props.image);
  const version =
    props.version ??
    (image.tag && image.tag !== 'latest'
      ? toLabelValue(image.tag)
      : toLabelValue((image.digest ?? 'unknown').replace(/^sha256:/, '').slice(0, 12)));
  v.check(
    !isLabelValue(version),
    'version',
    version,
    'is not a valid label value',
    'use at most 63 letters, digits, dots, dashes and underscores',
  );
  return version;
}

function topologyKeys(spread: SpreadProps | undefined): string[] {
  return [
    ...((spread?.zones ?? true) ? ['topology.kubernetes.io/zone'] : []),
    ...((spread?.nodes ?? true) ? ['kubernetes.io/hostname'] : []),
  ];
}
