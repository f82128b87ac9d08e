import { k8s } from 'cdk8s-plus-28';
import { Duration } from 'cdk8s';
import { ContainerResources } from 'cdk8s-plus-28';
import { KubeJson } from '../../core/json';

/** Where the drill's ConfigMap is mounted. */
export const DRILL_DIR = '/drill';

/** Everything the objects of a PostgresRestoreDrill are rendered from, defaults applied. */
export interface RestoreDrillSpec {
  /** `<system>-<id>`: the CronJob, its ServiceAccount, Role, ConfigMap and NetworkPolicy. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly selector: Readonly<Record<string, string>>;
  /** The drilled Cluster. */
  readonly sourceCluster: string;
  /** The throwaway Cluster, `<source>-drill`, and its first (only) instance's pod. */
  readonly drillCluster: string;
  readonly drillPod: string;
  /** The application database the tables are counted in. */
  readonly database: string;
  readonly tables: readonly string[];
  readonly schedule: string;
  readonly timeZone: string;
  readonly rto: Duration;
  readonly timeout: Duration;
  readonly image: string;
  readonly resources: ContainerResources;
  /** The egress rule to the Kubernetes API server. */
  readonly apiServerEgress: k8s.NetworkPolicyEgressRule;
  /** The throwaway Cluster as applied (the CNPG Cluster's JSON). */
  readonly cluster: KubeJson;
}
