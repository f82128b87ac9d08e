import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Environment } from '../core/environment';
import type { KubeJson } from '../core/json';
import { TraefikGateway } from '../gateway/traefik-gateway/traefik-gateway';
import { TraefikPlatform } from '../gateway/traefik-platform';
import { EnvironmentStage } from './environment-stage';
import {
  attachFluxSettings,
  FluxSettings,
  fluxSettingsOf,
  GitSourceProps,
  InfrastructureProps,
  InfrastructureSettings,
} from './flux-settings';
import { stringifyManifests } from './manifest-yaml';
import { withMonitoringLabels } from './monitoring-labels';
import { withRolloutTimeout } from './flux-timeout';
import { protectFromPrune } from './prune-protection';
import { reliabilityReport } from './reliability-report';
import { ApiServerEndpoint } from '../core/api-server';
import { SystemChart } from '../core/system-chart';
import { deferViolations, ValidationError, ValidationProblem, validationProblems } from '../core/validation';
import { appDirectory, clusterDirectory, dataDirectory, INFRASTRUCTURE, infrastructureDirectory } from './tree-layout';

/** Props of a {@link ReliakitApp}. */
export interface ReliakitAppProps {
  /**
   * Where `synth()` writes the Flux tree.
   * @default - `$CDK8S_OUTDIR` (set by `cdk8s synth`), else 'dist'
   */
  readonly outdir?: string;
  /** The Git repository Flux reads the tree from. */
  readonly source: GitSourceProps;
  /**
   * Synthesize the cluster infrastructure every system depends on (`dist/infrastructure/<env>/`:
   * the operators and CRDs as Helm releases with pinned chart versions, the PriorityClasses, the
   * ClusterSecretStore) and its Flux Kustomizations `infrastructure-controllers` and
   * `infrastructure`.
   * @default - none: the cluster's infrastructure is installed some other way
   */
  readonly infrastructure?: InfrastructureProps;
  /**
   * Name of a Flux Kustomization (in the Flux namespace) that installs the operators and CRDs the
   * systems use (prometheus-operator, CloudNativePG, Traefik, ...). Every system depends on it, so
   * Flux never applies a ServiceMonitor before its CRD exists.
   * @default - 'infrastructure' with `infrastructure`, else no such dependency
   */
  readonly infrastructureDependency?: string;
  /**
   * How often Flux re-applies each system (drift correction).
   * @default Duration.minutes(10)
   */
  readonly interval?: Duration;
  /**
   * How soon Flux retries a failed apply.
   * @default Duration.minutes(2)
   */
  readonly retryInterval?: Duration;
  /**
   * The least time Flux waits for a directory's objects to become ready. A Kustomization whose
   * Deployments may take longer waits for the slowest one's progress deadline plus two minutes
   * (`lib/delivery/flux-timeout.ts`), so Flux never gives up on a rollout Kubernetes still allows.
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
  /**
   * Where pods reach the Kubernetes API server: the one declaration every NetworkPolicy that
   * opens egress to it reads (CNPG instances and poolers, chaos pods, the chaos schedule).
   * @default ApiServerEndpoint.privateRanges() — any RFC 1918 address on TCP 443 and 6443
   */
  readonly apiServer?: ApiServerEndpoint;

  /**
   * Let every construct record its broken rules instead of throwing from the first bad one:
   * `render()` then throws one {@link ValidationError} listing every problem of every construct
   * (with the line of user code that caused each), connection budgets and selector checks included.
   * @default false - a construct throws as soon as it is created with broken settings
   */
  readonly deferValidation?: boolean;
}

/** Which part of the tree to validate and render; every part by default. */
export interface TreeSelection {
  /**
   * Only these systems' directories (apps and data layer). Each environment's infrastructure and
   * Flux directories are always rendered whole: they are shared by every system.
   * @default - every system
   */
  readonly systems?: readonly string[];
  /**
   * Only these environments, by name (`prod`, `dev`).
   * @default - every environment
   */
  readonly environments?: readonly string[];
}

/** One manifest file of a rendered directory. */
export interface RenderedFile {
  /** File name, e.g. `api.yaml`. */
  readonly name: string;
  /** The Kubernetes objects in the file, as JSON. */
  readonly objects: readonly KubeJson[];
}

/** One directory of the tree: a system's manifests or an environment's Flux objects. */
export interface RenderedDirectory {
  /** Path relative to the output directory, e.g. `apps/prod/homepage`. */
  readonly path: string;
  /** The chart rendered into it (a SystemChart or a FluxCluster). */
  readonly chart: Chart;
  /** Its environment. */
  readonly environment: Environment;
  /** Its manifest files, in order. */
  readonly files: readonly RenderedFile[];
}

