import { k8s } from 'cdk8s-plus-28';
import {
  fetchScript,
  offsiteSyncScript,
  postgresDumpScript,
  postgresVerifyScript,
  pruneScript,
  redisDumpScript,
  redisVerifyScript,
  uploadScript,
} from '../../../lib/data/backup-scripts';
import { backupScripts, jobSpecs } from '../../../lib/data/backup-schedule/jobs';
import { ENCRYPTED_OFFSITE, REDIS, SPEC } from './fixtures';

describe('jobSpecs', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      "PostgreSQL: the backup reaches the server; the drill only the object store, as the image's postgres user",
      () => jobSpecs(SPEC),
      [
        {
          job: 'backup',
          name: 'shop-db-backup',
          schedule: '0 2 * * *',
          steps: [
            {
              name: 'dump',
              image: 'postgres:16.4-bookworm',
              script: 'dump.sh',
              env: [
                { name: 'PGHOST', value: 'shop-db-rw.shop.svc' },
                { name: 'PGPORT', value: '5432' },
                { name: 'PGDATABASE', value: 'app' },
                { name: 'PGUSER', valueFrom: { secretKeyRef: { name: 'shop-db-app', key: 'username' } } },
                { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'shop-db-app', key: 'password' } } },
                { name: 'PGCONNECT_TIMEOUT', value: '10' },
              ],
            },
            {
              name: 'upload',
              image: 'amazon/aws-cli:2.17.50',
              script: 'upload.sh',
              env: [
                { name: 'S3_ENDPOINT', value: 'http://minio.minio:9000' },
                { name: 'S3_BUCKET', value: 'backups' },
                { name: 'S3_PREFIX', value: 'prod/shop-db' },
                { name: 'AWS_DEFAULT_REGION', value: 'us-east-1' },
                { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'access-key' } } },
                { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'secret-key' } } },
                { name: 'AWS_EC2_METADATA_DISABLED', value: 'true' },
              ],
            },
            {
              name: 'prune',
              image: 'amazon/aws-cli:2.17.50',
              script: 'prune.sh',
              env: [
                { name: 'S3_ENDPOINT', value: 'http://minio.minio:9000' },
                { name: 'S3_BUCKET', value: 'backups' },
                { name: 'S3_PREFIX', value: 'prod/shop-db' },
                { name: 'AWS_DEFAULT_REGION', value: 'us-east-1' },
                { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'access-key' } } },
                { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'secret-key' } } },
                { name: 'AWS_EC2_METADATA_DISABLED', value: 'true' },
                { name: 'RETENTION_COUNT', value: '7' },
              ],
            },
          ],
          reachesSource: true,
          uid: 65532,
          egress: [
            {
              to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }],
              ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(5432) }],
            },
            {
              to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } }],
              ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9000) }],
            },
          ],
        },
        {
          job: 'restore-drill',
          name: 'shop-db-restore-drill',
          schedule: '0 3 * * *',
          steps: [
            {
              name: 'fetch',
              image: 'amazon/aws-cli:2.17.50',
              script: 'fetch.sh',
              env: [
                { name: 'S3_ENDPOINT', value: 'http://minio.minio:9000' },
                { name: 'S3_BUCKET', value: 'backups' },
                { name: 'S3_PREFIX', value: 'prod/shop-db' },
                { name: 'AWS_DEFAULT_REGION', value: 'us-east-1' },
                { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'access-key' } } },
                { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'secret-key' } } },
                { name: 'AWS_EC2_METADATA_DISABLED', value: 'true' },
              ],
            },
            {
              name: 'verify',
              image: 'postgres:16.4-bookworm',
              script: 'verify.sh',
              env: [],
            },
          ],
          reachesSource: false,
          uid: 999,
          egress: [
            {
              to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } }],
              ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9000) }],
            },
          ],
        },
      ],
    ],
    [
      'PostgreSQL encrypted, with an off-site copy',
      () => jobSpecs(ENCRYPTED_OFFSITE),
      [
        {
          job: 'backup',
          name: 'shop-db-backup',
          schedule: '0 2 * * *',
          steps: [
            {
              name: 'dump',
              image: 'postgres:16.4-bookworm',
              script: 'dump.sh',
              env: [
                { name: 'PGHOST', value: 'shop-db-rw.shop.svc' },
                { name: 'PGPORT', value: '5432' },
                { name: 'PGDATABASE', value: 'app' },
                { name: 'PGUSER', valueFrom: { secretKeyRef: { name: 'shop-db-app', key: 'username' } } },
                { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'shop-db-app', key: 'password' } } },
                { name: 'PGCONNECT_TIMEOUT', value: '10' },
                { name: 'BACKUP_ENCRYPTION_KEY', valueFrom: { secretKeyRef: { name: 'backup-key', key: 'passphrase' } } },
              ],
            },
            {
              name: 'upload',
              image: 'amazon/aws-cli:2.17.50',
              script: 'upload.sh',
              env: [
                { name: 'S3_ENDPOINT', value: 'http://minio.minio:9000' },
                { name: 'S3_BUCKET', value: 'backups' },
                { name: 'S3_PREFIX', value: 'prod/shop-db' },
                { name: 'AWS_DEFAULT_REGION', value: 'us-east-1' },
                { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'access-key' } } },
                { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'secret-key' } } },
                { name: 'AWS_EC2_METADATA_DISABLED', value: 'true' },
              ],
            },
            {
              name: 'prune',
              image: 'amazon/aws-cli:2.17.50',
              script: 'prune.sh',
              env: [
                { name: 'S3_ENDPOINT', value: 'http://minio.minio:9000' },
                { name: 'S3_BUCKET', value: 'backups' },
                { name: 'S3_PREFIX', value: 'prod/shop-db' },
                { name: 'AWS_DEFAULT_REGION', value: 'us-east-1' },
                { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'access-key' } } },
                { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'secret-key' } } },
                { name: 'AWS_EC2_METADATA_DISABLED', value: 'true' },
                { name: 'RETENTION_DAYS', value: '14' },
              ],
            },
          ],
          reachesSource: true,
          uid: 65532,
          egress: [
            {
              to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }],
              ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(5432) }],
            },
            {
              to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } }],
              ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9000) }],
            },
          ],
        },
        {
          job: 'restore-drill',
          name: 'shop-db-restore-drill',
          schedule: '0 3 * * *',
          steps: [
            {
              name: 'fetch',
              image: 'amazon/aws-cli:2.17.50',
              script: 'fetch.sh',
              env: [
                { name: 'S3_ENDPOINT', value: 'http://minio.minio:9000' },
                { name: 'S3_BUCKET', value: 'backups' },
                { name: 'S3_PREFIX', value: 'prod/shop-db' },
                { name: 'AWS_DEFAULT_REGION', value: 'us-east-1' },
                { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'access-key' } } },
                { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'secret-key' } } },
                { name: 'AWS_EC2_METADATA_DISABLED', value: 'true' },
              ],
            },
            {
              name: 'verify',
              image: 'postgres:16.4-bookworm',
              script: 'verify.sh',
              env: [
                { name: 'DRILL_CHECK_SQL', value: 'SELECT count(*) > 0 FROM users' },
                { name: 'BACKUP_ENCRYPTION_KEY', valueFrom: { secretKeyRef: { name: 'backup-key', key: 'passphrase' } } },
              ],
            },
          ],
          reachesSource: false,
          uid: 999,
          egress: [
            {
              to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } }],
              ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9000) }],
            },
          ],
        },
        {
          job: 'offsite-sync',
          name: 'shop-db-offsite-sync',
          schedule: '0 4 * * 0',
          steps: [
            {
              name: 'sync',
              image: 'amazon/aws-cli:2.17.50',
              script: 'offsite-sync.sh',
              env: [
                { name: 'S3_ENDPOINT', value: 'http://minio.minio:9000' },
                { name: 'S3_BUCKET', value: 'backups' },
                { name: 'S3_PREFIX', value: 'prod/shop-db' },
                { name: 'AWS_DEFAULT_REGION', value: 'us-east-1' },
                { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'access-key' } } },
                { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'secret-key' } } },
                { name: 'AWS_EC2_METADATA_DISABLED', value: 'true' },
                { name: 'OFFSITE_S3_ENDPOINT', value: 'https://s3.eu-central-1.amazonaws.com' },
                { name: 'OFFSITE_S3_BUCKET', value: 'offsite-backups' },
                { name: 'OFFSITE_S3_PREFIX', value: 'prod/shop-db' },
                { name: 'OFFSITE_AWS_DEFAULT_REGION', value: 'eu-central-1' },
                { name: 'OFFSITE_S3_SSE', value: 'aws:kms' },
                { name: 'OFFSITE_S3_SSE_KMS_KEY_ID', value: 'alias/backups' },
                { name: 'OFFSITE_AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'aws-backup', key: 'access-key' } } },
                { name: 'OFFSITE_AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'aws-backup', key: 'secret-key' } } },
              ],
            },
          ],
          reachesSource: false,
          uid: 65532,
          egress: [
            {
              to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } }],
              ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9000) }],
            },
            { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(443) }] },
          ],
        },
      ],
    ],
    [
      'Redis: the drill reaches only the object store',
      () => jobSpecs(REDIS),
      [
        {
          job: 'backup',
          name: 'shop-cache-backup',
          schedule: '0 2 * * *',
          steps: [
            {
              name: 'dump',
              image: 'redis:7.2.5-bookworm',
              script: 'dump.sh',
              env: [
                { name: 'REDIS_HOST', value: 'shop-cache-2.shop-cache-headless.shop.svc' },
                { name: 'REDIS_PORT', value: '6379' },
                { name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: 'cache-auth', key: 'password' } } },
              ],
            },
            {
              name: 'upload',
              image: 'amazon/aws-cli:2.17.50',
              script: 'upload.sh',
              env: [
                { name: 'S3_ENDPOINT', value: 'http://minio.minio:9000' },
                { name: 'S3_BUCKET', value: 'backups' },
                { name: 'S3_PREFIX', value: 'prod/shop-db' },
                { name: 'AWS_DEFAULT_REGION', value: 'us-east-1' },
                { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'access-key' } } },
                { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'secret-key' } } },
                { name: 'AWS_EC2_METADATA_DISABLED', value: 'true' },
              ],
            },
            {
              name: 'prune',
              image: 'amazon/aws-cli:2.17.50',
              script: 'prune.sh',
              env: [
                { name: 'S3_ENDPOINT', value: 'http://minio.minio:9000' },
                { name: 'S3_BUCKET', value: 'backups' },
                { name: 'S3_PREFIX', value: 'prod/shop-db' },
                { name: 'AWS_DEFAULT_REGION', value: 'us-east-1' },
                { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'access-key' } } },
                { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'secret-key' } } },
                { name: 'AWS_EC2_METADATA_DISABLED', value: 'true' },
                { name: 'RETENTION_COUNT', value: '7' },
              ],
            },
          ],
          reachesSource: true,
          uid: 65532,
          egress: [
            {
              to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }],
              ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(6379) }],
            },
            {
              to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } }],
              ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9000) }],
            },
          ],
        },
        {
          job: 'restore-drill',
          name: 'shop-cache-restore-drill',
          schedule: '0 3 * * *',
          steps: [
            {
              name: 'fetch',
              image: 'amazon/aws-cli:2.17.50',
              script: 'fetch.sh',
              env: [
                { name: 'S3_ENDPOINT', value: 'http://minio.minio:9000' },
                { name: 'S3_BUCKET', value: 'backups' },
                { name: 'S3_PREFIX', value: 'prod/shop-db' },
                { name: 'AWS_DEFAULT_REGION', value: 'us-east-1' },
                { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'access-key' } } },
                { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'secret-key' } } },
                { name: 'AWS_EC2_METADATA_DISABLED', value: 'true' },
              ],
            },
            { name: 'verify', image: 'redis:7.2.5-bookworm', script: 'verify.sh', env: [] },
          ],
          reachesSource: false,
          uid: 65532,
          egress: [
            {
              to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } }],
              ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9000) }],
            },
          ],
        },
      ],
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('backupScripts', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'PostgreSQL, plain',
      () => backupScripts(SPEC),
      {
        'dump.sh': postgresDumpScript(false),
        'upload.sh': uploadScript(),
        'prune.sh': pruneScript(),
        'fetch.sh': fetchScript(),
        'verify.sh': postgresVerifyScript(false),
      },
    ],
    [
      'PostgreSQL encrypted, with the off-site copy',
      () => backupScripts(ENCRYPTED_OFFSITE),
      {
        'dump.sh': postgresDumpScript(true),
        'upload.sh': uploadScript(),
        'prune.sh': pruneScript(),
        'fetch.sh': fetchScript(),
        'verify.sh': postgresVerifyScript(true),
        'offsite-sync.sh': offsiteSyncScript(),
      },
    ],
    [
      'Redis',
      () => backupScripts(REDIS),
      {
        'dump.sh': redisDumpScript(false),
        'upload.sh': uploadScript(),
        'prune.sh': pruneScript(),
        'fetch.sh': fetchScript(),
        'verify.sh': redisVerifyScript(false),
      },
    ],
    [
      'Redis encrypted',
      () => backupScripts({ ...REDIS, encryptionKey: { name: 'backup-key', key: 'passphrase' } }),
      {
        'dump.sh': redisDumpScript(true),
        'upload.sh': uploadScript(),
        'prune.sh': pruneScript(),
        'fetch.sh': fetchScript(),
        'verify.sh': redisVerifyScript(true),
      },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});
