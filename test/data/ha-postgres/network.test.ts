import { PoolerSpecTemplateSpecContainersLivenessProbeTcpSocketPort } from '../../../imports/cnpg-pooler-postgresql.cnpg.io';
import { k8s } from 'cdk8s-plus-28';
import { ApiServerEndpoint } from '../../../lib/core/api-server';
import { BackupTarget } from '../../../lib/data/backup-target';
import { clusterEgress, clusterIngress, clusterNetworkPolicyProps, objectStoreEgress } from '../../../lib/data/ha-postgres/network-policy';
import { poolerIngress, poolerNames, poolerNetworkPolicyProps, poolerObjects } from '../../../lib/data/ha-postgres/pooler';
import { PoolMode } from '../../../lib/data/ha-postgres/props';
import { ResolvedPooler } from '../../../lib/data/ha-postgres/spec';
import { BACKUP, MINIO, POOLER, S3, SPEC } from './fixtures';

const tcp = (port: number) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
const DNS: k8s.NetworkPolicyEgressRule = {
  to: [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    },
  ],
  ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, tcp(53)],
};
const API_SERVER: k8s.NetworkPolicyEgressRule = {
  to: [{ ipBlock: { cidr: '10.0.0.0/8' } }, { ipBlock: { cidr: '172.16.0.0/12' } }, { ipBlock: { cidr: '192.168.0.0/16' } }],
  ports: [tcp(443), tcp(6443)],
};
const PUBLIC_INTERNET = {
  ipBlock: {
    cidr: '0.0.0.0/0',
    except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', '127.0.0.0/8'],
  },
};
const OWN = { podSelector: { matchLabels: { 'cnpg.io/cluster': 'shop-db' } } };

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
      () => poolerNetworkPolicyProps({ ...SPEC, pooler: READ_ONLY }, [], ApiServerEndpoint.privateRanges()),
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
          policyTypes: ['Ingress', 'Egress'],
          ingress: [],
          egress: [DNS, API_SERVER, { to: [OWN], ports: [tcp(5432)] }],
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
      'ingress and egress as given',
      () => clusterNetworkPolicyProps(SPEC, [], [DNS]),
      {
        metadata: { name: 'shop-db', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/part-of': 'shop' } },
        spec: {
          podSelector: { matchLabels: { 'cnpg.io/cluster': 'shop-db' } },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [],
          egress: [DNS],
        },
      },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('clusterEgress', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'no backup: DNS, the API server, replication and status between instances',
      () => clusterEgress(SPEC, ApiServerEndpoint.privateRanges()),
      [DNS, API_SERVER, { to: [OWN], ports: [tcp(5432), tcp(8000)] }],
    ],
    [
      'a narrowed API server',
      () => clusterEgress(SPEC, ApiServerEndpoint.cidrs(['203.0.113.10/32'], [6443])),
      [DNS, { to: [{ ipBlock: { cidr: '203.0.113.10/32' } }], ports: [tcp(6443)] }, { to: [OWN], ports: [tcp(5432), tcp(8000)] }],
    ],
    [
      'backup to MinIO: its namespace on the endpoint port',
      () => clusterEgress({ ...SPEC, backup: { ...BACKUP, target: MINIO } }, ApiServerEndpoint.privateRanges()),
      [
        DNS,
        API_SERVER,
        { to: [OWN], ports: [tcp(5432), tcp(8000)] },
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } }], ports: [tcp(9000)] },
      ],
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('objectStoreEgress', () => {
  test.each<[string, BackupTarget, unknown]>([
    ['AWS S3: the public internet on 443', S3, { to: [PUBLIC_INTERNET], ports: [tcp(443)] }],
    [
      'MinIO in the cluster: its namespace',
      MINIO,
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } }], ports: [tcp(9000)] },
    ],
    [
      'MinIO by its full Service name',
      BackupTarget.minio({ endpoint: 'https://minio.storage.svc.cluster.local', bucket: 'b', credentials: { secretName: 's' } }),
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'storage' } } }], ports: [tcp(443)] },
    ],
    [
      'an S3-compatible store outside the cluster: the public internet on its port',
      BackupTarget.minio({ endpoint: 'http://backups.example.com:9000', bucket: 'b', credentials: { secretName: 's' } }),
      { to: [PUBLIC_INTERNET], ports: [tcp(9000)] },
    ],
  ])('%s', (_, target, expected) => {
    expect(objectStoreEgress(target)).toEqual(expected);
  });
});