/** One file of the synthesized tree. */
export interface TreeFile {
  /** Path relative to the output directory, with `/` separators. */
  readonly path: string;
  /** The file's content. */
  readonly content: string;
}

const KUSTOMIZATION_FILE = 'kustomization.yaml';
const REPORT_FILE = 'RELIABILITY.md';

/**
 * The root of a Reliakit program. It synthesizes a Flux GitOps tree instead of cdk8s's flat
 * `dist/*.k8s.yaml`:
 *
 * ```
 * dist/apps/<env>/<system>/<component>.yaml + kustomization.yaml   (one SystemChart)
 * dist/infrastructure/<env>/{controllers,configs}/*.yaml             (with `infrastructure`)
 * dist/clusters/<env>/<system>.yaml + source.yaml + kustomization.yaml  (Flux objects)
 * ```
 *
 * Synthesis validates the whole app once and renders each chart once. cdk8s's `Chart.toJson()`
 * re-validates and re-resolves the entire app per chart, which grows quadratically with the
 * number of charts (measured: 5,000 charts ≈ 300 s instead of ≈ 10 s).
 */
export class ReliakitApp extends App {
  /** The ReliakitApp that contains `scope`; throws when there is none. */
  public static of(scope: IConstruct): ReliakitApp {
    fluxSettingsOf(scope); // throws with the fix outside a ReliakitApp
    return scope.node.root as ReliakitApp;
  }

  /** Resolved Flux settings. */
  public readonly fluxSettings: FluxSettings;
  private readonly stages = new Map<Environment, EnvironmentStage>();
  private readonly apiServer: ApiServerEndpoint | undefined;

  constructor(props: ReliakitAppProps) {
    super({ outdir: props.outdir });
    this.apiServer = props.apiServer;
    if (props.deferValidation) deferViolations(this);
    const problems: string[] = [];
    if (!/^(https?|ssh):\/\/\S+$/.test(props.source.url)) {
      problems.push(
        `'source.url' ('${props.source.url}') is not an http(s):// or ssh:// URL — give the clone URL of the GitOps repository`,
      );
    }
    if (problems.length > 0) throw new Error(`<app>: ${problems.join('; ')}`);
    this.fluxSettings = {
      source: {
        url: props.source.url,
        branch: props.source.branch ?? 'main',
        name: props.source.name ?? 'reliakit',
        namespace: props.source.namespace ?? 'flux-system',
        interval: props.source.interval ?? Duration.minutes(1),
        secretName: props.source.secretName,
      },
      infrastructureDependency: props.infrastructureDependency ?? (props.infrastructure ? INFRASTRUCTURE : undefined),
      infrastructure: props.infrastructure ? resolveInfrastructure(props.infrastructure) : undefined,
      interval: props.interval ?? Duration.minutes(10),
      retryInterval: props.retryInterval ?? Duration.minutes(2),
      timeout: props.timeout ?? Duration.minutes(5),
    };
    attachFluxSettings(this, this.fluxSettings);
  }

  /** The scope for systems of `environment` (created on first use). */
  public stage(environment: Environment): EnvironmentStage {
    let stage = this.stages.get(environment);
    if (!stage) {
      stage = new EnvironmentStage(this, environment.name, { environment, apiServer: this.apiServer });
      this.stages.set(environment, stage);
    }
    return stage;
  }

  /** The directory of a system's manifests, relative to the output directory. */
  public appDirectory(environment: Environment, system: SystemChart): string {
    return appDirectory(environment, system);
  }

  /** The directory of a system's data layer (stateful components), relative to the output directory. */
  public dataDirectory(environment: Environment, system: SystemChart): string {
    return dataDirectory(environment, system);
  }

  /** The directory of an environment's Flux objects, relative to the output directory. */
  public clusterDirectory(environment: Environment): string {
    return clusterDirectory(environment);
  }

  /** Every system chart of the app, in creation order. */
  public get systemCharts(): SystemChart[] {
    return [...this.stages.values()].flatMap((s) => s.flux.systemCharts);
  }

  /** The gateways whose Traefik is checked against the installed one (each once). */
  private readonly checkedGateways = new WeakSet<TraefikGateway>();

  /**
   * Every problem of the selected part of the app, in tree order, each once: the rules constructs
   * check (recorded when the app defers validation) and the `node.addValidation` checks.
   */
  public validate(selection: TreeSelection = {}): ValidationProblem[] {
    this.attachGatewayChecks();
    if (!selection.systems && !selection.environments) return validationProblems(this);
    const selected = this.selector(selection);
    return validationProblems(this, (c) => {
      const stage = [...this.stages.values()].find((s) => c === s || c.node.scopes.includes(s));
      if (stage && !selected.environment(stage.environment)) return false;
      const system = c.node.scopes.find(SystemChart.isSystemChart);
      return !system || selected.system(system);
    });
  }

