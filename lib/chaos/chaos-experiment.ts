import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ChaosEngine } from '../../imports/litmus-chaosengine-litmuschaos.io';
import { ChaosFault } from './chaos-fault';
import { isDnsLabel, recommendedLabels, resourceName, RELIAKIT_VERSION } from '../core/conventions';
import { Environment } from '../core/environment';
import { dnsEgressRule, tcpPort } from '../core/network';
import { NetworkPeer } from '../core/network-peer';
import { goDuration, seconds } from '../core/units';
import { Violations } from '../core/validation';
import { ReliableService } from '../workload/reliable-service/reliable-service';
import { ProbeMode, ProbeTarget, SteadyStateProbe } from './steady-state-probe';
import { SystemChart } from '../core/system-chart';
import { IReliabilityFacts, ReliabilityFacts } from '../core/reliability-facts';
import { ChaosExperimentDefinitions } from './chaos-experiment-definitions';
import { ChaosSchedule } from './chaos-schedule';

/** What happens to the experiment Jobs after a run (`jobCleanUpPolicy`). */
export enum JobCleanUpPolicy {
  /** Delete the runner and experiment pods. */
  DELETE = 'delete',
  /** Keep them for their logs. */
  RETAIN = 'retain',
}

/** Props of a {@link ChaosExperiment}. */
export interface ChaosExperimentProps {
  /** The service under test (same system chart: its namespace and environment). */
  readonly target: ReliableService;
  /** The faults; each becomes one ChaosEngine `<system>-<id>-<fault name>`. */
  readonly experiments: readonly ChaosFault[];
  /** The steady-state hypothesis every engine checks (a failing probe fails the run). */
  readonly steadyState: SteadyStateProbe;
  /**
   * Also emit the engines (and the chaos RBAC) in a production environment.
   * @default false: nothing is emitted in production
   */
  readonly enabledInProduction?: boolean;
  /**
   * @default JobCleanUpPolicy.DELETE
   * @see https://docs.litmuschaos.io/docs/concepts/chaos-engine
   */
  readonly jobCleanUpPolicy?: JobCleanUpPolicy;
}

/**
 * The permissions of the chaos ServiceAccount (runner, experiment and helper pods), namespaced.
 * Source: the `rbac.yaml` / `spec.definition.permissions` of the litmus chaos-hub faults
 * pod-delete, pod-network-latency, pod-network-loss and pod-cpu-hog (litmuschaos/chaos-charts
 * `faults/kubernetes/<fault>/`), the same list as Harness' "fault-wise permissions" table. Left
 * out as not needed here: configmaps and secrets (no mounts), pods/exec (only the `-exec`
 * variants), networkpolicies (pod-network-partition only), replicationcontrollers,
 * deploymentconfigs and rollouts (targets are Deployments).
 */
