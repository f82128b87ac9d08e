import { k8s } from 'cdk8s-plus-28';
import {
  headlessServiceProps,
  networkPolicyProps,
  podDisruptionBudgetProps,
  redisConfigData,
  redisIngress,
  serviceMonitorProps,
  serviceProps,
} from '../../../lib/data/redis-cache/objects';
import { redisConf, redisInitScript } from '../../../lib/data/redis-cache/redis-config';
import { REPLICATED, SINGLE } from './fixtures';

const API: k8s.NetworkPolicyPeer = { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-api' } } };
const BACKUP_JOB: k8s.NetworkPolicyPeer = { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-cache-backup' } } };

describe('headlessServiceProps', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'single: the Redis port',
      () => headlessServiceProps(SINGLE),
      {
        metadata: {
          name: 'shop-cache-headless',
          namespace: 'shop',
          labels: { 'app.kubernetes.io/name': 'shop-cache', 'app.kubernetes.io/version': '7.4.1-alpine', 'reliakit.dev/headless': 'true' },
        },
        spec: {
          clusterIp: 'None',
          publishNotReadyAddresses: true,
          selector: { 'app.kubernetes.io/name': 'shop-cache' },
          ports: [{ name: 'redis', port: 6379, targetPort: k8s.IntOrString.fromString('redis'), protocol: 'TCP' }],
        },
      },
    ],
    [
      'sentinel: and the sentinel port',
      () => headlessServiceProps(REPLICATED),
      {
        metadata: {
          name: 'shop-cache-headless',
          namespace: 'shop',
          labels: { 'app.kubernetes.io/name': 'shop-cache', 'app.kubernetes.io/version': '7.4.1-alpine', 'reliakit.dev/headless': 'true' },
        },
        spec: {
          clusterIp: 'None',
          publishNotReadyAddresses: true,
          selector: { 'app.kubernetes.io/name': 'shop-cache' },
          ports: [
            { name: 'redis', port: 6379, targetPort: k8s.IntOrString.fromString('redis'), protocol: 'TCP' },
            { name: 'sentinel', port: 26379, targetPort: k8s.IntOrString.fromString('sentinel'), protocol: 'TCP' },
          ],
        },
      },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('serviceProps', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'single: Redis and metrics',
      () => serviceProps(SINGLE),
      {
        metadata: {
          name: 'shop-cache',
          namespace: 'shop',
          labels: { 'app.kubernetes.io/name': 'shop-cache', 'app.kubernetes.io/version': '7.4.1-alpine' },
        },
        spec: {
          type: 'ClusterIP',
          selector: { 'app.kubernetes.io/name': 'shop-cache' },
          ports: [
            { name: 'redis', port: 6379, targetPort: k8s.IntOrString.fromString('redis'), protocol: 'TCP' },
            { name: 'metrics', port: 9121, targetPort: k8s.IntOrString.fromString('metrics'), protocol: 'TCP' },
          ],
        },
      },
    ],
    [
      'sentinel: the sentinels and metrics',
      () => serviceProps(REPLICATED),
      {
        metadata: {
          name: 'shop-cache',
          namespace: 'shop',
          labels: { 'app.kubernetes.io/name': 'shop-cache', 'app.kubernetes.io/version': '7.4.1-alpine' },
        },
        spec: {
          type: 'ClusterIP',
          selector: { 'app.kubernetes.io/name': 'shop-cache' },
          ports: [
            { name: 'sentinel', port: 26379, targetPort: k8s.IntOrString.fromString('sentinel'), protocol: 'TCP' },
            { name: 'metrics', port: 9121, targetPort: k8s.IntOrString.fromString('metrics'), protocol: 'TCP' },
          ],
        },
      },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('podDisruptionBudgetProps', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'one pod at a time',
      () => podDisruptionBudgetProps(REPLICATED),
      {
        metadata: {
          name: 'shop-cache',
          namespace: 'shop',
          labels: { 'app.kubernetes.io/name': 'shop-cache', 'app.kubernetes.io/version': '7.4.1-alpine' },
        },
        spec: {
          selector: { matchLabels: { 'app.kubernetes.io/name': 'shop-cache' } },
          maxUnavailable: k8s.IntOrString.fromNumber(1),
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
        },
      },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('serviceMonitorProps', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'the client Service only',
      () => serviceMonitorProps(SINGLE),
      {
        metadata: {
          name: 'shop-cache',
          namespace: 'shop',
          labels: { 'app.kubernetes.io/name': 'shop-cache', 'app.kubernetes.io/version': '7.4.1-alpine' },
        },
        spec: {
          selector: {
            matchLabels: { 'app.kubernetes.io/name': 'shop-cache' },
            matchExpressions: [{ key: 'reliakit.dev/headless', operator: 'DoesNotExist' }],
          },
          namespaceSelector: { matchNames: ['shop'] },
          endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }],
        },
      },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('redisIngress', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'single, no clients: Prometheus only',
      () => redisIngress(SINGLE, { clients: [], backupJobs: [] }),
      [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9121) }],
        },
      ],
    ],
    [
      'single with a client and a backup job',
      () => redisIngress(SINGLE, { clients: [API], backupJobs: [BACKUP_JOB] }),
      [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9121) }],
        },
        {
          from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-api' } } }],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(6379) }],
        },
        {
          from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-cache-backup' } } }],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(6379) }],
        },
      ],
    ],
    [
      'sentinel with a client: the pods reach each other, clients reach both ports',
      () => redisIngress(REPLICATED, { clients: [API], backupJobs: [] }),
      [
        {
          from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-cache' } } }],
          ports: [
            { protocol: 'TCP', port: k8s.IntOrString.fromNumber(6379) },
            { protocol: 'TCP', port: k8s.IntOrString.fromNumber(26379) },
          ],
        },
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9121) }],
        },
        {
          from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-api' } } }],
          ports: [
            { protocol: 'TCP', port: k8s.IntOrString.fromNumber(6379) },
            { protocol: 'TCP', port: k8s.IntOrString.fromNumber(26379) },
          ],
        },
      ],
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('networkPolicyProps', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'single: DNS egress only',
      () => networkPolicyProps(SINGLE, []),
      {
        metadata: {
          name: 'shop-cache',
          namespace: 'shop',
          labels: { 'app.kubernetes.io/name': 'shop-cache', 'app.kubernetes.io/version': '7.4.1-alpine' },
        },
        spec: {
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-cache' } },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [],
          egress: [
            {
              to: [
                {
                  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
                },
              ],
              ports: [
                { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
                { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
              ],
            },
          ],
        },
      },
    ],
    [
      'sentinel: and the other pods',
      () => networkPolicyProps(REPLICATED, []),
      {
        metadata: {
          name: 'shop-cache',
          namespace: 'shop',
          labels: { 'app.kubernetes.io/name': 'shop-cache', 'app.kubernetes.io/version': '7.4.1-alpine' },
        },
        spec: {
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-cache' } },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [],
          egress: [
            {
              to: [
                {
                  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
                },
              ],
              ports: [
                { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
                { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
              ],
            },
            {
              to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-cache' } } }],
              ports: [
                { protocol: 'TCP', port: k8s.IntOrString.fromNumber(6379) },
                { protocol: 'TCP', port: k8s.IntOrString.fromNumber(26379) },
              ],
            },
          ],
        },
      },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('redisConfigData', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'pure cache: no snapshots, no AOF, no password, no sentinel',
      () => redisConfigData(SINGLE),
      {
        'redis.conf': redisConf({ maxMemoryBytes: 201326592, evictionPolicy: 'allkeys-lru', snapshots: [], appendOnly: false }),
        'init.sh': redisInitScript({ name: 'shop-cache', password: false, sentinel: undefined }),
      },
    ],
    [
      'persistence, password and sentinel (failover timeout 60 s)',
      () => redisConfigData(REPLICATED),
      {
        'redis.conf': redisConf({ maxMemoryBytes: 25165824, evictionPolicy: 'volatile-ttl', snapshots: ['900 1'], appendOnly: true }),
        'init.sh': redisInitScript({
          name: 'shop-cache',
          password: true,
          sentinel: { masterSet: 'mymaster', quorum: 2, downAfterMilliseconds: 5000, failoverTimeoutMilliseconds: 60000 },
        }),
      },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});