  /**
   * Validates the app once, then renders every chart once into its directory's files, in a
   * stable order: the objects as JSON, before YAML. Throws a {@link ValidationError} listing every
   * validation error.
   */
  public render(selection: TreeSelection = {}): RenderedDirectory[] {
    const problems = this.validate(selection);
    if (problems.length > 0) throw new ValidationError(problems);

    const selected = this.selector(selection);
    const dirs: RenderedDirectory[] = [];
    for (const stage of this.stages.values()) {
      if (!selected.environment(stage.environment)) continue;
      // Every system is rendered, selected or not: the Flux directory's timeouts depend on all of them.
      const systems = stage.flux.systemCharts.map((system) => ({ system, dirs: this.renderSystem(system) }));
      const shared = this.renderEnvironment(
        stage.environment,
        systems.flatMap((s) => s.dirs),
      );
      dirs.push(...shared.infrastructure, ...systems.filter((s) => selected.system(s.system)).flatMap((s) => s.dirs), shared.cluster);
    }
    return dirs;
  }

  /**
   * Renders one system's directories — its data layer (when it has one), then its apps — without
   * validating: call {@link validate} (or {@link render}) first.
   */
  public renderSystem(system: SystemChart): RenderedDirectory[] {
    const env = system.environment;
    const monitoringLabels = this.fluxSettings.infrastructure?.monitoringLabels ?? {};
    const label = (o: KubeJson) => withMonitoringLabels(o, monitoringLabels);
    const dirs: RenderedDirectory[] = [];
    if (system.hasDataLayer) {
      dirs.push(
        renderChart(
          this.dataDirectory(env, system),
          system,
          env,
          (c) => system.isDataComponent(c),
          (o) => label(protectFromPrune(o)),
        ),
      );
    }
    dirs.push(renderChart(this.appDirectory(env, system), system, env, (c) => !system.isDataComponent(c), label));
    return dirs;
  }

  /**
   * Renders an environment's shared directories, without validating: its infrastructure (when the
   * app has one) and its Flux objects, whose Kustomizations wait as long as the slowest rollout of
   * the directory each applies — so `systemDirectories` must hold every system of the environment.
   */
  public renderEnvironment(
    environment: Environment,
    systemDirectories: readonly RenderedDirectory[],
  ): { readonly infrastructure: RenderedDirectory[]; readonly cluster: RenderedDirectory } {
    const stage = this.stages.get(environment);
    if (!stage)
      throw new Error(
        `<app>: no system in environment '${environment.name}' — create one with app.stage(Environment.${environment.name.toUpperCase()})`,
      );
    const infrastructure = stage.infrastructure
      ? [
          renderChart(infrastructureDirectory(environment, 'controllers'), stage.infrastructure.controllers, environment),
          renderChart(infrastructureDirectory(environment, 'configs'), stage.infrastructure.configs, environment),
        ]
      : [];
    const byPath = new Map(systemDirectories.map((d) => [d.path, d.files.flatMap((f) => f.objects)]));
    const cluster = renderChart(this.clusterDirectory(environment), stage.flux, environment, undefined, (o) =>
      withRolloutTimeout(o, byPath, this.fluxSettings.timeout),
    );
    return { infrastructure, cluster };
  }

  /** Predicates of a selection; throws naming the known systems and environments for an unknown one. */
  private selector(selection: TreeSelection): {
    system: (s: SystemChart) => boolean;
    environment: (e: Environment) => boolean;
  } {
    const systems = [...new Set(this.systemCharts.map((s) => s.system))];
    const environments = [...this.stages.keys()].map((e) => e.name);
    const unknown = (asked: readonly string[] | undefined, known: string[], what: string) => {
      const missing = (asked ?? []).filter((x) => !known.includes(x));
      if (missing.length > 0) {
        throw new Error(
          `<app>: unknown ${what} ${missing.map((m) => `'${m}'`).join(', ')} — use one of ${known.map((k) => `'${k}'`).join(', ')}`,
        );
      }
    };
    unknown(selection.systems, systems, 'system');
    unknown(selection.environments, environments, 'environment');
    return {
      system: (s) => !selection.systems || selection.systems.includes(s.system),
      environment: (e) => !selection.environments || selection.environments.includes(e.name),
    };
  }

