import { k8s } from 'cdk8s-plus-28';
import { configInitContainer, passwordEnv, redisContainers } from '../../../lib/data/redis-cache/statefulset';
import { REPLICATED, SINGLE } from './fixtures';

describe('passwordEnv', () => {
  test.each<[string, () => unknown, unknown]>([
    ['no password', () => passwordEnv(SINGLE), []],
    [
      'for redis and redis-cli',
      () => passwordEnv(REPLICATED),
      [
        { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'cache-auth', key: 'password' } } },
        { name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: 'cache-auth', key: 'password' } } },
      ],
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('redisContainers', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'single: redis and the exporter',
      () => redisContainers(SINGLE),
      [
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
    ],
    [
      'sentinel: redis, sentinel and the exporter, with the password',
      () => redisContainers(REPLICATED),
      [
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
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('configInitContainer', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'without a password',
      () => configInitContainer(SINGLE),
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
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});
