import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { GrafanaSidecar, isDnsLabel, recommendedLabels, RELIAKIT_VERSION, resourceName } from '../../core/conventions';
import { metricNames } from './panels/metric-names';
import { DashboardSpec, dashboardQueries, dashboardSyntaxErrors, MAX_UID_LENGTH } from './panels/model';
import { renderDashboard, stableJson } from './panels/render';
import { recordCreationSite, Violations } from '../../core/validation';
import { SystemChart } from '../../core/system-chart';
import { IReliabilityFacts, ReliabilityFacts } from '../../core/reliability-facts';
import { IScrapeSelectors, SelectorUse } from '../../core/scrape-targets';
import { exprSelectorUses } from '../scrape-selectors';

/** Props every dashboard takes. */
export interface GrafanaDashboardProps {
  /**
   * The dashboard's title.
   * @default - the dashboard's own, naming the system
   */
  readonly title?: string;
  /**
   * The Grafana folder the sidecar files the dashboard into (its `grafana_folder` annotation).
   * @default - the system's name
   */
  readonly folder?: string;
}

/** One PromQL query of a dashboard, with the row and panel it belongs to. */
export interface DashboardQuery {
  /** The row's title. */
  readonly row: string;
  /** The panel's title. */
  readonly panel: string;
  /** The PromQL expression. */
  readonly expr: string;
}

/**
 * A Grafana dashboard shipped as a ConfigMap (`<system>-<id>`, e.g. `homepage-slo-dashboard`, in the system's
 * namespace) for Grafana's dashboard sidecar: labelled `grafana_dashboard: "1"`, filed into a
 * folder by its `grafana_folder` annotation, its JSON under `<uid>.json`. The dashboard is built
 * with the Grafana Foundation SDK, keys sorted so that the same input gives the same bytes; its
 * uid is `<system>-<id>`, and every query runs on a `${datasource}` variable of type prometheus.
 * At synth, every query is parsed: a syntax error fails synthesis naming the dashboard, the panel
 * and the expression. See {@link SloDashboard}, {@link ServiceDashboard} and {@link DatabaseDashboard}.
 */
export abstract class GrafanaDashboard extends Construct implements IReliabilityFacts, IScrapeSelectors {
  /** The ConfigMap's name, `<system>-<id>`. */
  public readonly name: string;
  /** The namespace (the system's). */
  public readonly namespace: string;
  /** The dashboard's uid, `<system>-<id>`: its URL (`/d/<uid>`) on every Grafana. */
  public readonly uid: string;
  /** The dashboard's title. */
  public readonly title: string;
  /** The Grafana folder. */
  public readonly folder: string;
  /** The ConfigMap's data key, `<uid>.json` (the file name the sidecar writes). */
  public readonly dataKey: string;
  /** Labels of the ConfigMap: the recommended ones and the sidecar's. */
  public readonly labels: Readonly<Record<string, string>>;
  /** The system chart. */
  public readonly chart: SystemChart;

  /** Rule violations of the constructor; subclasses add theirs, then throw. */
  protected readonly violations: Violations;

  protected constructor(scope: Construct, id: string, props: GrafanaDashboardProps, defaultTitle: (system: string) => string) {
    super(scope, id);
    this.chart = SystemChart.of(this);
    const system = this.chart.system;
    this.name = resourceName(system, id);
    this.namespace = this.chart.namespaceName;
    this.uid = resourceName(system, id);
    this.title = props.title ?? defaultTitle(system);
    this.folder = props.folder ?? system;
    this.dataKey = `${this.uid}.json`;

    const v = (this.violations = new Violations(this));
    v.check(
      !isDnsLabel(id) || !isDnsLabel(this.name),
      'id',
      id,
      `gives the object name '${this.name}', which is not a DNS label of at most 63 characters`,
      'use a short lowercase id of letters, digits and dashes',
    );
    v.check(
      isDnsLabel(id) && this.uid.length > MAX_UID_LENGTH,
      'id',
      id,
      `gives the dashboard uid '${this.uid}', longer than Grafana's ${MAX_UID_LENGTH} characters`,
      'use a shorter id, e.g. slo-dashboard',
    );
    v.check(this.title.trim() === '', 'title', this.title, 'is empty', 'omit it for the default title, or name the dashboard');
    v.check(this.folder.trim() === '', 'folder', this.folder, 'is empty', "omit it for the system's folder, or name the folder");

    this.labels = {
      ...recommendedLabels({ system, component: id, environment: this.chart.environment.name, version: RELIAKIT_VERSION }),
      [GrafanaSidecar.LABEL]: GrafanaSidecar.LABEL_VALUE,
    };
    new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { ...this.labels },
        annotations: { [GrafanaSidecar.FOLDER_ANNOTATION]: this.folder },
      },
      // Lazy: rows are added after construction.
      data: Lazy.any({ produce: () => ({ [this.dataKey]: this.dashboardJson() }) }) as Record<string, string>,
    });
    recordCreationSite(this);
    this.node.addValidation({ validate: () => this.validateDashboard() });
  }

  /** Every query of every panel, in panel order (copies). */
  public get queries(): DashboardQuery[] {
    return dashboardQueries(this.spec()).map((q) => ({ ...q }));
  }

  /**
   * Every metric the dashboard queries, sorted: what Prometheus must scrape or record for no panel
   * to stay empty.
   */
  public get metrics(): string[] {
    return [...new Set(this.queries.flatMap((q) => metricNames(q.expr)))].sort();
  }

  /** The selectors of its queries. */
  public scrapeSelectors(): SelectorUse[] {
    return this.queries.flatMap((q) =>
      exprSelectorUses(this.node.path, `panel ${JSON.stringify(q.panel)} of row ${JSON.stringify(q.row)}`, q.expr),
    );
  }

  /** The dashboard JSON as stored in the ConfigMap (keys sorted, no timestamps, `id` null). */
  public dashboardJson(): string {
    return stableJson(renderDashboard(this.spec()));
  }

  /** The dashboard's content. */
  protected abstract spec(): DashboardSpec;

  /** Why the dashboard is empty, or undefined when it has something to show. */
  protected abstract emptyProblem(): string | undefined;

  private validateDashboard(): string[] {
    const empty = this.emptyProblem();
    if (empty !== undefined) return [`${this.node.path}: ${empty}`];
    return dashboardSyntaxErrors(this.spec()).map((e) => `${this.node.path}: ${e}`);
  }

  /** Title, uid, folder and how many metrics it reads, for the reliability report. */
  public reliabilityFacts(): ReliabilityFacts {
    return { dashboards: [{ title: this.title, uid: this.uid, folder: this.folder, metricCount: this.metrics.length }] };
  }
}
