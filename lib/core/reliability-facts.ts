import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';

// What a construct tells the system's reliability report (RELIABILITY.md) about itself. The report
// lives in the delivery layer, above every construct; instead of importing each construct class and
// asking `instanceof` (which tied delivery to every layer and closed an import ring through
// SystemChart), each construct publishes plain facts through IReliabilityFacts, defined here in the
// lowest layer. A new construct joins the report by implementing it; the report renders only facts.

/** An alert's urgency as the report shows it: the `severity` label and the plan's priority, if any. */
export interface SeverityFact {
  /** The `severity` label value (`critical`, `warning`, `info`). */
  readonly level: string;
  /** The plan's priority (`P1`–`P3`), if any. */
  readonly priority?: string;
}

/** One burn-rate tier of an SLO. */
export interface BurnRateFact {
  /** Long window, e.g. `1h`. */
  readonly long: string;
  /** Short window, e.g. `5m`. */
  readonly short: string;
  /** Burn-rate factor. */
  readonly factor: number;
  /** Error-ratio threshold both windows must exceed. */
  readonly threshold: number;
  /** The share of the SLO window's budget spent within `long` that fires it, in percent. */
  readonly budgetPercent: number;
  /** Whether it belongs to the page alert (else to the ticket alert). */
  readonly page: boolean;
  /** The tier's severity. */
  readonly severity: SeverityFact;
}

/** One SLO and its error budget. */
export interface SloFact {
  readonly name: string;
  /** The service it measures. */
  readonly service: string;
  /** Objective in percent. */
  readonly objective: number;
  /** The SLO window. */
  readonly window: Duration;
  /** The error budget as a ratio (0.001 for 99.9 %). */
  readonly errorBudget: number;
  /** Its burn-rate alert tiers. */
  readonly burnRates: readonly BurnRateFact[];
  /** Failed requests a tier's long window must hold before it fires (the low-traffic guard). */
  readonly minFailedEvents: number;
  /** The metrics it reads from the application (its app contract). */
  readonly reads?: readonly string[];
  /** A latency SLI's bucket (`le`) the app's histogram must have, and whether the stack declared the app's buckets. */
  readonly bucket?: { readonly le: string; readonly declared: boolean; readonly buckets?: readonly string[] };
}

/** One alerting rule. */
export interface AlertFact {
  readonly name: string;
  /** What it is about: its `service` label, else its rule group. */
  readonly subject?: string;
  readonly severity: SeverityFact;
  /** Hold time, if any. */
  readonly for?: Duration;
  readonly runbookUrl: string;
}

/** Where a namespace's alerts go. */
export interface AlertRoutingFact {
  readonly name: string;
  /** The namespace label the routes match. */
  readonly namespace: string;
  /** Severities (as shown: priority or level) sent to PagerDuty. */
  readonly pageSeverities: readonly string[];
  /** Severities sent as an email digest. */
  readonly digestSeverities: readonly string[];
  readonly groupBy: readonly string[];
  readonly repeatInterval: Duration;
  readonly inhibitsTicketsDuringPages: boolean;
}

/** A probe as the report shows it. */
export interface ProbeFact {
  /** What it checks, e.g. `HTTP GET /readyz on http`. */
  readonly description: string;
  readonly period: Duration;
  readonly timeout: Duration;
  readonly failureThreshold: number;
}

/** A stateless service: replicas, disruption budget, probes, shutdown timing. */
export interface ServiceFact {
  readonly name: string;
  /** Fixed replicas, when no HPA owns them. */
  readonly replicas?: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** The PDB, if the service has one. */
  readonly disruptionBudget?: { readonly minAvailable?: number | string; readonly maxUnavailable?: number | string };
  readonly readinessProbe: ProbeFact;
  readonly livenessProbe?: ProbeFact;
  readonly startupProbe?: ProbeFact;
  /** preStop sleep. */
  readonly preStop: Duration;
  readonly drainTimeout: Duration;
  readonly terminationGracePeriod: Duration;
  /** The per-pod custom metrics its HPA scales on, each with the counter it is the rate of. */
  readonly podsMetrics?: readonly { readonly name: string; readonly fromCounter: string }[];
  /** Where Prometheus scrapes its metrics (named port and path), if it is scraped. */
  readonly metricsEndpoint?: { readonly port: string; readonly path: string };
  /** Its environment variables' names, each with who set it (the stack, or a backing service's connection). */
  readonly env?: readonly { readonly name: string; readonly from: string }[];
}

/** A rate limit of a gateway, and what each Traefik replica enforces of it. */
export interface RateLimitFact {
  /** The Middleware object's name. */
  readonly middleware: string;
  /** The routes that apply it. */
  readonly routes: readonly string[];
  /** What is counted together, e.g. `client IP (X-Forwarded-For depth 1)`. */
  readonly countedPer: string;
  /** The limit as declared (the plan's). */
  readonly limit: { readonly average: number; readonly burst: number; readonly period: Duration };
  /** What each replica enforces (the whole limit when the count is shared). */
  readonly perReplica: { readonly average: number; readonly burst: number };
  /** Whether the replicas share one count (Redis). */
  readonly shared: boolean;
  /** The most the fleet admits per period while a client is spread evenly over the replicas. */
  readonly fleetAverage: number;
}

