import { PolarisExemption, polarisAnnotations, WORKLOAD_EXEMPTIONS } from '../../core/polaris-exemption';
import { PriorityClass } from '../../core/priority-class';
import { Duration } from 'cdk8s';
import { ContainerResources } from 'cdk8s-plus-28';
import { BackupTarget, ServerSideEncryption } from '../backup-target';
import { SecretStore } from '../synced-secret';
import { Annotations } from '../../core/conventions';
import { sizeBytes } from '../../core/units';
import {
  ConnectionRoute,
  DataCompression,
  PoolMode,
  PostgresBackupMethod,
  PostgresStorageProps,
  PrimaryUpdateMethod,
  PrimaryUpdateStrategy,
  WalCompression,
} from './props';

/** The PostgreSQL port. */
export const POSTGRES_PORT = 5432;
/** The CNPG instance manager's status port, which the operator polls. */
export const INSTANCE_MANAGER_PORT = 8000;
/** The CNPG metrics exporter port (instances and poolers). */
export const METRICS_PORT = 9187;
/** The PgBouncer exporter port of CNPG poolers. */
export const POOLER_METRICS_PORT = 9127;
/** Connections PostgreSQL keeps for superusers (`superuser_reserved_connections`, CNPG default 3). */
export const SUPERUSER_RESERVED = 3;
export const BARMAN_PLUGIN = 'barman-cloud.cloudnative-pg.io';

/** One volume of every instance, as the disk alerts see it. */
export interface PostgresVolume {
  /** `data` (PGDATA, and the WAL unless it has its own) or `wal`. */
  readonly kind: 'data' | 'wal';
  /** The declared size in bytes. */
  readonly sizeBytes: number;
  /** Whether its class is node-local (no kubelet volume stats; pins the instance to its node). */
  readonly nodeLocal: boolean;
}

/** The volumes of each instance: data, and WAL when it has its own. */
export function postgresVolumes(spec: Pick<PostgresSpec, 'storage' | 'walStorage'>): PostgresVolume[] {
  const volume = (kind: 'data' | 'wal', s: PostgresStorageProps): PostgresVolume => ({
    kind,
    sizeBytes: sizeBytes(s.size),
    nodeLocal: s.storageClass?.nodeLocal ?? false,
  });
  return [volume('data', spec.storage), ...(spec.walStorage ? [volume('wal', spec.walStorage)] : [])];
}

/** Resolved backup settings. */
export interface ResolvedBackup {
  readonly target: BackupTarget;
  readonly retention: string;
  readonly schedule: string;
  readonly method: PostgresBackupMethod;
  readonly walCompression: WalCompression;
  readonly dataCompression: DataCompression;
  readonly encryption: ServerSideEncryption;
  readonly maxParallel: number;
  readonly immediate: boolean;
  readonly archiveTimeout: Duration;
  readonly rpo: Duration | undefined;
}

/** Resolved pooler settings. */
export interface ResolvedPooler {
  readonly instances: number;
  readonly poolMode: PoolMode;
  readonly defaultPoolSize: number;
  readonly maxClientConnections: number;
  readonly readOnly: boolean;
  readonly parameters: Readonly<Record<string, string>>;
  readonly resources: ContainerResources;
  readonly image: string;
}

/** The read-only backup role, resolved. */
export interface ResolvedBackupRole {
  /** The PostgreSQL role. */
  readonly name: string;
  /** The basic-auth Secret CNPG reads its password from (`<cluster>-backup-role`). */
  readonly secretName: string;
  readonly store: SecretStore;
  readonly remoteKey: string;
  readonly property: string;
}

/** Everything the Kubernetes objects of an HAPostgres are rendered from, defaults applied. */
export interface PostgresSpec {
  /** `<system>-<id>`: the Cluster, and the prefix of its Services. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly image: string;
  readonly instances: number;
  readonly maxConnections: number;
  /** The further PostgreSQL parameters as given (max_connections is added from `maxConnections`). */
  readonly parameters: Readonly<Record<string, string>> | undefined;
  readonly database: string;
  readonly owner: string;
  /** The owner's Secret when given; CNPG generates `<name>-app` otherwise. */
  readonly credentialsSecret: string | undefined;
  readonly storage: PostgresStorageProps;
  readonly walStorage: PostgresStorageProps | undefined;
  readonly resources: ContainerResources;
  readonly spreadAcrossZones: boolean;
  /** The PriorityClass of the instances and the poolers. */
  readonly priorityClass: PriorityClass;
  readonly primaryUpdateStrategy: PrimaryUpdateStrategy;
  readonly primaryUpdateMethod: PrimaryUpdateMethod;
  readonly backup: ResolvedBackup | undefined;
  readonly pooler: ResolvedPooler | undefined;
  readonly backupRole: ResolvedBackupRole | undefined;
  readonly prometheusNamespace: string;
  readonly operatorNamespace: string;
}

/** A registered client as the connection budget sees it. */
export interface ClientDemand {
  readonly name: string;
  readonly poolSizePerPod: number;
  readonly maxReplicas: number;
  readonly via: ConnectionRoute;
}

/** Object metadata; `stateful` objects carry Flux's prune opt-out. */
export function postgresMetadata(
  spec: Pick<PostgresSpec, 'namespace' | 'labels'>,
  name: string,
  stateful = false,
): {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
} {
  return {
    name,
    namespace: spec.namespace,
    labels: { ...spec.labels },
    // Flux must never delete a database or its backups because an object left the Git tree.
    ...(stateful ? { annotations: { [Annotations.FLUX_PRUNE]: 'disabled' } } : {}),
  };
}

/**
 * The Polaris checks a CNPG Cluster and its Poolers are exempt from, with why: Reliakit's house
 * rules, and the API token CNPG's instance manager needs in every instance and PgBouncer pod. A live
 * Polaris audit resolves those pods to the Cluster or Pooler, so the annotations go there.
 */
export const CNPG_POLARIS_EXEMPTIONS: readonly PolarisExemption[] = [...WORKLOAD_EXEMPTIONS, PolarisExemption.CNPG_INSTANCE_MANAGER];

/** `metadata` plus the Polaris exemption annotations of a CNPG Cluster or Pooler. */
export function withPolarisExemptions<M extends { annotations?: Record<string, string> }>(metadata: M): M {
  return { ...metadata, annotations: { ...metadata.annotations, ...polarisAnnotations(CNPG_POLARIS_EXEMPTIONS) } };
}
