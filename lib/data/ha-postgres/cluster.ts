import { ObjectStoreProps } from '../../../imports/barman-objectstore-barmancloud.cnpg.io';
import {
  ClusterProps,
  ClusterSpecManaged,
  ClusterSpecManagedRolesEnsure,
  ClusterSpecPrimaryUpdateMethod,
  ClusterSpecPrimaryUpdateStrategy,
} from '../../../imports/cnpg-cluster-postgresql.cnpg.io';
import {
  ScheduledBackupProps,
  ScheduledBackupSpecBackupOwnerReference,
  ScheduledBackupSpecMethod,
  ScheduledBackupSpecTarget,
} from '../../../imports/cnpg-scheduledbackup-postgresql.cnpg.io';
import { PodMonitorProps } from '../../../imports/prometheus-podmonitor-monitoring.coreos.com';
import { toSecondsFirst } from '../../core/cron';
import { renderResources } from '../../core/resources';
import { wholeSeconds } from '../../core/units';
import { PostgresBackupMethod, PostgresStorageProps } from './props';
import { BARMAN_PLUGIN, PostgresSpec, postgresMetadata, ResolvedBackup, ResolvedBackupRole, withPolarisExemptions } from './spec';

/**
 * CNPG's managed roles, with a backup role: the read-only role dumps run as, and the owner stated
 * without CREATEDB. Restore drills used to restore into a scratch database on this server and
 * granted the owner CREATEDB for it; a role dropped from this list would keep that attribute, so
 * the owner stays listed, with `createdb: false`, which revokes it (its password is not managed
 * here and stays as bootstrapped).
 */
export function managedRoles(owner: string, backupRole: ResolvedBackupRole | undefined): ClusterSpecManaged | undefined {
  if (!backupRole) return undefined;
  return {
    roles: [
      {
        name: owner,
        ensure: ClusterSpecManagedRolesEnsure.PRESENT,
        login: true,
        inherit: true,
        createdb: false,
        comment: 'application owner; no CREATEDB: restore drills never touch this cluster',
      },
      {
        name: backupRole.name,
        ensure: ClusterSpecManagedRolesEnsure.PRESENT,
        login: true,
        inherit: true,
        // pg_read_all_data does not bypass row-level security, and pg_dump refuses a table whose
        // policies would hide rows from it rather than dump it partially.
        bypassrls: true,
        inRoles: ['pg_read_all_data'],
        passwordSecret: { name: backupRole.secretName },
        comment: 'logical dumps: reads every table, writes none',
      },
    ],
  };
}

/** The PostgreSQL parameters of the cluster's instances. */
export function clusterParameters(spec: PostgresSpec): Record<string, string> {
  const backup = spec.backup;
  return {
    // Dumps read a standby (backupSource()): without feedback, VACUUM on the primary removes rows
    // the dump's snapshot still needs and replay cancels the dump after max_standby_streaming_delay.
    ...(spec.backupRole && spec.instances > 1 ? { hot_standby_feedback: 'on' } : {}),
    ...spec.parameters,
    max_connections: String(spec.maxConnections),
    ...(backup ? { archive_timeout: `${wholeSeconds(backup.archiveTimeout)}s` } : {}),
  };
}

