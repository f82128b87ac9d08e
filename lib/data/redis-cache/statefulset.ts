import { polarisAnnotations, WORKLOAD_EXEMPTIONS } from '../../core/polaris-exemption';
import { Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Annotations } from '../../core/conventions';
import { renderResources } from '../../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../core/security';
import { EXPORTER_PORT, REDIS_PORT, RedisSpec, redisMetadata, SENTINEL_PORT } from './spec';

/** The password for redis and redis-cli, when there is one. */
export function passwordEnv(spec: Pick<RedisSpec, 'password'>): k8s.EnvVar[] {
  return spec.password
    ? [
        { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: spec.password.name, key: spec.password.key } } },
        // redis-cli reads the password from REDISCLI_AUTH, keeping it off the command line.
        { name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: spec.password.name, key: spec.password.key } } },
      ]
    : [];
}

/** The pod's containers: redis, the sentinel in replicated mode, and the exporter. */
export function redisContainers(spec: RedisSpec): k8s.Container[] {
  const password = passwordEnv(spec);
  const secured = restrictedContainerSecurityContext();
  const cli = (port: number) => ['sh', '-c', `redis-cli -p ${port} ping | grep -q PONG`];
  const containers: k8s.Container[] = [
    {
      name: 'redis',
      image: spec.image,
      imagePullPolicy: 'IfNotPresent',
      command: ['redis-server', '/work/redis.conf'],
      ports: [{ name: 'redis', containerPort: REDIS_PORT, protocol: 'TCP' }],
      env: password.length > 0 ? password : undefined,
      resources: renderResources(spec.resources),
      readinessProbe: { exec: { command: cli(REDIS_PORT) }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
      livenessProbe: {
        tcpSocket: { port: k8s.IntOrString.fromString('redis') },
        initialDelaySeconds: 10,
        periodSeconds: 10,
        timeoutSeconds: 3,
        failureThreshold: 6,
      },
      securityContext: secured,
      volumeMounts: [
        { name: 'data', mountPath: '/data' },
        { name: 'work', mountPath: '/work' },
      ],
      terminationMessagePolicy: 'FallbackToLogsOnError',
    },
  ];
  if (spec.sentinel) {
    containers.push({
      name: 'sentinel',
      image: spec.image,
      imagePullPolicy: 'IfNotPresent',
      command: ['redis-server', '/work/sentinel.conf', '--sentinel'],
      ports: [{ name: 'sentinel', containerPort: SENTINEL_PORT, protocol: 'TCP' }],
      env: password.length > 0 ? password : undefined,
      resources: {
        requests: { cpu: k8s.Quantity.fromString('20m'), memory: k8s.Quantity.fromString('32Mi') },
        limits: { memory: k8s.Quantity.fromString('64Mi') },
      },
      readinessProbe: { exec: { command: cli(SENTINEL_PORT) }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
      livenessProbe: {
        tcpSocket: { port: k8s.IntOrString.fromString('sentinel') },
        initialDelaySeconds: 10,
        periodSeconds: 10,
        timeoutSeconds: 3,
        failureThreshold: 6,
      },
      securityContext: secured,
      volumeMounts: [{ name: 'work', mountPath: '/work' }],
      terminationMessagePolicy: 'FallbackToLogsOnError',
    });
  }
  containers.push({
    name: 'exporter',
    image: spec.exporterImage,
    imagePullPolicy: 'IfNotPresent',
    env: [{ name: 'REDIS_ADDR', value: `redis://localhost:${REDIS_PORT}` }, ...password.slice(0, 1)],
    ports: [{ name: 'metrics', containerPort: EXPORTER_PORT, protocol: 'TCP' }],
    resources: {
      requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') },
      limits: { memory: k8s.Quantity.fromString('64Mi') },
    },
    readinessProbe: { httpGet: { path: '/health', port: k8s.IntOrString.fromString('metrics') }, periodSeconds: 10, timeoutSeconds: 3 },
    livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('metrics') }, periodSeconds: 20, timeoutSeconds: 3 },
    securityContext: secured,
    terminationMessagePolicy: 'FallbackToLogsOnError',
  });
  return containers;
}

/** The init container rendering the config (with the password and replication settings) into /work. */
export function configInitContainer(spec: RedisSpec): k8s.Container {
  return {
    name: 'config',
    image: spec.image,
    imagePullPolicy: 'IfNotPresent',
    command: ['sh', '/config/init.sh'],
    env: [{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }, ...passwordEnv(spec)],
    resources: {
      requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('16Mi') },
      limits: { memory: k8s.Quantity.fromString('32Mi') },
    },
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [
      { name: 'config', mountPath: '/config', readOnly: true },
      { name: 'work', mountPath: '/work' },
    ],
  };
}

export function redisPodSpec(spec: RedisSpec): k8s.PodSpec {
  const spread = (topologyKey: string) => ({
    topologyKey,
    maxSkew: 1,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: { ...spec.selector } },
  });
  return {
    serviceAccountName: spec.name,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    priorityClassName: spec.priorityClass.name,
    // The official image's `redis` user.
    securityContext: restrictedPodSecurityContext({ runAsUser: 999, runAsGroup: 999, fsGroup: 999 }),
    terminationGracePeriodSeconds: 30,
    initContainers: [configInitContainer(spec)],
    containers: redisContainers(spec),
    // Also for one pod: harmless, and the spread holds once replicas are added.
    topologySpreadConstraints: [spread('kubernetes.io/hostname'), spread('topology.kubernetes.io/zone')],
    // A node-local volume pins its pod to its node for good: pods that once shared a node would
    // share it forever, so each requires a node of its own (a pod without one stays Pending).
    affinity: spec.persistence?.nodeLocal
      ? {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { ...spec.selector } } },
            ],
          },
        }
      : undefined,
    volumes: [
      { name: 'config', configMap: { name: spec.name } },
      // Memory-backed: holds the rendered config including the password.
      { name: 'work', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('8Mi') } },
      ...(spec.persistence
        ? []
        : [
            {
              name: 'data',
              emptyDir: {
                sizeLimit: k8s.Quantity.fromString(Size.mebibytes(Math.max(64, Math.ceil(spec.maxMemoryBytes / 1024 / 1024))).asString()),
              },
            },
          ]),
    ],
  };
}

export function statefulSetProps(spec: RedisSpec): k8s.KubeStatefulSetProps {
  const persistence = spec.persistence;
  return {
    metadata: {
      ...redisMetadata(spec, spec.name),
      annotations: {
        // A persistent cache's volumes must survive an object leaving the Git tree.
        ...(persistence ? { [Annotations.FLUX_PRUNE]: 'disabled' } : {}),
        // Reliakit's house rules (lib/core/polaris-exemption.ts).
        ...polarisAnnotations(WORKLOAD_EXEMPTIONS),
      },
    },
    spec: {
      serviceName: `${spec.name}-headless`,
      replicas: spec.replicas,
      selector: { matchLabels: { ...spec.selector } },
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate' },
      persistentVolumeClaimRetentionPolicy: persistence ? { whenDeleted: 'Retain', whenScaled: 'Retain' } : undefined,
      template: { metadata: { labels: { ...spec.labels } }, spec: redisPodSpec(spec) },
      volumeClaimTemplates: persistence
        ? [
            {
              metadata: { name: 'data', labels: { ...spec.labels } },
              spec: {
                accessModes: ['ReadWriteOnce'],
                storageClassName: persistence.storageClass,
                resources: { requests: { storage: k8s.Quantity.fromString(persistence.size) } },
              },
            },
          ]
        : undefined,
    },
  };
}
