import type { PostgresVolume } from '../../data/ha-postgres/spec';
import { cnpgInstancePods } from '../cnpg';
import { promNumber } from '../promql';

/** What the disk-use expression of a CNPG cluster is built from. */
export interface PostgresDiskInput {
  readonly namespace: string;
  /** The Cluster's name. */
  readonly cluster: string;
  /** Each instance's volumes. */
  readonly volumes: readonly PostgresVolume[];
  /** The used share, in percent, above which the alert fires. */
  readonly usedPercent: number;
}

/**
 * The volumes of a CNPG cluster more than `usedPercent` full, one series per instance volume
 * labelled `persistentvolumeclaim` (CNPG's claim names: `<pod>` and `<pod>-wal`).
 *
 * The kubelet reports `kubelet_volume_stats_*` only for volumes it mounts through a CSI driver or
 * a block device, never for a node-local (local-path, hostPath) one: such a volume is measured from
 * CloudNativePG's own exporter instead — the databases' size (`cnpg_pg_database_size_bytes`, the
 * default `pg_database` query) and the WAL directory's (`cnpg_collector_pg_wal{value="size"}`,
 * segments × wal_segment_size) — against the size the stack declares. Node filesystem metrics
 * would be the other way, but nothing at synth says which mount holds the provisioner's directory,
 * and they see the whole node's disk, not this database's share of it; the node's own free space is
 * the node-exporter alerts' concern. A local-path volume has no quota, so this is the plan's budget
 * being used up, the point to expand or clean up — before the node's disk is.
 */
export function postgresDiskUsageExpr(input: PostgresDiskInput): string {
  const ns = JSON.stringify(input.namespace);
  const m = `namespace=${ns},pod=~${JSON.stringify(cnpgInstancePods(input.cluster))}`;
  const ratio = promNumber(input.usedPercent / 100);
  const separateWal = input.volumes.some((v) => v.kind === 'wal');
  const wal = `sum by (namespace, pod) (cnpg_collector_pg_wal{${m},value="size"})`;
  const databases = `sum by (namespace, pod) (cnpg_pg_database_size_bytes{${m}})`;
  return input.volumes
    .map((v) => {
      const claimSuffix = v.kind === 'wal' ? '-wal' : '';
      if (!v.nodeLocal) {
        const claims = `namespace=${ns},persistentvolumeclaim=~${JSON.stringify(`${cnpgInstancePods(input.cluster)}${claimSuffix}`)}`;
        const by = 'by (namespace, persistentvolumeclaim)';
        return `min ${by} (kubelet_volume_stats_available_bytes{${claims}})\n/\nmax ${by} (kubelet_volume_stats_capacity_bytes{${claims}})\n< ${promNumber((100 - input.usedPercent) / 100)}`;
      }
      const used = v.kind === 'wal' ? wal : separateWal ? databases : `(\n    ${databases}\n    +\n    ${wal}\n  )`;
      return `label_replace(\n  ${used}\n  / ${v.sizeBytes}\n  > ${ratio},\n  "persistentvolumeclaim", "$1${claimSuffix}", "pod", "(.+)"\n)`;
    })
    .join('\nor\n');
}
