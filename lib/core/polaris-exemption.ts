/**
 * Fairwinds Polaris checks (default configuration) a Reliakit object answers differently on
 * purpose, each with why. A construct puts the exemption annotation Polaris honours
 * (`polaris.fairwinds.com/<check>-exempt: "true"`) on the object it makes (for a CNPG Cluster or
 * Pooler, the object Polaris resolves the pods to) and lists it in the reliability report.
 * `test/stacks/production-review-polaris.test.ts` audits every tree and accepts no other failure.
 */
export class PolarisExemption {
  /**
   * No CPU limits anywhere (house style): a CFS quota throttles a container in 100 ms periods even
   * on an idle node, which surfaces as tail latency and probe timeouts; the CPU request already
   * guarantees the container its share under contention, and the memory limit bounds what cannot
   * be shared.
   */
  public static readonly NO_CPU_LIMIT = new PolarisExemption(
    'cpuLimitsMissing',
    'no CPU limits by rule: a CFS quota throttles even on an idle node (tail latency, probe timeouts); the CPU request guarantees the share',
  );
  /**
   * Images are pinned to a version tag (rejected at synth otherwise), so `IfNotPresent` pulls each
   * version once; a rescheduled pod starts from the node's cache, and a registry outage cannot
   * stop a failover, which `Always` would make depend on the registry.
   */
  public static readonly PINNED_IMAGES = new PolarisExemption(
    'pullPolicyNotAlways',
    'images are pinned to a version tag; IfNotPresent lets a failover start without the registry',
  );
  /**
   * `app.kubernetes.io/instance` is `<name>-<environment>` on every object (house style 9), the
   * installation across environments, and part of the immutable Deployment and StatefulSet
   * selectors; Polaris wants it equal to `metadata.name`.
   */
  public static readonly INSTANCE_LABEL = new PolarisExemption(
    'metadataAndInstanceMismatched',
    'app.kubernetes.io/instance is `<name>-<environment>` on every object and part of immutable selectors',
  );
  /**
   * Polaris accepts only a NetworkPolicy whose `podSelector.matchLabels` names exactly one of the
   * pod's labels and that has both ingress and egress rules. Reliakit selects pods on two labels
   * (name and instance; CNPG pods on `cnpg.io/*` labels), and a pod that accepts no traffic has the
   * Ingress policy type with no rule (deny all). The NetworkPolicy invariants of test/stacks check
   * that every pod is selected and every flow is allowed instead.
   */
  public static readonly NETWORK_POLICY_SHAPE = new PolarisExemption(
    'missingNetworkPolicy',
    'selected by a two-label (or CNPG label) NetworkPolicy; Polaris accepts only a single-label selector with ingress and egress rules',
  );
  /**
   * The HorizontalPodAutoscaler owns the replica count (its minReplicas ≥ 2 in production): a
   * `replicas` field in Git would reset it to that number on every Flux apply.
   */
  public static readonly HPA_OWNS_REPLICAS = new PolarisExemption(
    'deploymentMissingReplicas',
    'the HorizontalPodAutoscaler owns the replica count; replicas in Git would reset it on every apply',
  );
  /** The stack asked for one replica (`singleReplica`): the check's own finding, accepted there. */
  public static readonly SINGLE_REPLICA = new PolarisExemption(
    'deploymentMissingReplicas',
    'singleReplica: one replica by the stack’s choice',
  );
  /** One replica has no disruption budget: a budget on one pod blocks every node drain. */
  public static readonly SINGLE_REPLICA_NO_PDB = new PolarisExemption(
    'missingPodDisruptionBudget',
    'singleReplica: a PodDisruptionBudget on one pod blocks every node drain',
  );
  /**
   * CNPG's instance manager in every PostgreSQL and PgBouncer pod reads its Cluster or Pooler and
   * their Secrets through the Kubernetes API with the pod's token (CNPG makes the ServiceAccount and
   * its Role); the pods cannot run without it.
   */
  public static readonly CNPG_INSTANCE_MANAGER = new PolarisExemption(
    'automountServiceAccountToken',
    "CNPG's instance manager reads its Cluster/Pooler and Secrets through the API with the pod's token",
  );
  /** The chaos schedule starts and stops ChaosEngines through the API; its Role allows only that. */
  public static readonly CHAOS_RUNNER = new PolarisExemption(
    'automountServiceAccountToken',
    'the schedule patches ChaosEngines through the API; its Role allows only that',
  );

  /**
   * The physical restore drill creates, watches and deletes its throwaway Cluster through the API;
   * its Role allows only that (and exec into the drill's own pod).
   */
  public static readonly RESTORE_DRILL_API = new PolarisExemption(
    'automountServiceAccountToken',
    'the physical drill creates, watches and deletes its throwaway Cluster through the API; its Role allows only that',
  );
  /**
   * The physical drill counts the restored tables with psql inside the throwaway Cluster's pod:
   * `pods/exec` is granted on that one pod name (`<db>-drill-1`, resourceNames), never on a
   * production pod.
   */
  public static readonly RESTORE_DRILL_EXEC_ROLE = new PolarisExemption(
    'rolePodExecAttach',
    'exec only into the throwaway drill Cluster’s pod (resourceNames), to count the restored rows',
  );
  /** The binding of {@link RESTORE_DRILL_EXEC_ROLE}'s Role to the drill's ServiceAccount. */
  public static readonly RESTORE_DRILL_EXEC_BINDING = new PolarisExemption(
    'rolebindingRolePodExecAttach',
    'binds the drill’s Role, whose exec is limited to the throwaway drill Cluster’s pod',
  );
  /**
   * A gateway's route on the HTTP entry point only redirects (permanently) to HTTPS and reaches no
   * service (`noop@internal`): TLS on it would be the HTTPS route.
   */
  public static readonly HTTPS_REDIRECT_ROUTE = new PolarisExemption(
    'tlsSettingsMissing',
    'the HTTP entry point’s route only redirects to HTTPS and reaches no service',
  );

  private constructor(
    /** The Polaris check id. */
    public readonly check: string,
    /** Why, as the reliability report shows it. */
    public readonly reason: string,
  ) {}

  /** The annotation Polaris reads. */
  public get annotation(): string {
    return `polaris.fairwinds.com/${this.check}-exempt`;
  }
}

/** Every workload controller's exemptions: Reliakit's house rules. */
export const WORKLOAD_EXEMPTIONS: readonly PolarisExemption[] = [
  PolarisExemption.NO_CPU_LIMIT,
  PolarisExemption.INSTANCE_LABEL,
  PolarisExemption.NETWORK_POLICY_SHAPE,
  PolarisExemption.PINNED_IMAGES,
];

/** The annotations of `exemptions`, sorted by key (deterministic output). */
export function polarisAnnotations(exemptions: readonly PolarisExemption[]): Record<string, string> {
  return Object.fromEntries(
    exemptions
      .map((e) => e.annotation)
      .sort()
      .map((a) => [a, 'true']),
  );
}

/** The report's fact of one object's exemptions. */
export function polarisExemptionFacts(
  object: string,
  exemptions: readonly PolarisExemption[],
): Array<{ readonly object: string; readonly check: string; readonly reason: string }> {
  return exemptions.map((e) => ({ object, check: e.check, reason: e.reason }));
}
