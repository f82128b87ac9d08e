import { ClusterProps } from '../../../imports/cnpg-cluster-postgresql.cnpg.io';
import { renderResources } from '../../core/resources';
import { clusterParameters } from './cluster';
import { PostgresStorageProps } from './props';
import { BARMAN_PLUGIN, PostgresSpec } from './spec';

/** The name the recovery source has inside a recovered Cluster. */
export const RECOVERY_SOURCE = 'origin';

/**
 * A one-instance Cluster `name` bootstrapped by recovery from `spec`'s Barman Cloud ObjectStore:
 * its newest base backup, then every archived WAL segment (no recovery target), as a real restore
 * would. Same image, volumes, resources and parameters as the source, so the time it takes is the
 * time a restore takes. It archives nothing: no plugin entry, so it can never write into the
 * source's archive.
 */
export function recoveryClusterProps(spec: PostgresSpec, name: string, labels: Readonly<Record<string, string>>): ClusterProps {
  const storage = (s: PostgresStorageProps) => ({ size: s.size.asString(), storageClass: s.storageClass?.name });
  return {
    metadata: { name, namespace: spec.namespace, labels: { ...labels } },
    spec: {
      instances: 1,
      imageName: spec.image,
      enablePdb: false,
      storage: storage(spec.storage),
      walStorage: spec.walStorage ? storage(spec.walStorage) : undefined,
      resources: renderResources(spec.resources) as never,
      postgresql: { parameters: clusterParameters(spec) },
      bootstrap: { recovery: { source: RECOVERY_SOURCE } },
      externalClusters: [
        {
          name: RECOVERY_SOURCE,
          plugin: { name: BARMAN_PLUGIN, parameters: { barmanObjectName: spec.name, serverName: spec.name } },
        },
      ],
    },
  };
}