/** An edge gateway. */
export interface GatewayFact {
  readonly name: string;
  readonly hosts: readonly string[];
  readonly routes: readonly string[];
  readonly traefikReplicas: number;
  /** Proxies in front of Traefik whose X-Forwarded-For it trusts (the client-IP depth). */
  readonly trustedProxyHops: number;
  /** Every rate limit, once, with the routes applying it. */
  readonly rateLimits: readonly RateLimitFact[];
}

/** A PostgreSQL cluster. */
export interface DatabaseFact {
  readonly name: string;
  readonly majorVersion?: number;
  readonly instances: number;
  readonly maxConnections: number;
  readonly pooler?: { readonly instances: number; readonly defaultPoolSize: number; readonly poolMode: string };
  /** Its clients and the connections they may open. */
  readonly clients: readonly {
    readonly name: string;
    readonly maxReplicas: number;
    readonly poolSizePerPod: number;
    readonly via: string;
  }[];
  /** Continuous backup, if any. */
  readonly backup?: {
    readonly target: string;
    readonly schedule: string;
    readonly archiveTimeout: Duration;
    readonly rpo?: Duration;
    readonly retention: string;
  };
}

/** A Redis cache. */
export interface CacheFact {
  readonly name: string;
  readonly replicas: number;
  /** Sentinel quorum, when Sentinel manages failover. */
  readonly sentinelQuorum?: number;
  readonly persistent: boolean;
  readonly maxMemoryBytes: number;
}

/** A Grafana dashboard. */
export interface DashboardFact {
  readonly title: string;
  readonly uid: string;
  readonly folder: string;
  /** How many metrics its queries read. */
  readonly metricCount: number;
}

/** A chaos experiment. */
export interface ChaosFact {
  readonly name: string;
  readonly enabled: boolean;
  readonly engineNames: readonly string[];
  /** The system's schedule that runs the engines one at a time, when enabled. */
  readonly schedule?: { readonly cron: string; readonly runner: string; readonly pause: string };
}

/** A logical backup with its restore drill. */
export interface BackupFact {
  readonly name: string;
  /** What it dumps, as shown. */
  readonly source: string;
  readonly schedule: string;
  readonly timeZone: string;
  /** Retention, as shown. */
  readonly retention: string;
  readonly encrypted: boolean;
  readonly restoreDrillSchedule: string;
  /** Off-site copy, if any. */
  readonly offsite?: { readonly target: string; readonly schedule: string };
}

/**
 * A deliberate deviation from the system's plan: what the plan's section says, what the stack does
 * instead, and why. Stacks declare them with `SystemChart.addPlanDeviation`.
 */
export interface PlanDeviationFact {
  /** The plan's section, as the plan numbers it (`§4.2`, `Item 4.7.17`). */
  readonly section: string;
  /** What the plan asks for (`Service down: immediate, P1`). */
  readonly plan: string;
  /** What the stack does instead, naming the object (`TargetDown fires after 1 m`). */
  readonly chosen: string;
  /** Why. */
  readonly reason: string;
}

/** A restore drill of a database. */
export interface RestoreDrillFact {
  /** The database (CNPG Cluster) it restores. */
  readonly database: string;
  /**
   * `logical`: the newest dump restored into a throwaway server in the drill's own pod and compared
   * table by table; `physical`: a throwaway Cluster recovered from the WAL archive and base backups.
   */
  readonly kind: 'logical' | 'physical';
  /** Its CronJob. */
  readonly name: string;
  readonly schedule: string;
  readonly timeZone: string;
  /** The plan's RTO its time is alerted against, if any. */
  readonly rto?: Duration;
  /** The series (with its selector) holding its measured time, if any. */
  readonly measuredRtoMetric?: string;
}

/** A Polaris check an object is exempt from on purpose (lib/core/polaris-exemption.ts). */
export interface PolicyExemptionFact {
  /** `Kind name`. */
  readonly object: string;
  /** The Polaris check id. */
  readonly check: string;
  readonly reason: string;
}

/** Everything one construct contributes to the report; each section lists the facts of every construct in creation order. */
export interface ReliabilityFacts {
  readonly slos?: readonly SloFact[];
  readonly alerts?: readonly AlertFact[];
  readonly alertRoutings?: readonly AlertRoutingFact[];
  readonly services?: readonly ServiceFact[];
  readonly gateways?: readonly GatewayFact[];
  readonly databases?: readonly DatabaseFact[];
  readonly caches?: readonly CacheFact[];
  readonly dashboards?: readonly DashboardFact[];
  readonly chaosExperiments?: readonly ChaosFact[];
  readonly backups?: readonly BackupFact[];
  readonly deviations?: readonly PlanDeviationFact[];
  readonly restoreDrills?: readonly RestoreDrillFact[];
  readonly policyExemptions?: readonly PolicyExemptionFact[];
}

/** A construct that publishes facts for the reliability report. */
export interface IReliabilityFacts extends IConstruct {
  /** Its facts, read when the report is rendered (after every `add*` call). */
  reliabilityFacts(): ReliabilityFacts;
}

/** Whether `x` publishes reliability facts. */
export function hasReliabilityFacts(x: IConstruct): x is IReliabilityFacts {
  return typeof (x as Partial<IReliabilityFacts>).reliabilityFacts === 'function';
}

/** The facts a probe-like value shows: its description and timing. */
export function probeFact(p: {
  toString(): string;
  readonly timing: { period: Duration; timeout: Duration; failureThreshold: number };
}): ProbeFact {
  return { description: `${p}`, period: p.timing.period, timeout: p.timing.timeout, failureThreshold: p.timing.failureThreshold };
}
