/**
 * A Kubernetes StorageClass as the data constructs need to know it: its name, and whether its
 * volumes live on one node's disk. A node-local volume (rancher's local-path, OpenEBS hostpath,
 * static local PersistentVolumes) pins its pod to that node for good, and the kubelet reports no
 * `kubelet_volume_stats_*` for it; so the constructs require their pods on separate nodes and
 * alert on disk use from their own exporters instead.
 */
export class StorageClass {
  /** Rancher's local-path provisioner (k3s's default class): a directory on the node. */
  public static localPath(): StorageClass {
    return new StorageClass('local-path', true);
  }

  /** Another class whose volumes live on one node (e.g. `openebs-hostpath`, `local-storage`). */
  public static nodeLocal(name: string): StorageClass {
    return new StorageClass(name, true);
  }

  /** A class whose volumes follow their pod to another node (network block or file storage: EBS, Ceph RBD, Longhorn). */
  public static named(name: string): StorageClass {
    return new StorageClass(name, false);
  }

  private constructor(
    /** `storageClassName`. */
    public readonly name: string,
    /** Whether a volume pins its pod to one node. */
    public readonly nodeLocal: boolean,
  ) {}

  public toString(): string {
    return this.nodeLocal ? `${this.name} (node-local)` : this.name;
  }
}
