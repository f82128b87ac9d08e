import { PriorityClass } from '../../core/priority-class';
import { ContainerResources } from 'cdk8s-plus-28';
import { SecretKeyReference } from '../backup-target';

export const REDIS_PORT = 6379;
export const SENTINEL_PORT = 26379;
export const EXPORTER_PORT = 9121;
/** Marks the headless Service, so the ServiceMonitor scrapes each pod once. */
export const HEADLESS_LABEL = 'reliakit.dev/headless';
export const DEFAULT_SNAPSHOTS: readonly string[] = ['3600 1', '300 100', '60 10000'];

/** Resolved sentinel settings. */
export interface ResolvedSentinel {
  readonly replicas: number;
  readonly quorum: number;
  readonly masterSet: string;
  readonly downAfterMilliseconds: number;
}

/** Resolved persistence settings. */
export interface ResolvedPersistence {
  /** Volume size per pod, e.g. `2Gi`. */
  readonly size: string;
  readonly storageClass: string | undefined;
  /** Whether the class's volumes live on one node (then each pod requires a node of its own). */
  readonly nodeLocal: boolean;
  readonly snapshots: readonly string[];
  readonly appendOnly: boolean;
}

/** Everything the Kubernetes objects of a RedisCache are rendered from, defaults applied. */
export interface RedisSpec {
  /** `<system>-<id>`: the StatefulSet, ConfigMap, ServiceAccount and client Service. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly selector: Readonly<Record<string, string>>;
  readonly image: string;
  readonly exporterImage: string;
  readonly resources: ContainerResources;
  readonly maxMemoryBytes: number;
  readonly evictionPolicy: string;
  /** Redis pods. */
  readonly replicas: number;
  readonly sentinel: ResolvedSentinel | undefined;
  readonly persistence: ResolvedPersistence | undefined;
  readonly password: SecretKeyReference | undefined;
  readonly prometheusNamespace: string;
  /** The pods' PriorityClass. */
  readonly priorityClass: PriorityClass;
}

export function redisMetadata(
  spec: Pick<RedisSpec, 'namespace' | 'labels'>,
  name: string,
): { name: string; namespace: string; labels: Record<string, string> } {
  return { name, namespace: spec.namespace, labels: { ...spec.labels } };
}
