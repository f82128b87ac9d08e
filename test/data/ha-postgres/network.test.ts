import { PoolerSpecTemplateSpecContainersLivenessProbeTcpSocketPort } from '../../../imports/cnpg-pooler-postgresql.cnpg.io';
import { k8s } from 'cdk8s-plus-28';
import { clusterIngress, clusterNetworkPolicyProps } from '../../../lib/data/ha-postgres/network-policy';
import { poolerIngress, poolerNames, poolerNetworkPolicyProps, poolerObjects } from '../../../lib/data/ha-postgres/pooler';
import { PoolMode } from '../../../lib/data/ha-postgres/props';
import { ResolvedPooler } from '../../../lib/data/ha-postgres/spec';
import { POOLER, SPEC } from './fixtures';

const API: k8s.NetworkPolicyPeer = { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } } };
const WORKER: k8s.NetworkPolicyPeer = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'jobs' } },
  podSelector: { matchLabels: { 'app.kubernetes.io/name': 'worker' } },
};
const BACKUP_JOB: k8s.NetworkPolicyPeer = { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'db-backup' } } };
const READ_ONLY: ResolvedPooler = {
  ...POOLER,
  readOnly: true,
  poolMode: PoolMode.SESSION,
  instances: 3,
  defaultPoolSize: 10,
  maxClientConnections: 500,
  parameters: {},
};

describe('poolerNames', () => {
  test.each<[string, () => unknown, unknown]>([
    ['no pooler', () => poolerNames('shop-db', undefined), ['shop-db-pooler-rw']],
    ['read-write only', () => poolerNames('shop-db', POOLER), ['shop-db-pooler-rw']],
    ['with read-only', () => poolerNames('shop-db', READ_ONLY), ['shop-db-pooler-rw', 'shop-db-pooler-ro']],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('poolerObjects', () => {
  const labels = { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/part-of': 'shop' };
  const CNPG_EXEMPTIONS = {
    'polaris.fairwinds.com/automountServiceAccountToken-exempt': 'true',
    'polaris.fairwinds.com/cpuLimitsMissing-exempt': 'true',
    'polaris.fairwinds.com/metadataAndInstanceMismatched-exempt': 'true',
    'polaris.fairwinds.com/missingNetworkPolicy-exempt': 'true',
    'polaris.fairwinds.com/pullPolicyNotAlways-exempt': 'true',
  };
  const spread = (topologyKey: string, name: string) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: { 'cnpg.io/poolerName': name } },
  });
  /** One pooler's objects: the Pooler (priority, spread, TCP liveness), its PodMonitor and its PDB. */
  const expected = (name: string, type: string, instances: number, pgbouncer: unknown) => ({
    type,
    pooler: {
      metadata: { name, namespace: 'shop', labels, annotations: CNPG_EXEMPTIONS },
      spec: {
        cluster: { name: 'shop-db' },
        instances,
        type,
        template: {
          spec: {
            priorityClassName: 'reliakit-data',
            topologySpreadConstraints: [spread('kubernetes.io/hostname', name), spread('topology.kubernetes.io/zone', name)],
            containers: [
              {
                name: 'pgbouncer',
                image: 'ghcr.io/cloudnative-pg/pgbouncer:1.25.2',
                resources: {
                  requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('64Mi') },
                  limits: { memory: k8s.Quantity.fromString('128Mi') },
                },
                livenessProbe: {
                  tcpSocket: { port: PoolerSpecTemplateSpecContainersLivenessProbeTcpSocketPort.fromNumber(5432) },
                  periodSeconds: 10,
                  timeoutSeconds: 5,
                  failureThreshold: 3,
                },
              },
            ],
          },
        },
        pgbouncer,
      },
    },
    podMonitor: {
      metadata: { name, namespace: 'shop', labels },
      spec: { selector: { matchLabels: { 'cnpg.io/poolerName': name } }, podMetricsEndpoints: [{ port: 'metrics' }] },
    },
    disruptionBudget: {
      metadata: { name, namespace: 'shop', labels },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { 'cnpg.io/poolerName': name } } },
    },
  });
  const session = { poolMode: 'session', parameters: { default_pool_size: '10', max_client_conn: '500' } };
  test.each<[string, () => unknown, unknown]>([
    [
      'read-write pooler',
      () => poolerObjects({ ...SPEC, pooler: POOLER }, POOLER),
      [
        expected('shop-db-pooler-rw', 'rw', 2, {
          poolMode: 'transaction',
          parameters: { max_prepared_statements: '100', default_pool_size: '20', max_client_conn: '1000' },
        }),
      ],
    ],
    [
      'read-write and read-only poolers',
      () => poolerObjects({ ...SPEC, pooler: READ_ONLY }, READ_ONLY),
      [expected('shop-db-pooler-rw', 'rw', 3, session), expected('shop-db-pooler-ro', 'ro', 3, session)],
    ],
  ])('%s', (_, render, want) => {
    expect(render()).toEqual(want);
  });
});