/** The Cluster. */
export function clusterProps(spec: PostgresSpec): ClusterProps {
  const backup = spec.backup;
  const parameters = clusterParameters(spec);
  const storage = (s: PostgresStorageProps) => ({ size: s.size.asString(), storageClass: s.storageClass?.name });
  const nodeLocal = [spec.storage, spec.walStorage].some((s) => s?.storageClass?.nodeLocal === true);
  return {
    metadata: withPolarisExemptions(postgresMetadata(spec, spec.name, true)),
    spec: {
      instances: spec.instances,
      priorityClassName: spec.priorityClass.name,
      imageName: spec.image,
      primaryUpdateStrategy: spec.primaryUpdateStrategy as string as ClusterSpecPrimaryUpdateStrategy,
      primaryUpdateMethod: spec.primaryUpdateMethod as string as ClusterSpecPrimaryUpdateMethod,
      // A single instance must not carry a PDB: it would block every node drain.
      enablePdb: spec.instances > 1,
      storage: storage(spec.storage),
      walStorage: spec.walStorage ? storage(spec.walStorage) : undefined,
      resources: renderResources(spec.resources) as never,
      postgresql: { parameters },
      managed: managedRoles(spec.owner, spec.backupRole),
      bootstrap: {
        initdb: {
          database: spec.database,
          owner: spec.owner,
          secret: spec.credentialsSecret ? { name: spec.credentialsSecret } : undefined,
          dataChecksums: true,
        },
      },
      // Preferred anti-affinity: standbys land on other nodes when there are any, and a small
      // cluster can still schedule (a required rule would leave an instance Pending). Not with
      // node-local volumes: they pin each instance to its node for good, so instances that once
      // shared a node would share it forever; required instead (a Pending standby is visible).
      affinity: {
        enablePodAntiAffinity: true,
        podAntiAffinityType: nodeLocal ? 'required' : 'preferred',
        topologyKey: 'kubernetes.io/hostname',
      },
      topologySpreadConstraints: spec.spreadAcrossZones
        ? [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway' as never,
              labelSelector: { matchLabels: { 'cnpg.io/cluster': spec.name } },
            },
          ]
        : undefined,
      // The plugin's ObjectStore has the cluster's name.
      plugins:
        backup?.method === PostgresBackupMethod.BARMAN_CLOUD_PLUGIN
          ? [{ name: BARMAN_PLUGIN, isWalArchiver: true, parameters: { barmanObjectName: spec.name } }]
          : undefined,
      backup:
        backup?.method === PostgresBackupMethod.IN_TREE_BARMAN_OBJECT_STORE
          ? { barmanObjectStore: barmanConfiguration(backup) as never, retentionPolicy: backup.retention }
          : undefined,
    },
  };
}

/** The Barman object store configuration shared by the plugin's ObjectStore and the in-tree field. */
export function barmanConfiguration(b: ResolvedBackup): Record<string, unknown> {
  // Barman sends the header on every upload; `bucket-default` and `none` send none.
  const encryption = b.encryption === 'AES256' || b.encryption === 'aws:kms' ? b.encryption : undefined;
  return {
    destinationPath: b.target.url,
    endpointUrl: b.target.endpoint,
    s3Credentials: {
      accessKeyId: { name: b.target.accessKeyId.name, key: b.target.accessKeyId.key },
      secretAccessKey: { name: b.target.secretAccessKey.name, key: b.target.secretAccessKey.key },
    },
    wal: { compression: b.walCompression, encryption, maxParallel: b.maxParallel },
    data: { compression: b.dataCompression, encryption, jobs: b.maxParallel },
  };
}

/** The Barman Cloud plugin's ObjectStore (plugin method only). */
export function objectStoreProps(spec: PostgresSpec, backup: ResolvedBackup): ObjectStoreProps {
  return {
    metadata: postgresMetadata(spec, spec.name, true),
    spec: { configuration: barmanConfiguration(backup) as never, retentionPolicy: backup.retention },
  };
}

export function scheduledBackupProps(spec: PostgresSpec, backup: ResolvedBackup): ScheduledBackupProps {
  const plugin = backup.method === PostgresBackupMethod.BARMAN_CLOUD_PLUGIN;
  return {
    metadata: postgresMetadata(spec, spec.name),
    spec: {
      cluster: { name: spec.name },
      schedule: toSecondsFirst(backup.schedule),
      method: plugin ? ScheduledBackupSpecMethod.PLUGIN : ScheduledBackupSpecMethod.BARMAN_OBJECT_STORE,
      pluginConfiguration: plugin ? { name: BARMAN_PLUGIN } : undefined,
      // Backups read from a standby when one is healthy, sparing the primary's I/O.
      target: ScheduledBackupSpecTarget.PREFER_HYPHEN_STANDBY,
      immediate: backup.immediate,
      backupOwnerReference: ScheduledBackupSpecBackupOwnerReference.SELF,
    },
  };
}

/** The PodMonitor of the PostgreSQL instances. */
export function instancePodMonitorProps(spec: PostgresSpec): PodMonitorProps {
  return {
    metadata: postgresMetadata(spec, spec.name),
    spec: {
      selector: { matchLabels: { 'cnpg.io/cluster': spec.name, 'cnpg.io/podRole': 'instance' } },
      podMetricsEndpoints: [{ port: 'metrics' }],
    },
  };
}
