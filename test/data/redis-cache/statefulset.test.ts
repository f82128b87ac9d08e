import { k8s } from 'cdk8s-plus-28';
import { statefulSetProps } from '../../../lib/data/redis-cache/statefulset';
import { REPLICATED, SINGLE } from './fixtures';

describe('statefulSetProps', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'single, no persistence: a memory-sized emptyDir',
      () => statefulSetProps(SINGLE),
      {
        metadata: {
          name: 'shop-cache',
          namespace: 'shop',
          labels: { 'app.kubernetes.io/name': 'shop-cache', 'app.kubernetes.io/version': '7.4.1-alpine' },
          annotations: {
            'polaris.fairwinds.com/cpuLimitsMissing-exempt': 'true',
            'polaris.fairwinds.com/metadataAndInstanceMismatched-exempt': 'true',
            'polaris.fairwinds.com/missingNetworkPolicy-exempt': 'true',
            'polaris.fairwinds.com/pullPolicyNotAlways-exempt': 'true',
          },
        },
        spec: {
          serviceName: 'shop-cache-headless',
          replicas: 1,
          selector: { matchLabels: { 'app.kubernetes.io/name': 'shop-cache' } },
          podManagementPolicy: 'OrderedReady',
          updateStrategy: { type: 'RollingUpdate' },
          template: {
            metadata: { labels: { 'app.kubernetes.io/name': 'shop-cache', 'app.kubernetes.io/version': '7.4.1-alpine' } },
            spec: {
              serviceAccountName: 'shop-cache',
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              priorityClassName: 'reliakit-data',
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 999,
                runAsGroup: 999,
                fsGroup: 999,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              terminationGracePeriodSeconds: 30,
              // Also for one pod: the spread holds once replicas are added.
              topologySpreadConstraints: [
                {
                  topologyKey: 'kubernetes.io/hostname',
                  maxSkew: 1,
                  whenUnsatisfiable: 'ScheduleAnyway',
                  labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-cache' } },
                },
                {
                  topologyKey: 'topology.kubernetes.io/zone',
                  maxSkew: 1,
                  whenUnsatisfiable: 'ScheduleAnyway',
                  labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-cache' } },
                },
              ],
              initContainers: [
                {
                  name: 'config',
                  image: 'redis:7.4.1-alpine',
                  imagePullPolicy: 'IfNotPresent',
                  command: ['sh', '/config/init.sh'],
                  env: [{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
                  resources: {
                    requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('16Mi') },
                    limits: { memory: k8s.Quantity.fromString('32Mi') },
                  },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    privileged: false,
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                    capabilities: { drop: ['ALL'] },
                  },
                  volumeMounts: [
                    { name: 'config', mountPath: '/config', readOnly: true },
                    { name: 'work', mountPath: '/work' },
                  ],
                },
              ],
              containers: [
                {
                  name: 'redis',
                  image: 'redis:7.4.1-alpine',
                  imagePullPolicy: 'IfNotPresent',
                  command: ['redis-server', '/work/redis.conf'],
                  ports: [{ name: 'redis', containerPort: 6379, protocol: 'TCP' }],
                  resources: {
                    requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('256Mi') },
                    limits: { memory: k8s.Quantity.fromString('256Mi') },
                  },
                  readinessProbe: {
                    exec: { command: ['sh', '-c', 'redis-cli -p 6379 ping | grep -q PONG'] },
                    periodSeconds: 5,
                    timeoutSeconds: 3,
                    failureThreshold: 3,
                  },
                  livenessProbe: {
                    tcpSocket: { port: k8s.IntOrString.fromString('redis') },
                    initialDelaySeconds: 10,
                    periodSeconds: 10,
                    timeoutSeconds: 3,
                    failureThreshold: 6,
                  },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    privileged: false,
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                    capabilities: { drop: ['ALL'] },
                  },
                  volumeMounts: [
                    { name: 'data', mountPath: '/data' },
                    { name: 'work', mountPath: '/work' },
                  ],
                  terminationMessagePolicy: 'FallbackToLogsOnError',
                },
                {
                  name: 'exporter',
                  image: 'oliver006/redis_exporter:v1.66.0',
                  imagePullPolicy: 'IfNotPresent',
                  env: [{ name: 'REDIS_ADDR', value: 'redis://localhost:6379' }],
                  ports: [{ name: 'metrics', containerPort: 9121, protocol: 'TCP' }],
                  resources: {
                    requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') },
                    limits: { memory: k8s.Quantity.fromString('64Mi') },
                  },
                  readinessProbe: {
                    httpGet: { path: '/health', port: k8s.IntOrString.fromString('metrics') },
                    periodSeconds: 10,
                    timeoutSeconds: 3,
                  },
                  livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('metrics') }, periodSeconds: 20, timeoutSeconds: 3 },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    privileged: false,
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                    capabilities: { drop: ['ALL'] },
                  },
                  terminationMessagePolicy: 'FallbackToLogsOnError',
                },
              ],
              volumes: [
                { name: 'config', configMap: { name: 'shop-cache' } },
                { name: 'work', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('8Mi') } },
                { name: 'data', emptyDir: { sizeLimit: k8s.Quantity.fromString('192Mi') } },
              ],
            },
          },
        },
      },
    ],
    [
      'sentinel with node-local persistence: spread, a node per pod required, volume claims retained, never pruned',
      () => statefulSetProps(REPLICATED),
      {
        metadata: {
          name: 'shop-cache',
          namespace: 'shop',
          labels: { 'app.kubernetes.io/name': 'shop-cache', 'app.kubernetes.io/version': '7.4.1-alpine' },
          annotations: {
            'kustomize.toolkit.fluxcd.io/prune': 'disabled',
            'polaris.fairwinds.com/cpuLimitsMissing-exempt': 'true',
            'polaris.fairwinds.com/metadataAndInstanceMismatched-exempt': 'true',
            'polaris.fairwinds.com/missingNetworkPolicy-exempt': 'true',
            'polaris.fairwinds.com/pullPolicyNotAlways-exempt': 'true',
          },
        },
        spec: {
          serviceName: 'shop-cache-headless',
          replicas: 3,
          selector: { matchLabels: { 'app.kubernetes.io/name': 'shop-cache' } },
          podManagementPolicy: 'OrderedReady',
          updateStrategy: { type: 'RollingUpdate' },
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
          template: {
            metadata: { labels: { 'app.kubernetes.io/name': 'shop-cache', 'app.kubernetes.io/version': '7.4.1-alpine' } },
            spec: {
              serviceAccountName: 'shop-cache',
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              priorityClassName: 'reliakit-data',
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 999,
                runAsGroup: 999,
                fsGroup: 999,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              terminationGracePeriodSeconds: 30,
              initContainers: [
                {
                  name: 'config',
                  image: 'redis:7.4.1-alpine',
                  imagePullPolicy: 'IfNotPresent',
                  command: ['sh', '/config/init.sh'],
                  env: [
                    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                    { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'cache-auth', key: 'password' } } },
                    { name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: 'cache-auth', key: 'password' } } },
                  ],
                  resources: {
                    requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('16Mi') },
                    limits: { memory: k8s.Quantity.fromString('32Mi') },
                  },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    privileged: false,
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                    capabilities: { drop: ['ALL'] },
                  },
                  volumeMounts: [
                    { name: 'config', mountPath: '/config', readOnly: true },
                    { name: 'work', mountPath: '/work' },
                  ],
                },
              ],
              containers: [
                {
                  name: 'redis',
                  image: 'redis:7.4.1-alpine',
                  imagePullPolicy: 'IfNotPresent',
                  command: ['redis-server', '/work/redis.conf'],
                  ports: [{ name: 'redis', containerPort: 6379, protocol: 'TCP' }],
                  env: [
                    { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'cache-auth', key: 'password' } } },
                    { name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: 'cache-auth', key: 'password' } } },
                  ],
                  resources: {
                    requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('256Mi') },
                    limits: { memory: k8s.Quantity.fromString('256Mi') },
                  },
                  readinessProbe: {
                    exec: { command: ['sh', '-c', 'redis-cli -p 6379 ping | grep -q PONG'] },
                    periodSeconds: 5,
                    timeoutSeconds: 3,
                    failureThreshold: 3,
                  },
                  livenessProbe: {
                    tcpSocket: { port: k8s.IntOrString.fromString('redis') },
                    initialDelaySeconds: 10,
                    periodSeconds: 10,
                    timeoutSeconds: 3,
                    failureThreshold: 6,
                  },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    privileged: false,
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                    capabilities: { drop: ['ALL'] },
                  },
                  volumeMounts: [
                    { name: 'data', mountPath: '/data' },
                    { name: 'work', mountPath: '/work' },
                  ],
                  terminationMessagePolicy: 'FallbackToLogsOnError',
                },
                {
                  name: 'sentinel',
                  image: 'redis:7.4.1-alpine',
                  imagePullPolicy: 'IfNotPresent',
                  command: ['redis-server', '/work/sentinel.conf', '--sentinel'],
                  ports: [{ name: 'sentinel', containerPort: 26379, protocol: 'TCP' }],
                  env: [
                    { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'cache-auth', key: 'password' } } },
                    { name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: 'cache-auth', key: 'password' } } },
                  ],
                  resources: {
                    requests: { cpu: k8s.Quantity.fromString('20m'), memory: k8s.Quantity.fromString('32Mi') },
                    limits: { memory: k8s.Quantity.fromString('64Mi') },
                  },
                  readinessProbe: {
                    exec: { command: ['sh', '-c', 'redis-cli -p 26379 ping | grep -q PONG'] },
                    periodSeconds: 5,
                    timeoutSeconds: 3,
                    failureThreshold: 3,
                  },
                  livenessProbe: {
                    tcpSocket: { port: k8s.IntOrString.fromString('sentinel') },
                    initialDelaySeconds: 10,
                    periodSeconds: 10,
                    timeoutSeconds: 3,
                    failureThreshold: 6,
                  },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    privileged: false,
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                    capabilities: { drop: ['ALL'] },
                  },
                  volumeMounts: [{ name: 'work', mountPath: '/work' }],
                  terminationMessagePolicy: 'FallbackToLogsOnError',
                },
                {
                  name: 'exporter',
                  image: 'oliver006/redis_exporter:v1.67.0',
                  imagePullPolicy: 'IfNotPresent',
                  env: [
                    { name: 'REDIS_ADDR', value: 'redis://localhost:6379' },
                    { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'cache-auth', key: 'password' } } },
                  ],
                  ports: [{ name: 'metrics', containerPort: 9121, protocol: 'TCP' }],
                  resources: {
                    requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') },
                    limits: { memory: k8s.Quantity.fromString('64Mi') },
                  },
                  readinessProbe: {
                    httpGet: { path: '/health', port: k8s.IntOrString.fromString('metrics') },
                    periodSeconds: 10,
                    timeoutSeconds: 3,
                  },
                  livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('metrics') }, periodSeconds: 20, timeoutSeconds: 3 },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    privileged: false,
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                    capabilities: { drop: ['ALL'] },
                  },
                  terminationMessagePolicy: 'FallbackToLogsOnError',
                },
              ],
              topologySpreadConstraints: [
                {
                  topologyKey: 'kubernetes.io/hostname',
                  maxSkew: 1,
                  whenUnsatisfiable: 'ScheduleAnyway',
                  labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-cache' } },
                },
                {
                  topologyKey: 'topology.kubernetes.io/zone',
                  maxSkew: 1,
                  whenUnsatisfiable: 'ScheduleAnyway',
                  labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-cache' } },
                },
              ],
              // local-path volumes pin each pod to its node: a node of its own, required.
              affinity: {
                podAntiAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: [
                    { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-cache' } } },
                  ],
                },
              },
              volumes: [
                { name: 'config', configMap: { name: 'shop-cache' } },
                { name: 'work', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('8Mi') } },
              ],
            },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: 'data', labels: { 'app.kubernetes.io/name': 'shop-cache', 'app.kubernetes.io/version': '7.4.1-alpine' } },
              spec: {
                accessModes: ['ReadWriteOnce'],
                storageClassName: 'local-path',
                resources: { requests: { storage: k8s.Quantity.fromString('2Gi') } },
              },
            },
          ],
        },
      },
    ],
    [
      'a small cache gets at least 64Mi of data volume',
      () => statefulSetProps({ ...SINGLE, maxMemoryBytes: 1024 }),
      {
        metadata: {
          name: 'shop-cache',
          namespace: 'shop',
          labels: { 'app.kubernetes.io/name': 'shop-cache', 'app.kubernetes.io/version': '7.4.1-alpine' },
          annotations: {
            'polaris.fairwinds.com/cpuLimitsMissing-exempt': 'true',
            'polaris.fairwinds.com/metadataAndInstanceMismatched-exempt': 'true',
            'polaris.fairwinds.com/missingNetworkPolicy-exempt': 'true',
            'polaris.fairwinds.com/pullPolicyNotAlways-exempt': 'true',
          },
        },
        spec: {
          serviceName: 'shop-cache-headless',
          replicas: 1,
          selector: { matchLabels: { 'app.kubernetes.io/name': 'shop-cache' } },
          podManagementPolicy: 'OrderedReady',
          updateStrategy: { type: 'RollingUpdate' },
          template: {
            metadata: { labels: { 'app.kubernetes.io/name': 'shop-cache', 'app.kubernetes.io/version': '7.4.1-alpine' } },
            spec: {
              serviceAccountName: 'shop-cache',
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              priorityClassName: 'reliakit-data',
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 999,
                runAsGroup: 999,
                fsGroup: 999,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              terminationGracePeriodSeconds: 30,
              // Also for one pod: the spread holds once replicas are added.
              topologySpreadConstraints: [
                {
                  topologyKey: 'kubernetes.io/hostname',
                  maxSkew: 1,
                  whenUnsatisfiable: 'ScheduleAnyway',
                  labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-cache' } },
                },
                {
                  topologyKey: 'topology.kubernetes.io/zone',
                  maxSkew: 1,
                  whenUnsatisfiable: 'ScheduleAnyway',
                  labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-cache' } },
                },
              ],
              initContainers: [
                {
                  name: 'config',
                  image: 'redis:7.4.1-alpine',
                  imagePullPolicy: 'IfNotPresent',
                  command: ['sh', '/config/init.sh'],
                  env: [{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
                  resources: {
                    requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('16Mi') },
                    limits: { memory: k8s.Quantity.fromString('32Mi') },
                  },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    privileged: false,
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                    capabilities: { drop: ['ALL'] },
                  },
                  volumeMounts: [
                    { name: 'config', mountPath: '/config', readOnly: true },
                    { name: 'work', mountPath: '/work' },
                  ],
                },
              ],
              containers: [
                {
                  name: 'redis',
                  image: 'redis:7.4.1-alpine',
                  imagePullPolicy: 'IfNotPresent',
                  command: ['redis-server', '/work/redis.conf'],
                  ports: [{ name: 'redis', containerPort: 6379, protocol: 'TCP' }],
                  resources: {
                    requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('256Mi') },
                    limits: { memory: k8s.Quantity.fromString('256Mi') },
                  },
                  readinessProbe: {
                    exec: { command: ['sh', '-c', 'redis-cli -p 6379 ping | grep -q PONG'] },
                    periodSeconds: 5,
                    timeoutSeconds: 3,
                    failureThreshold: 3,
                  },
                  livenessProbe: {
                    tcpSocket: { port: k8s.IntOrString.fromString('redis') },
                    initialDelaySeconds: 10,
                    periodSeconds: 10,
                    timeoutSeconds: 3,
                    failureThreshold: 6,
                  },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    privileged: false,
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                    capabilities: { drop: ['ALL'] },
                  },
                  volumeMounts: [
                    { name: 'data', mountPath: '/data' },
                    { name: 'work', mountPath: '/work' },
                  ],
                  terminationMessagePolicy: 'FallbackToLogsOnError',
                },
                {
                  name: 'exporter',
                  image: 'oliver006/redis_exporter:v1.66.0',
                  imagePullPolicy: 'IfNotPresent',
                  env: [{ name: 'REDIS_ADDR', value: 'redis://localhost:6379' }],
                  ports: [{ name: 'metrics', containerPort: 9121, protocol: 'TCP' }],
                  resources: {
                    requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') },
                    limits: { memory: k8s.Quantity.fromString('64Mi') },
                  },
                  readinessProbe: {
                    httpGet: { path: '/health', port: k8s.IntOrString.fromString('metrics') },
                    periodSeconds: 10,
                    timeoutSeconds: 3,
                  },
                  livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('metrics') }, periodSeconds: 20, timeoutSeconds: 3 },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    privileged: false,
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                    capabilities: { drop: ['ALL'] },
                  },
                  terminationMessagePolicy: 'FallbackToLogsOnError',
                },
              ],
              volumes: [
                { name: 'config', configMap: { name: 'shop-cache' } },
                { name: 'work', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('8Mi') } },
                { name: 'data', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
              ],
            },
          },
        },
      },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});