describe('poolerIngress', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'no pooled clients: Prometheus only',
      () => poolerIngress(SPEC, []),
      [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9127) }],
        },
      ],
    ],
    [
      'pooled clients',
      () => poolerIngress({ ...SPEC, prometheusNamespace: 'observability' }, [API, WORKER]),
      [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9127) }],
        },
        {
          from: [
            { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } } },
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'jobs' } },
              podSelector: { matchLabels: { 'app.kubernetes.io/name': 'worker' } },
            },
          ],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(5432) }],
        },
      ],
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('poolerNetworkPolicyProps', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'read-write and read-only poolers',
      () => poolerNetworkPolicyProps({ ...SPEC, pooler: READ_ONLY }, []),
      {
        metadata: {
          name: 'shop-db-pooler',
          namespace: 'shop',
          labels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/part-of': 'shop' },
        },
        spec: {
          podSelector: {
            matchExpressions: [{ key: 'cnpg.io/poolerName', operator: 'In', values: ['shop-db-pooler-rw', 'shop-db-pooler-ro'] }],
          },
          policyTypes: ['Ingress'],
          ingress: [],
        },
      },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('clusterIngress', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'no pooler, clients or backup jobs',
      () => clusterIngress(SPEC, { clients: [], backupJobs: [] }),
      [
        {
          from: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': 'shop-db' } } }],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(5432) }],
        },
        {
          from: [
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'cnpg-system' } } },
            { podSelector: { matchLabels: { 'cnpg.io/cluster': 'shop-db' } } },
          ],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(8000) }],
        },
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9187) }],
        },
      ],
    ],
    [
      'poolers, direct clients and a backup job',
      () =>
        clusterIngress(
          { ...SPEC, pooler: READ_ONLY, operatorNamespace: 'cnpg', prometheusNamespace: 'observability' },
          { clients: [API], backupJobs: [BACKUP_JOB] },
        ),
      [
        {
          from: [
            { podSelector: { matchLabels: { 'cnpg.io/cluster': 'shop-db' } } },
            {
              podSelector: {
                matchExpressions: [{ key: 'cnpg.io/poolerName', operator: 'In', values: ['shop-db-pooler-rw', 'shop-db-pooler-ro'] }],
              },
            },
          ],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(5432) }],
        },
        {
          from: [
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'cnpg' } } },
            { podSelector: { matchLabels: { 'cnpg.io/cluster': 'shop-db' } } },
          ],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(8000) }],
        },
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9187) }],
        },
        {
          from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } } }],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(5432) }],
        },
        {
          from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'db-backup' } } }],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(5432) }],
        },
      ],
    ],
    [
      'backup job only',
      () => clusterIngress(SPEC, { clients: [], backupJobs: [BACKUP_JOB] }),
      [
        {
          from: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': 'shop-db' } } }],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(5432) }],
        },
        {
          from: [
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'cnpg-system' } } },
            { podSelector: { matchLabels: { 'cnpg.io/cluster': 'shop-db' } } },
          ],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(8000) }],
        },
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9187) }],
        },
        {
          from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'db-backup' } } }],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(5432) }],
        },
      ],
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('clusterNetworkPolicyProps', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'ingress as given',
      () => clusterNetworkPolicyProps(SPEC, []),
      {
        metadata: { name: 'shop-db', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/part-of': 'shop' } },
        spec: { podSelector: { matchLabels: { 'cnpg.io/cluster': 'shop-db' } }, policyTypes: ['Ingress'], ingress: [] },
      },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});
