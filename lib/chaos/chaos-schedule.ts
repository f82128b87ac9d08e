import { Duration, Lazy, Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { recommendedLabels, resourceName, RELIAKIT_VERSION, selectorLabels } from '../core/conventions';
import { ApiServerEndpoint } from '../core/api-server';
import { checkCron, CronSchedule } from '../core/cron';
import { Images } from '../core/images';
import { dnsEgressRule } from '../core/network';
import { renderResources } from '../core/resources';
import { DEFAULT_UID, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { SystemChart } from '../core/system-chart';
import { goDuration, seconds } from '../core/units';
import { Violations } from '../core/validation';
import { PolarisExemption, polarisAnnotations, polarisExemptionFacts, WORKLOAD_EXEMPTIONS } from '../core/polaris-exemption';
import { PriorityClass } from '../core/priority-class';
import { IReliabilityFacts, ReliabilityFacts } from '../core/reliability-facts';

/** The schedule's Polaris exemptions: the house rules, and the token it patches ChaosEngines with. */
const CHAOS_SCHEDULE_EXEMPTIONS: readonly PolarisExemption[] = [...WORKLOAD_EXEMPTIONS, PolarisExemption.CHAOS_RUNNER];

/** The construct id (and component) of a system's chaos schedule. */
const ID = 'chaos-schedule';

/**
 * What a run needs beyond the chaos itself: the operator starts the runner, the runner pulls and
 * starts the experiment pod (and the helper pods of network and CPU faults), the probes settle,
 * the result is written. Five minutes covers an image pull on a cold node.
 */
const ENGINE_OVERHEAD = Duration.minutes(5);

/** Props of a {@link ChaosSchedule}. */
export interface ChaosScheduleProps {
  /**
   * When the system's engines run, one after another (5-field cron, UTC). Every run replays all
   * of them, so a regression that breaks a steady state shows up within one period.
   * @default '0 10 * * 2' — Tuesdays 10:00 UTC: weekly, in working hours, when people are there
   * to look at a failing steady state, and not on a Monday or Friday, when deploys cluster.
   */
  readonly schedule?: CronSchedule;
  /**
   * Time between the end of one engine and the start of the next, for the service to recover
   * (pods rescheduled, HPA back down, burn-rate windows clear) so the next fault starts from a
   * steady state and its result is not the previous fault's aftermath.
   * @default Duration.minutes(10)
   */
  readonly pause?: Duration;
  /**
   * Where the runner reaches the Kubernetes API (on TCP 443 and 6443). The API server's endpoints
   * are node or cloud addresses no pod or namespace selector can name.
   * @default - the app's `apiServer` (`ApiServerEndpoint`), declared once for every policy
   */
  readonly apiServer?: ApiServerEndpoint;
}

/** One engine the schedule runs. */
export interface ScheduledEngine {
  /** The ChaosEngine's name. */
  readonly name: string;
  /** The chaos-hub experiment it runs: its ChaosResult is `<engine>-<experiment>`. */
  readonly experiment: string;
  /** How long its chaos lasts (`TOTAL_CHAOS_DURATION`). */
  readonly chaosDuration: Duration;
}

/** The resolved run: the engines in order, each with its timeout, and the job's deadline. */
export interface ChaosRunPlan {
  readonly engines: readonly (ScheduledEngine & { readonly timeoutSeconds: number })[];
  readonly pauseSeconds: number;
  /** activeDeadlineSeconds of the Job: every engine's timeout, the pauses between them and a minute. */
  readonly deadlineSeconds: number;
}

/** The run of `engines` in order with `pause` between them (pure). */
export function chaosRunPlan(engines: readonly ScheduledEngine[], pause: Duration): ChaosRunPlan {
  const pauseSeconds = Math.round(seconds(pause));
  const planned = engines.map((e) => ({ ...e, timeoutSeconds: Math.round(seconds(e.chaosDuration) + seconds(ENGINE_OVERHEAD)) }));
  const deadlineSeconds = planned.reduce((sum, e) => sum + e.timeoutSeconds, 0) + pauseSeconds * Math.max(0, planned.length - 1) + 60;
  return { engines: planned, pauseSeconds, deadlineSeconds };
}

/**
 * The runner's script (pure). For each engine in turn: set `engineState: active` (the operator
 * starts it; after a run it sets the state back to `stop`, which is how Litmus documents a
 * re-trigger), wait until the engine has left the previous run's `completed` and then until it
 * is `completed` (or `stopped`) again, read the ChaosResult's verdict, pause; an engine that
 * exceeds its timeout is stopped (`engineState: stop` aborts the chaos and reverts it). The job
 * fails when any verdict is not `Pass`, so a broken steady state is a failed Job.
 *
 * Polling by hand rather than `kubectl wait`: the status passes `completed` → `initialized` →
 * `completed`, and a wait for `completed` right after the patch would return on the old value.
 */
export function chaosRunScript(plan: ChaosRunPlan, pollSeconds = 10): string {
  const lines = [
    'set -u',
    'failed=""',
    'status() { kubectl -n "$NAMESPACE" get chaosengine "$1" -o jsonpath="{.status.engineStatus}" 2>/dev/null || true; }',
    'stop() { kubectl -n "$NAMESPACE" patch chaosengine "$1" --type merge -p \'{"spec":{"engineState":"stop"}}\' || true; }',
    '# run ENGINE EXPERIMENT TIMEOUT_SECONDS',
    'run() {',
    '  echo "$(date -u +%FT%TZ) $1: start (timeout $3 s)"',
    '  if ! kubectl -n "$NAMESPACE" patch chaosengine "$1" --type merge -p \'{"spec":{"engineState":"active"}}\'; then',
    '    failed="$failed $1"; return',
    '  fi',
    '  waited=0',
    `  while [ "$(status "$1")" = completed ] && [ "$waited" -lt 120 ]; do sleep ${pollSeconds}; waited=$((waited + ${pollSeconds})); done`,
    '  while :; do',
    '    s="$(status "$1")"',
    '    [ "$s" = completed ] || [ "$s" = stopped ] && break',
    `    if [ "$waited" -ge "$3" ]; then echo "$1: no result after $3 s, stopping it"; stop "$1"; failed="$failed $1"; return; fi`,
    `    sleep ${pollSeconds}; waited=$((waited + ${pollSeconds}))`,
    '  done',
    '  verdict="$(kubectl -n "$NAMESPACE" get chaosresult "$1-$2" -o jsonpath="{.status.experimentStatus.verdict}" 2>/dev/null || true)"',
    '  echo "$(date -u +%FT%TZ) $1: engine $s, verdict ${verdict:-none}"',
    '  [ "$verdict" = Pass ] || failed="$failed $1"',
    '}',
  ];
  plan.engines.forEach((e, i) => {
    if (i > 0) lines.push(`sleep ${plan.pauseSeconds}`);
    lines.push(`run ${e.name} ${e.experiment} ${e.timeoutSeconds}`);
  });
  lines.push('if [ -n "$failed" ]; then echo "failed:$failed"; exit 1; fi', 'echo "all engines passed"');
  return lines.join('\n');
}

/**
 * Runs a system's ChaosEngines again and again: a CronJob that starts them one at a time (never
 * two faults at once, so each result is about one fault), with a pause between them, and fails
 * when a steady state broke. The engines are created stopped (`engineState: stop`), so nothing
 * runs the moment Flux applies the tree. One per system chart, created by the first
 * ChaosExperiment; create it yourself first (id `chaos-schedule`) to change its props.
 *
 * The runner's ServiceAccount may only read and patch the engines and read the results of its
 * namespace; its pod reaches only DNS and the API server.
 */
export class ChaosSchedule extends Construct implements IReliabilityFacts {
  /** The schedule of `chart` (created with the defaults on first use). */
  public static of(chart: SystemChart): ChaosSchedule {
    const existing = chart.node.tryFindChild(ID);
    if (existing instanceof ChaosSchedule) return existing;
    if (existing) throw new Error(`${existing.node.path}: the id '${ID}' is reserved for the system's ChaosSchedule — rename it`);
    return new ChaosSchedule(chart, ID);
  }

  /** `<system>-chaos-schedule`: the CronJob, ServiceAccount, Role, RoleBinding and NetworkPolicy. */
  public readonly name: string;
  /** The 5-field schedule. */
  public readonly schedule: string;
  /** The pause between engines. */
  public readonly pause: Duration;
  private readonly engines: ScheduledEngine[] = [];

  constructor(scope: SystemChart, id: string, props: ChaosScheduleProps = {}) {
    super(scope, id);
    const chart = SystemChart.of(this);
    this.name = resourceName(chart.system, ID);
    const pause = props.pause ?? Duration.minutes(10);
    this.pause = pause;
    const v = new Violations(this);
    v.check(id !== ID, 'id', id, `is not '${ID}', so the ChaosExperiments would create a second schedule`, `use the id '${ID}'`);
    const cron = checkCron(props.schedule ?? '0 10 * * 2');
    v.check(cron.error !== undefined, 'schedule', props.schedule, cron.error ?? '', "use a 5-field cron expression, e.g. '0 10 * * 2'");
    const pauseSeconds = pause.toMilliseconds() / 1000;
    v.check(
      !Number.isInteger(pauseSeconds) || pauseSeconds < 0,
      'pause',
      goDuration(pause),
      'is not a whole, non-negative number of seconds',
      'use e.g. Duration.minutes(10)',
    );
    v.throwIfAny();
    this.schedule = cron.expression as string;

    const component = ID;
    const labels = recommendedLabels({ system: chart.system, component, environment: chart.environment.name, version: RELIAKIT_VERSION });
    const selector = selectorLabels({ system: chart.system, component, environment: chart.environment.name });
    const metadata = () => ({ name: this.name, namespace: chart.namespaceName, labels: { ...labels } });
    const plan = () => chaosRunPlan(this.engines, pause);

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: metadata() });
    new k8s.KubeRole(this, 'Role', {
      metadata: metadata(),
      rules: [
        { apiGroups: ['litmuschaos.io'], resources: ['chaosengines'], verbs: ['get', 'list', 'patch'] },
        { apiGroups: ['litmuschaos.io'], resources: ['chaosresults'], verbs: ['get', 'list'] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: metadata(),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.name },
      subjects: [{ kind: 'ServiceAccount', name: this.name, namespace: chart.namespaceName }],
    });
    const apiServer = (props.apiServer ?? chart.apiServer).egressRule();
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: metadata(),
      spec: {
        podSelector: { matchLabels: { ...selector } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: [dnsEgressRule(), apiServer],
      },
    });
    new k8s.KubeCronJob(this, 'CronJob', {
      // Reliakit's house rules, and the API token the runner needs (lib/core/polaris-exemption.ts).
      metadata: { ...metadata(), annotations: polarisAnnotations(CHAOS_SCHEDULE_EXEMPTIONS) },
      spec: {
        schedule: this.schedule,
        timeZone: 'Etc/UTC',
        // A run still going when the next is due is not doubled: two faults at once would make
        // both results meaningless.
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels: { ...labels } },
          spec: {
            // A failed run is a finding to read, not to retry: a retry would run every fault again.
            backoffLimit: 0,
            activeDeadlineSeconds: Lazy.any({ produce: () => plan().deadlineSeconds }) as unknown as number,
            template: {
              metadata: { labels: { ...labels } },
              spec: {
                serviceAccountName: this.name,
                priorityClassName: PriorityClass.BATCH.name,
                restartPolicy: 'Never',
                securityContext: restrictedPodSecurityContext({ runAsUser: DEFAULT_UID, runAsGroup: DEFAULT_UID, fsGroup: DEFAULT_UID }),
                containers: [
                  {
                    name: 'run',
                    image: Images.KUBECTL,
                    command: ['sh', '-c', Lazy.any({ produce: () => chaosRunScript(plan()) }) as unknown as string],
                    // kubectl writes its discovery cache under $HOME; the root filesystem is read-only.
                    env: [
                      { name: 'NAMESPACE', value: chart.namespaceName },
                      { name: 'HOME', value: '/tmp' },
                    ],
                    resources: renderResources({
                      cpu: { request: Cpu.millis(10) },
                      memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) },
                      ephemeralStorage: { request: Size.mebibytes(16), limit: Size.mebibytes(64) },
                    }),
                    securityContext: restrictedContainerSecurityContext(),
                    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                  },
                ],
                volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
              },
            },
          },
        },
      },
    });
  }

  /** Adds an engine to the end of the run. */
  public addEngine(engine: ScheduledEngine): void {
    this.engines.push({ ...engine });
  }

  /** Its Polaris exemptions, for the reliability report (the experiments report the schedule itself). */
  public reliabilityFacts(): ReliabilityFacts {
    return { policyExemptions: polarisExemptionFacts(`CronJob ${this.name}`, CHAOS_SCHEDULE_EXEMPTIONS) };
  }
}