export const CHAOS_RBAC_RULES: readonly k8s.PolicyRule[] = [
  // Runner, experiment and helper pods; pod-delete deletes the target's pods.
  { apiGroups: [''], resources: ['pods'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'get', 'list', 'patch', 'update'] },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get', 'list', 'watch'] },
  // Owner lookup of the target pods (appkind deployment).
  { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: ['get', 'list'] },
  // The runner starts the experiment as a Job.
  { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list'] },
  {
    apiGroups: ['litmuschaos.io'],
    resources: ['chaosengines', 'chaosexperiments', 'chaosresults'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'],
  },
];

/**
 * Labels the hub's experiment pods carry (ChaosExperiment `spec.definition.labels`); probes run
 * from these pods, so the target's NetworkPolicy admits them on the probed port.
 */
const EXPERIMENT_POD_LABELS = { 'app.kubernetes.io/part-of': 'litmus', 'app.kubernetes.io/component': 'experiment-job' } as const;

/**
 * Labels every Litmus pod of an engine carries: the hub's experiment pods have them in their
 * definition, the helper pods copy the experiment's, and the runner gets them through
 * `runnerLabels` (ChaosEngine `spec.components.runner`). The chaos pods' NetworkPolicy selects them.
 */
const LITMUS_POD_LABELS = { 'app.kubernetes.io/part-of': 'litmus' } as const;

/** The TCP port of an http(s) URL. */
function urlPort(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

/**
 * Where a probe URL leads (pure): a cluster Service host (`svc.ns[.svc[.cluster.local]]`) → its
 * namespace, anything else → the public internet; on the URL's port.
 */
export function urlEgressRule(address: string): k8s.NetworkPolicyEgressRule {
  const url = new URL(address);
  const labels = url.hostname.split('.');
  const inCluster = labels.length === 2 || (labels.length >= 3 && labels[2] === 'svc');
  const peer = inCluster ? NetworkPeer.namespace(labels[1]) : NetworkPeer.publicInternet();
  return { to: [peer._toKube()], ports: [tcpPort(urlPort(url))] };
}

/**
 * The NetworkPolicy of the engines' runner, experiment and helper pods (pure): under the
 * namespace's default-deny they reach DNS and the API server (they create Jobs and pods, read the
 * target and write ChaosResults). Nothing reaches them.
 */
export function chaosPodsNetworkPolicyProps(metadata: k8s.ObjectMeta, apiServer: k8s.NetworkPolicyEgressRule): k8s.KubeNetworkPolicyProps {
  return {
    metadata,
    spec: {
      podSelector: { matchLabels: { ...LITMUS_POD_LABELS } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [dnsEgressRule(), apiServer],
    },
  };
}

/**
 * The egress of the experiment pods, which run the steady-state probe (pure): the target's pods on
 * the probed port (which admit the experiment pods), else the probe's URL (Prometheus, a public
 * endpoint). The runner and helper pods do not probe, so this selects the experiment pods only.
 */
export function chaosProbeNetworkPolicyProps(
  metadata: k8s.ObjectMeta,
  probe: { readonly url: string; readonly target?: { readonly selector: Readonly<Record<string, string>>; readonly port: number } },
): k8s.KubeNetworkPolicyProps {
  return {
    metadata,
    spec: {
      podSelector: { matchLabels: { ...EXPERIMENT_POD_LABELS } },
      policyTypes: ['Egress'],
      egress: [
        probe.target
          ? { to: [{ podSelector: { matchLabels: { ...probe.target.selector } } }], ports: [tcpPort(probe.target.port)] }
          : urlEgressRule(probe.url),
      ],
    },
  };
}

/**
 * Flux creates the engine once and never updates it: the system's ChaosSchedule and the operator
 * own `engineState` after that, and re-applying the tree's value would start or stop chaos on
 * every reconciliation.
 */
const FLUX_CREATE_ONLY = { 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' } as const;

/**
 * LitmusChaos experiments against one {@link ReliableService}: one ChaosEngine per fault (in the
 * service's namespace, targeting its Deployment by its selector labels, each checking the
 * steady-state probe), plus the chaos ServiceAccount, Role and RoleBinding.
 *
 * Environment gate: emitted in non-production environments; in production only with
 * `enabledInProduction: true` (else nothing, not even the RBAC, is emitted).
 *
 * Assumptions about the cluster: the LitmusChaos operator (chaos-operator 3.x) runs and the
 * chaos-hub `ChaosExperiment` resources named after the faults (`pod-delete`,
 * `pod-network-latency`, `pod-network-loss`, `pod-cpu-hog`) are installed in the namespace; they
 * are not emitted here. The network and CPU faults start privileged helper pods (hostPID, container
 * runtime socket) in the engine's namespace, which the `restricted` Pod Security level of a
 * SystemChart namespace rejects: those faults need a namespace exemption in the cluster.
 */
export class ChaosExperiment extends Construct implements IReliabilityFacts {
  /** `<system>-<id>`: the ServiceAccount, Role and RoleBinding name. */
  public readonly name: string;
  /** Whether anything is emitted in this environment. */
  public readonly enabled: boolean;
  /** The environment. */
  public readonly environment: Environment;
  /** The ChaosEngine names, in the order of `experiments`. */
  public readonly engineNames: readonly string[];
  /** The system's schedule that runs the engines (undefined when nothing is emitted here). */
  public schedule?: ChaosSchedule;

  constructor(scope: Construct, id: string, props: ChaosExperimentProps) {
    super(scope, id);
    const chart = SystemChart.of(this);
    this.environment = chart.environment;
    this.name = resourceName(chart.system, id);
    this.enabled = !this.environment.isProduction || (props.enabledInProduction ?? false);
    const target = props.target;
    const faults = props.experiments ?? [];
    this.engineNames = faults.map((f) => `${this.name}-${f.name}`);

    const v = new Violations(this);
    v.check(
      !isDnsLabel(this.name),
      'id',
      id,
      `gives the object name '${this.name}', which is not a DNS label of at most 63 characters`,
      'use a short lowercase id of letters, digits and dashes',
    );
    v.check(
      target.environment !== this.environment,
      'target',
      target.node.path,
      `is in environment '${target.environment.name}', not '${this.environment.name}'`,
      'target the service of the same environment',
    );
    v.check(
      target.namespace !== chart.namespaceName,
      'target',
      target.node.path,
      `is in namespace '${target.namespace}', not '${chart.namespaceName}'`,
      "create the experiment in the target's system chart (the chaos ServiceAccount and Role are namespaced)",
    );
    v.check(faults.length === 0, 'experiments', [], 'is empty', 'add at least one fault, e.g. ChaosFault.podDelete({...})');
    const probeTarget: ProbeTarget = { serviceHost: `${target.name}.${target.namespace}.svc.cluster.local`, ports: target.ports };
    props.steadyState._validate(v, 'steadyState', probeTarget);
    const seen = new Set<string>();
    for (const [i, fault] of faults.entries()) {
      const prop = `experiments[${i}]`;
      fault._validate(v, prop, target);
      v.check(
        seen.has(fault.name),
        `${prop}.name`,
        fault.name,
        'is used by another fault, so their ChaosEngines would have the same name',
        'give one of them a distinct name',
      );
      seen.add(fault.name);
      v.check(
        !isDnsLabel(this.engineNames[i]),
        `${prop}.name`,
        fault.name,
        `gives the engine name '${this.engineNames[i]}', which is not a DNS label of at most 63 characters`,
        'use a shorter experiment id or fault name',
      );
      const pct = fault.podsAffectedPercent;
      if (fault.experiment === 'pod-delete' && (pct === undefined || (Number.isInteger(pct) && pct >= 1 && pct <= 100))) {
        const affected = fault.affectedPods(target.minReplicas);
        v.check(
          affected >= target.minReplicas,
          `${prop}.podsAffectedPercent`,
          fault.podsAffectedPercent,
          `deletes ${affected} of ${target.minReplicas} pods at the target's minimum replica count, an outage rather than a pod failure`,
          'lower podsAffectedPercent or raise the minimum replica count',
        );
      }
      const continuous = props.steadyState.mode === ProbeMode.CONTINUOUS || props.steadyState.mode === ProbeMode.ON_CHAOS;
      v.check(
        continuous && seconds(fault.duration) > 0 && seconds(props.steadyState.interval) >= seconds(fault.duration),
        'steadyState.interval',
        goDuration(props.steadyState.interval),
        `is not shorter than ${fault.name}'s duration (${goDuration(fault.duration)}), so the probe is not evaluated during the chaos`,
        'lower the probe interval or lengthen the chaos',
      );
    }
    v.throwIfAny();

    if (!this.enabled) return;
    // The engines' experiments, in the engines' namespace where the runner looks them up.
    const definitions = ChaosExperimentDefinitions.of(chart);
    for (const fault of faults) definitions.require(fault.experiment);
    // The engines are created stopped and run one at a time by the system's schedule: all of a
    // system's engines starting together the moment Flux applies them (and never again) would
    // make every result about several faults at once, once.
    const schedule = ChaosSchedule.of(chart);
    faults.forEach((fault, i) =>
      schedule.addEngine({ name: this.engineNames[i], experiment: fault.experiment, chaosDuration: fault.duration }),
    );
    this.schedule = schedule;
    const helpers = props.experiments.filter((e) => e.usesHelperPod);
    if (helpers.length > 0) chart.allowPrivilegedPods(`chaos helper pods of ${this.node.path}`);
    const labels = recommendedLabels({
      system: chart.system,
      component: id,
      environment: this.environment.name,
      version: RELIAKIT_VERSION,
    });
    const metadata = { name: this.name, namespace: chart.namespaceName, labels };
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { ...metadata, labels: { ...labels } } });
    new k8s.KubeRole(this, 'Role', { metadata: { ...metadata, labels: { ...labels } }, rules: CHAOS_RBAC_RULES.map((r) => ({ ...r })) });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { ...metadata, labels: { ...labels } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.name },
      subjects: [{ kind: 'ServiceAccount', name: this.name, namespace: chart.namespaceName }],
    });

    const appLabel = Object.entries(target.selector)
      .map(([k, val]) => `${k}=${val}`)
      .join(',');
    const probe = props.steadyState._render(probeTarget);
    for (const [i, fault] of faults.entries()) {
      new ChaosEngine(this, fault.name, {
        metadata: {
          name: this.engineNames[i],
          namespace: chart.namespaceName,
          labels: { ...labels },
          annotations: { ...FLUX_CREATE_ONLY },
        },
        spec: {
          engineState: 'stop',
          appinfo: { appns: target.namespace, applabel: appLabel, appkind: 'deployment' },
          chaosServiceAccount: this.name,
          components: { runner: { runnerLabels: { ...LITMUS_POD_LABELS } } },
          jobCleanUpPolicy: props.jobCleanUpPolicy ?? JobCleanUpPolicy.DELETE,
          experiments: [
            {
              name: fault.experiment,
              spec: {
                components: { env: fault._env(target) },
                probe: [{ ...probe, runProperties: { ...probe.runProperties } }],
              },
            },
          ],
        },
      });
    }

    const port = props.steadyState.targetPort;
    if (port) target.addIngress({ from: NetworkPeer.podsInNamespace(target.namespace, EXPERIMENT_POD_LABELS), ports: [port] });
    new k8s.KubeNetworkPolicy(
      this,
      'NetworkPolicy',
      chaosPodsNetworkPolicyProps({ ...metadata, labels: { ...labels } }, chart.apiServer.egressRule()),
    );
    new k8s.KubeNetworkPolicy(
      this,
      'ProbeNetworkPolicy',
      chaosProbeNetworkPolicyProps(
        { ...metadata, name: `${this.name}-probe`, labels: { ...labels } },
        {
          url: probe.httpProbeInputs?.url ?? probe.promProbeInputs?.endpoint ?? '',
          target: port && target.ports[port] !== undefined ? { selector: target.selector, port: target.ports[port] } : undefined,
        },
      ),
    );
  }

  /** Whether it runs here and its engines, for the reliability report. */
  public reliabilityFacts(): ReliabilityFacts {
    return {
      chaosExperiments: [
        {
          name: this.name,
          enabled: this.enabled,
          engineNames: this.engineNames,
          schedule: this.schedule
            ? { cron: this.schedule.schedule, runner: this.schedule.name, pause: goDuration(this.schedule.pause) }
            : undefined,
        },
      ],
    };
  }
}