  /**
   * Every file of the tree: each directory's manifests and its kustomization.yaml, and beside each
   * system's apps its RELIABILITY.md (SLOs, alerts, probes, scaling, shutdown, backups, drills),
   * which kustomize and Flux ignore and reviewers read beside the YAML diff. `dirs`: the
   * directories {@link render} returned, when the caller rendered them already.
   */
  public synthTree(selection: TreeSelection = {}): TreeFile[] {
    return this.treeFiles(this.render(selection));
  }

  /** The files of rendered directories: their manifests, kustomization.yaml and, beside a system's apps, RELIABILITY.md. */
  public treeFiles(dirs: readonly RenderedDirectory[]): TreeFile[] {
    return dirs.flatMap((dir) => [
      ...dir.files.map((f) => ({ path: `${dir.path}/${f.name}`, content: stringifyManifests(...f.objects) })),
      {
        path: `${dir.path}/${KUSTOMIZATION_FILE}`,
        content: stringifyManifests({
          apiVersion: 'kustomize.config.k8s.io/v1beta1',
          kind: 'Kustomization',
          resources: dir.files.map((f) => f.name),
        }),
      },
      ...(SystemChart.isSystemChart(dir.chart) && dir.path === this.appDirectory(dir.environment, dir.chart)
        ? [{ path: `${dir.path}/${REPORT_FILE}`, content: reliabilityReport(dir.chart) }]
        : []),
    ]);
  }

  /**
   * Every TraefikGateway runs on the Traefik the app installs: the replica count it divides rate
   * limits by and the trusted proxies it takes the X-Forwarded-For depth from must be the ones of
   * the HelmRelease, or the limits and client addresses are wrong in production.
   */
  private attachGatewayChecks(): void {
    const installed = this.fluxSettings.infrastructure?.traefik;
    if (!installed) return;
    const describe = (t: TraefikPlatform) =>
      JSON.stringify({ namespace: t.namespace, replicas: t.replicas, trustedProxies: t.trustedProxies });
    for (const g of this.node.findAll().filter((c): c is TraefikGateway => c instanceof TraefikGateway)) {
      if (this.checkedGateways.has(g)) continue;
      this.checkedGateways.add(g);
      // On the gateway, so the problem is reported at its path with the rest of its rules.
      g.node.addValidation({
        validate: () =>
          describe(g.traefik) === describe(installed)
            ? []
            : [
                `'traefik' (${describe(g.traefik)}) is not the Traefik the app installs (infrastructure.traefik: ${describe(installed)}) — pass the same TraefikPlatform to both`,
              ],
      });
    }
  }

  /** Writes files of the tree (from {@link synthTree}) under `outdir`. */
  public writeTree(files: readonly TreeFile[]): void {
    const made = new Set<string>();
    for (const file of files) {
      const target = path.join(this.outdir, file.path);
      const dir = path.dirname(target);
      if (!made.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      fs.writeFileSync(target, file.content, 'utf8');
    }
  }

  /** Writes the tree (or the selected part of it) to `outdir` (what `cdk8s synth` runs). */
  public synth(selection: TreeSelection = {}): void {
    this.writeTree(this.synthTree(selection));
  }
}

/** Infrastructure props with their defaults. */
function resolveInfrastructure(props: InfrastructureProps): InfrastructureSettings {
  const monitoringRelease = props.monitoringRelease ?? 'kube-prometheus-stack';
  return {
    secretStore: { name: props.secretStore.name ?? 'secret-manager', provider: props.secretStore.provider },
    monitoringRelease,
    monitoringLabels: { release: monitoringRelease },
    traefik: props.traefik ?? new TraefikPlatform({ replicas: 2, trustedProxies: { hops: 0, cidrs: [] } }),
  };
}

/**
 * Renders a chart's API objects into files named after the chart's direct child that holds them
 * (`api.yaml` for the `api` ReliableService), in creation order, so a reviewer finds one
 * component per file in the diff.
 */
function renderChart(
  dir: string,
  chart: Chart,
  environment: Environment,
  include: (child: IConstruct) => boolean = () => true,
  finish: (o: KubeJson) => KubeJson = (o) => o,
): RenderedDirectory {
  const files: RenderedFile[] = [];
  for (const child of chart.node.children.filter(include)) {
    const objects = child.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart);
    if (objects.length === 0) continue;
    const name = `${child.node.id}.yaml`;
    if (name === KUSTOMIZATION_FILE) {
      throw new Error(`${child.node.path}: the construct id 'kustomization' would overwrite ${dir}/${KUSTOMIZATION_FILE} — rename it`);
    }
    files.push({ name, objects: objects.map((o) => finish(o.toJson())) });
  }
  return { path: dir, chart, environment, files };
}
