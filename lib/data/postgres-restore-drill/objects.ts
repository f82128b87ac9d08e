import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { stringify } from 'yaml';
import { dnsEgressRule } from '../../core/network';
import { PolarisExemption, polarisAnnotations, WORKLOAD_EXEMPTIONS } from '../../core/polaris-exemption';
import { PriorityClass } from '../../core/priority-class';

/** The drill CronJob's Polaris exemptions: the house rules, and the token it drives its Cluster with. */
export const DRILL_CRONJOB_EXEMPTIONS: readonly PolarisExemption[] = [...WORKLOAD_EXEMPTIONS, PolarisExemption.RESTORE_DRILL_API];
import { renderResources } from '../../core/resources';
import { DEFAULT_UID, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../core/security';
import { wholeSeconds } from '../../core/units';
import { physicalDrillScript } from './script';
import { DRILL_DIR, RestoreDrillSpec } from './spec';

const CNPG_GROUP = 'postgresql.cnpg.io';

function metadata(spec: RestoreDrillSpec): { name: string; namespace: string; labels: Record<string, string> } {
  return { name: spec.name, namespace: spec.namespace, labels: { ...spec.labels } };
}

/** The ConfigMap: the throwaway Cluster's manifest and the script that applies, checks and deletes it. */
export function drillConfigMapProps(spec: RestoreDrillSpec): k8s.KubeConfigMapProps {
  return {
    metadata: metadata(spec),
    data: { 'cluster.yaml': stringify(spec.cluster, { lineWidth: 0 }), 'drill.sh': physicalDrillScript(DRILL_DIR) },
  };
}

/**
 * The drill's rights: create Clusters (creation cannot be limited to a name), and only on its own
 * Cluster and that Cluster's first pod everything else — read, watch, delete, exec into it.
 */
export function drillRoleProps(spec: RestoreDrillSpec): k8s.KubeRoleProps {
  return {
    metadata: { ...metadata(spec), annotations: polarisAnnotations([PolarisExemption.RESTORE_DRILL_EXEC_ROLE]) },
    rules: [
      { apiGroups: [CNPG_GROUP], resources: ['clusters'], verbs: ['create'] },
      { apiGroups: [CNPG_GROUP], resources: ['clusters'], resourceNames: [spec.drillCluster], verbs: ['get', 'list', 'watch', 'delete'] },
      { apiGroups: [''], resources: ['pods'], resourceNames: [spec.drillPod], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods/exec'], resourceNames: [spec.drillPod], verbs: ['create'] },
    ],
  };
}

export function drillRoleBindingProps(spec: RestoreDrillSpec): k8s.KubeRoleBindingProps {
  return {
    metadata: { ...metadata(spec), annotations: polarisAnnotations([PolarisExemption.RESTORE_DRILL_EXEC_BINDING]) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: spec.name },
    subjects: [{ kind: 'ServiceAccount', name: spec.name, namespace: spec.namespace }],
  };
}

/** The CronJob; its Jobs' durations (kube-state-metrics) are the measured RTO. */
export function drillCronJobProps(spec: RestoreDrillSpec): k8s.KubeCronJobProps {
  const timeout = wholeSeconds(spec.timeout) as number;
  const env: k8s.EnvVar[] = [
    { name: 'NAMESPACE', value: spec.namespace },
    { name: 'SOURCE_CLUSTER', value: spec.sourceCluster },
    { name: 'DRILL_CLUSTER', value: spec.drillCluster },
    { name: 'DRILL_POD', value: spec.drillPod },
    { name: 'DATABASE', value: spec.database },
    { name: 'DRILL_TABLES', value: spec.tables.join(' ') },
    { name: 'WAIT_SECONDS', value: String(timeout) },
    { name: 'RTO_SECONDS', value: String(wholeSeconds(spec.rto)) },
    { name: 'HOME', value: '/tmp' },
  ];
  return {
    // Reliakit's house rules, and the API token the drill needs (lib/core/polaris-exemption.ts).
    metadata: { ...metadata(spec), annotations: polarisAnnotations(DRILL_CRONJOB_EXEMPTIONS) },
    spec: {
      schedule: spec.schedule,
      timeZone: spec.timeZone,
      // One drill at a time: two would fight over the one drill Cluster name.
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: wholeSeconds(Duration.minutes(30)),
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels: { ...spec.labels } },
        spec: {
          // No retry: a retried drill's Job would report the retries' time as the restore's.
          backoffLimit: 0,
          // The wait, plus deleting a leftover Cluster (≤ 10 min) and counting the tables.
          activeDeadlineSeconds: timeout + wholeSeconds(Duration.minutes(30))!,
          template: {
            metadata: { labels: { ...spec.labels } },
            spec: {
              serviceAccountName: spec.name,
              priorityClassName: PriorityClass.BATCH.name,
              // kubectl authenticates with the ServiceAccount's token.
              automountServiceAccountToken: true,
              enableServiceLinks: false,
              restartPolicy: 'Never',
              securityContext: restrictedPodSecurityContext({ runAsUser: DEFAULT_UID, runAsGroup: DEFAULT_UID, fsGroup: DEFAULT_UID }),
              containers: [
                {
                  name: 'drill',
                  image: spec.image,
                  imagePullPolicy: 'IfNotPresent',
                  command: ['/bin/sh', `${DRILL_DIR}/drill.sh`],
                  env,
                  resources: renderResources(spec.resources),
                  securityContext: restrictedContainerSecurityContext(),
                  volumeMounts: [
                    { name: 'drill', mountPath: DRILL_DIR, readOnly: true },
                    { name: 'tmp', mountPath: '/tmp' },
                  ],
                  terminationMessagePolicy: 'FallbackToLogsOnError',
                },
              ],
              volumes: [
                { name: 'drill', configMap: { name: spec.name, defaultMode: 0o444 } },
                { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
              ],
            },
          },
        },
      },
    },
  };
}

/** Nothing connects to the drill; it reaches DNS and the API server only — never a database. */
export function drillNetworkPolicyProps(spec: RestoreDrillSpec): k8s.KubeNetworkPolicyProps {
  return {
    metadata: metadata(spec),
    spec: {
      podSelector: { matchLabels: { ...spec.selector } },
      policyTypes: ['Ingress', 'Egress'],
      egress: [dnsEgressRule(), spec.apiServerEgress],
    },
  };
}
