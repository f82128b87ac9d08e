import { ApiObject, Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { ApiServerEndpoint } from './api-server';
import { isDnsLabel, recommendedLabels, RELIAKIT_VERSION, repeatedSystemName, resourceName } from './conventions';
import { Environment } from './environment';
import { namespaceNetworkPolicies } from './network';
import { hasScrapeSelectors, hasScrapeTargets, JOB_LABEL_RULE, readsOwnTargets, unmatchedSelectors } from './scrape-targets';
import { recordCreationSite, Violations } from './validation';
import type { IReliabilityFacts, PlanDeviationFact, ReliabilityFacts } from './reliability-facts';

const SYSTEM_CHART = Symbol.for('reliakit.SystemChart');
const SYSTEM_STAGE = Symbol.for('reliakit.SystemStage');

/**
 * What a {@link SystemChart} needs from the environment it is created in: the environment, and a
 * place to register the system (and its data layer) for delivery. Defined here, in the lowest
 * layer, and implemented by the delivery layer's `EnvironmentStage`, so a system never imports
 * the Flux classes that apply it (dependency inversion: core must not import delivery).
 */
export interface ISystemStage extends IConstruct {
  /** The environment every system in this stage is synthesized for. */
  readonly environment: Environment;
  /**
   * Where pods reach the Kubernetes API server.
   * @default ApiServerEndpoint.privateRanges()
   */
  readonly apiServer?: ApiServerEndpoint;
  /** Registers a new system: delivery adds what applies its apps (a Flux Kustomization). */
  registerSystem(system: SystemChart): void;
  /** Registers the data layer of a system, once its first data component arrives. */
  registerDataLayer(system: SystemChart): void;
}

/** Marks `stage` as an {@link ISystemStage}, so systems created below it find it. */
export function markSystemStage(stage: ISystemStage): void {
  Object.defineProperty(stage, SYSTEM_STAGE, { value: true });
}

function isSystemStage(x: IConstruct): x is ISystemStage {
  return SYSTEM_STAGE in x;
}

/** The system stage that contains `scope`; throws with the fix when there is none. */
export function systemStageOf(scope: IConstruct): ISystemStage {
  for (let s: IConstruct | undefined = scope; s; s = s.node.scope) {
    if (isSystemStage(s)) return s;
  }
  throw new Error(
    `${scope.node.path || '<root>'}: is not inside an EnvironmentStage — create systems in \`app.stage(Environment.PROD)\` (or another environment)`,
  );
}

/**
 * A CEL health check Flux evaluates on objects of one custom kind (kustomize-controller
 * `healthCheckExprs`), for kinds whose readiness kstatus cannot infer.
 */
export interface FluxHealthCheck {
  /** API version of the kind, e.g. `postgresql.cnpg.io/v1`. */
  readonly apiVersion: string;
  /** The kind, e.g. `Cluster`. */
  readonly kind: string;
  /** CEL expression that is true once the object is healthy. */
  readonly current: string;
  /**
   * CEL expression that is true when the object has failed.
   * @default - none: Flux waits until its timeout
   */
  readonly failed?: string;
}

/** Props of a {@link SystemChart}. */
export interface SystemChartProps {
  /**
   * The system's name: prefix of every object name (`<system>-<component>`) and its Flux
   * Kustomization's name.
   * @default - the construct id
   */
  readonly system?: string;
  /**
   * The namespace all of the system's objects live in; the chart emits it.
   * @default - the system name
   */
  readonly namespace?: string;
  /**
   * Systems whose Flux Kustomization must be ready before this one is applied.
   * @default - none (besides the app's infrastructure dependency)
   */
  readonly dependsOn?: readonly SystemChart[];
}

/**
 * One system of a plan (e.g. `homepage`) in one environment: a namespace and everything in it.
 * It is synthesized to `dist/apps/<env>/<system>/` and applied by one Flux Kustomization.
 */
export class SystemChart extends Chart implements IReliabilityFacts {
  /** Whether `x` is a SystemChart (by marker: cdk8s's `Chart` makes `instanceof` true for any chart). */
  public static isSystemChart(x: unknown): x is SystemChart {
    return typeof x === 'object' && x !== null && SYSTEM_CHART in x;
  }

  static [Symbol.hasInstance](x: unknown): x is SystemChart {
    return SystemChart.isSystemChart(x);
  }

  /** The system chart that contains `scope`; throws with the fix when there is none. */
  public static of(scope: IConstruct): SystemChart {
    for (let s: IConstruct | undefined = scope; s; s = s.node.scope) {
      if (SystemChart.isSystemChart(s)) return s;
    }
    throw new Error(
      `${scope.node.path || '<root>'}: is not inside a SystemChart — create it in \`new SystemChart(app.stage(env), '<system>')\``,
    );
  }

  /** The system's name. */
  public readonly system: string;
  /** The namespace of every object of the system. */
  public readonly namespaceName: string;
  /** The environment the system is synthesized for. */
  public readonly environment: Environment;
  private readonly deviations: PlanDeviationFact[] = [];
  /** Where the system's pods reach the Kubernetes API server (the stage's, declared once per app). */
  public readonly apiServer: ApiServerEndpoint;
  private readonly systemDependencies: SystemChart[] = [];
  private readonly dataComponents = new Set<IConstruct>();
  private readonly prerequisites = new Set<IConstruct>();
  private readonly privilegedReasons: string[] = [];
  private readonly namespaceObject: k8s.KubeNamespace;
  private readonly healthChecks: FluxHealthCheck[] = [];

  constructor(scope: Construct, id: string, props: SystemChartProps = {}) {
    const namespace = props.namespace ?? props.system ?? id;
    // No chart-wide namespace: it would also stamp the cluster-scoped Namespace object.
    super(scope, id, { disableResourceNameHashes: true });
    Object.defineProperty(this, SYSTEM_CHART, { value: true });
    const stage = systemStageOf(this);
    this.environment = stage.environment;
    this.apiServer = stage.apiServer ?? ApiServerEndpoint.privateRanges();
    this.system = props.system ?? id;
    this.namespaceName = namespace;

    const v = new Violations(this);
    v.check(
      !isDnsLabel(this.system, 40),
      'system',
      this.system,
      'is not a DNS label of at most 40 characters',
      'use lowercase letters, digits and dashes, so `<system>-<component>` stays a valid object name',
    );
    v.check(!isDnsLabel(namespace), 'namespace', namespace, 'is not a DNS label', 'use lowercase letters, digits and dashes (at most 63)');
    v.throwIfAny();

    for (const dep of props.dependsOn ?? []) this.addSystemDependency(dep);

    this.namespaceObject = new k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name: namespace,
        labels: {
          ...recommendedLabels({
            system: this.system,
            component: 'namespace',
            environment: this.environment.name,
            version: RELIAKIT_VERSION,
          }),
          // Every pod Reliakit synthesizes meets the restricted Pod Security Standard; enforcing it
          // keeps anything added by hand from weakening the namespace. Only an explicit
          // allowPrivilegedPods (chaos helper pods) relaxes enforcement; warn/audit stay restricted.
          'pod-security.kubernetes.io/enforce': Lazy.any({
            produce: () => (this.privilegedReasons.length > 0 ? 'privileged' : 'restricted'),
          }),
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
      },
    });

    // Default-deny in the namespace, shipped with it (children of the Namespace object: the same
    // file and Flux layer), so every opening is a workload's own policy.
    const policies = namespaceNetworkPolicies(namespace, (component) => ({
      name: resourceName(this.system, component),
      labels: recommendedLabels({ system: this.system, component, environment: this.environment.name, version: RELIAKIT_VERSION }),
    }));
    new k8s.KubeNetworkPolicy(this.namespaceObject, 'default-deny', policies.defaultDeny);
    new k8s.KubeNetworkPolicy(this.namespaceObject, 'allow-dns', policies.allowDns);

    stage.registerSystem(this);
    // At validation: components, monitors and queries are added after the chart.
    recordCreationSite(this);
    this.node.addValidation({ validate: () => [...this.validateComponentIds(), ...this.validateSelectors()] });
  }

  /** Makes Flux apply `other` (and wait for it to be ready) before this system. */
  public addSystemDependency(other: SystemChart): void {
    if (other === this) {
      throw new Error(`${this.node.path}: 'dependsOn' (${other.system}) names the system itself — remove it`);
    }
    if (other.environment !== this.environment) {
      throw new Error(
        `${this.node.path}: 'dependsOn' (${other.node.path}) is in environment '${other.environment.name}', not '${this.environment.name}' — depend on the system of the same environment`,
      );
    }
    if (!this.systemDependencies.includes(other)) this.systemDependencies.push(other);
  }

  /**
   * Moves a direct child into the system's data layer: it is written to
   * `apps/<env>/<system>-data/`, applied by its own Flux Kustomization together with the
   * namespace, and the system's apps wait until it is healthy (`healthCheck`).
   * Stateful constructs (HAPostgres, RedisCache) call this themselves.
   */
  public addDataComponent(component: IConstruct, healthCheck?: FluxHealthCheck): void {
    if (component.node.scope !== this) {
      throw new Error(
        `${component.node.path}: only a direct child of the system chart ${this.node.path} can be a data component — create it with the chart as scope`,
      );
    }
    if (this.dataComponents.size === 0) {
      // The data layer is applied first, so it owns the namespace.
      this.dataComponents.add(this.namespaceObject);
      systemStageOf(this).registerDataLayer(this);
    }
    this.dataComponents.add(component);
    if (healthCheck && !this.healthChecks.some((h) => h.apiVersion === healthCheck.apiVersion && h.kind === healthCheck.kind)) {
      this.healthChecks.push(healthCheck);
    }
  }

  /**
   * Lets privileged pods run in the namespace (Pod Security `enforce: privileged`; `warn` and
   * `audit` stay `restricted`, so every such pod is still reported). For LitmusChaos helper pods,
   * which need hostPID and the container runtime socket (ChaosExperiment calls this only where its
   * engines are emitted: dev, or production with `enabledInProduction`).
   */
  public allowPrivilegedPods(reason: string): void {
    this.privilegedReasons.push(reason);
  }

  /** Why the namespace admits privileged pods, if it does (a copy). */
  public get privilegedPodReasons(): string[] {
    return [...this.privilegedReasons];
  }

  /**
   * Marks a direct child as something both layers may read (e.g. a Secret synced from a secret
   * manager): it is applied with the data layer when the system has one, else with the apps.
   * A Secret that a stateful component reads (Redis' password, the WAL archive's S3 credentials)
   * in the apps layer would deadlock Flux: the apps wait for the data layer to be healthy, and
   * the data layer's pods wait for the Secret. SyncedSecret calls this itself.
   */
  public addPrerequisite(component: IConstruct): void {
    if (component.node.scope !== this) {
      throw new Error(
        `${component.node.path}: only a direct child of the system chart ${this.node.path} can be a prerequisite — create it with the chart as scope`,
      );
    }
    this.prerequisites.add(component);
  }

  /**
   * Records a deliberate deviation from the plan (listed in RELIABILITY.md under "Deviations from
   * the plan"); the stack's code beside it should cite the same section.
   */
  public addPlanDeviation(deviation: PlanDeviationFact): void {
    const empty = (['section', 'plan', 'chosen', 'reason'] as const).filter((k) => !(deviation[k] ?? '').trim());
    if (empty.length > 0) {
      throw new Error(
        `${this.node.path}: 'addPlanDeviation' (${deviation.section ?? ''}) has an empty ${empty.join(', ')} — say where the plan says what, what the stack does instead, and why`,
      );
    }
    this.deviations.push({ ...deviation });
  }

  /** The deviations from the plan, for the reliability report. */
  public reliabilityFacts(): ReliabilityFacts {
    return { deviations: this.deviations.map((d) => ({ ...d })) };
  }

  /** Whether `component` (a direct child) belongs to the data layer. */
  public isDataComponent(component: IConstruct): boolean {
    return this.dataComponents.has(component) || (this.prerequisites.has(component) && this.hasDataLayer);
  }

  /** Whether the system has a data layer. */
  public get hasDataLayer(): boolean {
    return this.dataComponents.size > 0;
  }

  /** Health checks Flux runs on the data layer's objects (a copy). */
  public get dataHealthChecks(): FluxHealthCheck[] {
    return [...this.healthChecks];
  }

  /**
   * Direct children are the system's components, named `<system>-<id>`: an id that repeats the
   * system name doubles it (ReliableService also rejects this eagerly, in its constructor).
   */
  private validateComponentIds(): string[] {
    return this.node.children
      .filter((c) => !ApiObject.isApiObject(c))
      .flatMap((c) => {
        const repeated = repeatedSystemName(this.system, c.node.id);
        return repeated ? [`${c.node.path}: 'id' ('${c.node.id}') ${repeated.problem} — ${repeated.fix}`] : [];
      });
  }

  /**
   * Every selector of the system's SLOs, alerts and dashboards that reads its own workloads must
   * match a target of a ServiceMonitor or PodMonitor of the environment (rule: `readsOwnTargets`
   * in scrape-targets.ts); one message lists every one that does not.
   */
  private validateSelectors(): string[] {
    const uses = this.node
      .findAll()
      .filter(hasScrapeSelectors)
      .flatMap((c) => c.scrapeSelectors());
    // Nothing to check, so no walk over the whole environment: with it, validating N systems
    // costs N walks of every system (quadratic in a fleet of charts without SLOs or dashboards).
    if (!uses.some((use) => readsOwnTargets(use, this.namespaceName))) return [];
    const targets = systemStageOf(this)
      .node.findAll()
      .filter(hasScrapeTargets)
      .flatMap((c) => c.scrapeTargets());
    const bad = unmatchedSelectors(this.namespaceName, targets, uses);
    if (bad.length === 0) return [];
    const head = `${this.node.path}: ${bad.length} selector${bad.length === 1 ? '' : 's'} of its SLOs, alerts and dashboards match${bad.length === 1 ? 'es' : ''} no scrape target (${JOB_LABEL_RULE})`;
    return [[head, ...bad.map((m) => `  - ${m}`)].join('\n')];
  }

  /** The systems this one depends on (a copy). */
  public get systemDependenciesList(): SystemChart[] {
    return [...this.systemDependencies];
  }
}
