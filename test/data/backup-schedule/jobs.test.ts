import { k8s } from 'cdk8s-plus-28';
import {
  fetchScript, offsiteSyncScript, postgresDumpScript, postgresVerifyScript, pruneScript, redisDumpScript, redisVerifyScript, uploadScript,
} from '../../../lib/data/backup-scripts';
import {
  backupScripts, cronJobProps, jobContainer, jobLabels, jobNetworkPolicyProps, jobPodSpec, jobSelector, jobSpecs,
} from '../../../lib/data/backup-schedule/jobs';
import { ENCRYPTED_OFFSITE, REDIS, SPEC } from './fixtures';

describe('jobSpecs', () => {
  test.each<[string, () => unknown, unknown]>([
    ['PostgreSQL: backup and restore drill, both reaching the server', () => jobSpecs(SPEC), [
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
              { name: 'PGHOST', value: 'shop-db-rw.shop.svc' },
              { name: 'PGPORT', value: '5432' },
              { name: 'PGDATABASE', value: 'postgres' },
              { name: 'PGUSER', valueFrom: { secretKeyRef: { name: 'shop-db-app', key: 'username' } } },
              { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'shop-db-app', key: 'password' } } },
              { name: 'PGCONNECT_TIMEOUT', value: '10' },
              { name: 'SCRATCH_DATABASE', value: 'app_restore_drill' },
              { name: 'KEEP_SCRATCH_DATABASE', value: 'false' },
            ],
          },
        ],
        reachesSource: true,
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
    ]],
    ['PostgreSQL encrypted, with an off-site copy', () => jobSpecs(ENCRYPTED_OFFSITE), [
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
              { name: 'PGHOST', value: 'shop-db-rw.shop.svc' },
              { name: 'PGPORT', value: '5432' },
              { name: 'PGDATABASE', value: 'template1' },
              { name: 'PGUSER', valueFrom: { secretKeyRef: { name: 'shop-db-app', key: 'username' } } },
              { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'shop-db-app', key: 'password' } } },
              { name: 'PGCONNECT_TIMEOUT', value: '10' },
              { name: 'SCRATCH_DATABASE', value: 'app_drill' },
              { name: 'KEEP_SCRATCH_DATABASE', value: 'true' },
              { name: 'DRILL_CHECK_SQL', value: 'SELECT count(*) > 0 FROM users' },
              { name: 'BACKUP_ENCRYPTION_KEY', valueFrom: { secretKeyRef: { name: 'backup-key', key: 'passphrase' } } },
            ],
          },
        ],
        reachesSource: true,
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
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } }],
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9000) }],
          },
          { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(443) }] },
        ],
      },
    ]],
    ['Redis: the drill reaches only the object store', () => jobSpecs(REDIS), [
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
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } }],
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9000) }],
          },
        ],
      },
    ]],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('jobLabels and jobSelector', () => {
  test.each<[string, () => unknown, unknown]>([
    ['backup labels', () => jobLabels(SPEC, 'backup'), {
      'app.kubernetes.io/name': 'shop-db-backup',
      'app.kubernetes.io/instance': 'shop-db-backup-prod',
      'app.kubernetes.io/component': 'db-backup',
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/managed-by': 'reliakit',
      'app.kubernetes.io/version': '16.4-bookworm',
      'reliakit.dev/environment': 'prod',
    }],
    ['restore-drill selector', () => jobSelector(SPEC, 'restore-drill'), { 'app.kubernetes.io/name': 'shop-db-restore-drill', 'app.kubernetes.io/instance': 'shop-db-restore-drill-prod' }],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('jobContainer', () => {
  test.each<[string, () => unknown, unknown]>([
    ['a step runs its script with the common environment', () => jobContainer(SPEC, { name: 'upload', image: 'amazon/aws-cli:2.17.50', script: 'upload.sh', env: [{ name: 'X', value: '1' }] }), {
      name: 'upload',
      image: 'amazon/aws-cli:2.17.50',
      imagePullPolicy: 'IfNotPresent',
      command: ['/bin/sh', '/scripts/upload.sh'],
      env: [
        { name: 'WORK_DIR', value: '/work' },
        { name: 'HOME', value: '/tmp' },
        { name: 'TMPDIR', value: '/tmp' },
        { name: 'X', value: '1' },
      ],
      resources: {
        requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('256Mi') },
        limits: { memory: k8s.Quantity.fromString('512Mi') },
      },
      securityContext: {
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
      },
      volumeMounts: [
        { name: 'work', mountPath: '/work' },
        { name: 'tmp', mountPath: '/tmp' },
        { name: 'scripts', mountPath: '/scripts', readOnly: true },
      ],
      terminationMessagePolicy: 'FallbackToLogsOnError',
    }],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('jobPodSpec', () => {
  test.each<[string, () => unknown, unknown]>([
    ['three steps: two init containers', () => jobPodSpec(SPEC, { ...jobSpecs(SPEC)[0], steps: [{ name: 'a', image: 'i:1', script: 'a.sh', env: [] }, { name: 'b', image: 'i:1', script: 'b.sh', env: [] }, { name: 'c', image: 'i:1', script: 'c.sh', env: [] }] }), {
      serviceAccountName: 'shop-db-backup',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: 'Never',
      securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [
        {
          name: 'a',
          image: 'i:1',
          imagePullPolicy: 'IfNotPresent',
          command: ['/bin/sh', '/scripts/a.sh'],
          env: [{ name: 'WORK_DIR', value: '/work' }, { name: 'HOME', value: '/tmp' }, { name: 'TMPDIR', value: '/tmp' }],
          resources: {
            requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('256Mi') },
            limits: { memory: k8s.Quantity.fromString('512Mi') },
          },
          securityContext: {
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ['ALL'] },
          },
          volumeMounts: [
            { name: 'work', mountPath: '/work' },
            { name: 'tmp', mountPath: '/tmp' },
            { name: 'scripts', mountPath: '/scripts', readOnly: true },
          ],
          terminationMessagePolicy: 'FallbackToLogsOnError',
        },
        {
          name: 'b',
          image: 'i:1',
          imagePullPolicy: 'IfNotPresent',
          command: ['/bin/sh', '/scripts/b.sh'],
          env: [{ name: 'WORK_DIR', value: '/work' }, { name: 'HOME', value: '/tmp' }, { name: 'TMPDIR', value: '/tmp' }],
          resources: {
            requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('256Mi') },
            limits: { memory: k8s.Quantity.fromString('512Mi') },
          },
          securityContext: {
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ['ALL'] },
          },
          volumeMounts: [
            { name: 'work', mountPath: '/work' },
            { name: 'tmp', mountPath: '/tmp' },
            { name: 'scripts', mountPath: '/scripts', readOnly: true },
          ],
          terminationMessagePolicy: 'FallbackToLogsOnError',
        },
      ],
      containers: [
        {
          name: 'c',
          image: 'i:1',
          imagePullPolicy: 'IfNotPresent',
          command: ['/bin/sh', '/scripts/c.sh'],
          env: [{ name: 'WORK_DIR', value: '/work' }, { name: 'HOME', value: '/tmp' }, { name: 'TMPDIR', value: '/tmp' }],
          resources: {
            requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('256Mi') },
            limits: { memory: k8s.Quantity.fromString('512Mi') },
          },
          securityContext: {
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ['ALL'] },
          },
          volumeMounts: [
            { name: 'work', mountPath: '/work' },
            { name: 'tmp', mountPath: '/tmp' },
            { name: 'scripts', mountPath: '/scripts', readOnly: true },
          ],
          terminationMessagePolicy: 'FallbackToLogsOnError',
        },
      ],
      volumes: [
        { name: 'work', emptyDir: { sizeLimit: k8s.Quantity.fromString('8Gi') } },
        { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
        { name: 'scripts', configMap: { name: 'shop-db-backup-scripts', defaultMode: 292 } },
      ],
    }],
    ['one step: no init containers, the work dir size', () => jobPodSpec(ENCRYPTED_OFFSITE, { ...jobSpecs(ENCRYPTED_OFFSITE)[2], steps: [{ name: 'sync', image: 'i:1', script: 'offsite-sync.sh', env: [] }] }), {
      serviceAccountName: 'shop-db-backup',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: 'Never',
      securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'sync',
          image: 'i:1',
          imagePullPolicy: 'IfNotPresent',
          command: ['/bin/sh', '/scripts/offsite-sync.sh'],
          env: [{ name: 'WORK_DIR', value: '/work' }, { name: 'HOME', value: '/tmp' }, { name: 'TMPDIR', value: '/tmp' }],
          resources: {
            requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('256Mi') },
            limits: { memory: k8s.Quantity.fromString('512Mi') },
          },
          securityContext: {
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ['ALL'] },
          },
          volumeMounts: [
            { name: 'work', mountPath: '/work' },
            { name: 'tmp', mountPath: '/tmp' },
            { name: 'scripts', mountPath: '/scripts', readOnly: true },
          ],
          terminationMessagePolicy: 'FallbackToLogsOnError',
        },
      ],
      volumes: [
        { name: 'work', emptyDir: { sizeLimit: k8s.Quantity.fromString('2Gi') } },
        { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
        { name: 'scripts', configMap: { name: 'shop-db-backup-scripts', defaultMode: 292 } },
      ],
    }],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('cronJobProps', () => {
  test.each<[string, () => unknown, unknown]>([
    ['defaults', () => cronJobProps(SPEC, { ...jobSpecs(SPEC)[0], steps: [{ name: 'dump', image: 'postgres:16.4-bookworm', script: 'dump.sh', env: [] }] }), {
      metadata: {
        name: 'shop-db-backup',
        namespace: 'shop',
        labels: {
          'app.kubernetes.io/name': 'shop-db-backup',
          'app.kubernetes.io/instance': 'shop-db-backup-prod',
          'app.kubernetes.io/component': 'db-backup',
          'app.kubernetes.io/part-of': 'shop',
          'app.kubernetes.io/managed-by': 'reliakit',
          'app.kubernetes.io/version': '16.4-bookworm',
          'reliakit.dev/environment': 'prod',
        },
      },
      spec: {
        schedule: '0 2 * * *',
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 1800,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: {
            labels: {
              'app.kubernetes.io/name': 'shop-db-backup',
              'app.kubernetes.io/instance': 'shop-db-backup-prod',
              'app.kubernetes.io/component': 'db-backup',
              'app.kubernetes.io/part-of': 'shop',
              'app.kubernetes.io/managed-by': 'reliakit',
              'app.kubernetes.io/version': '16.4-bookworm',
              'reliakit.dev/environment': 'prod',
            },
          },
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 7200,
            template: {
              metadata: {
                labels: {
                  'app.kubernetes.io/name': 'shop-db-backup',
                  'app.kubernetes.io/instance': 'shop-db-backup-prod',
                  'app.kubernetes.io/component': 'db-backup',
                  'app.kubernetes.io/part-of': 'shop',
                  'app.kubernetes.io/managed-by': 'reliakit',
                  'app.kubernetes.io/version': '16.4-bookworm',
                  'reliakit.dev/environment': 'prod',
                },
              },
              spec: {
                serviceAccountName: 'shop-db-backup',
                automountServiceAccountToken: false,
                enableServiceLinks: false,
                restartPolicy: 'Never',
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: 65532,
                  runAsGroup: 65532,
                  fsGroup: 65532,
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                containers: [
                  {
                    name: 'dump',
                    image: 'postgres:16.4-bookworm',
                    imagePullPolicy: 'IfNotPresent',
                    command: ['/bin/sh', '/scripts/dump.sh'],
                    env: [{ name: 'WORK_DIR', value: '/work' }, { name: 'HOME', value: '/tmp' }, { name: 'TMPDIR', value: '/tmp' }],
                    resources: {
                      requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('256Mi') },
                      limits: { memory: k8s.Quantity.fromString('512Mi') },
                    },
                    securityContext: {
                      allowPrivilegeEscalation: false,
                      privileged: false,
                      readOnlyRootFilesystem: true,
                      runAsNonRoot: true,
                      capabilities: { drop: ['ALL'] },
                    },
                    volumeMounts: [
                      { name: 'work', mountPath: '/work' },
                      { name: 'tmp', mountPath: '/tmp' },
                      { name: 'scripts', mountPath: '/scripts', readOnly: true },
                    ],
                    terminationMessagePolicy: 'FallbackToLogsOnError',
                  },
                ],
                volumes: [
                  { name: 'work', emptyDir: { sizeLimit: k8s.Quantity.fromString('8Gi') } },
                  { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
                  { name: 'scripts', configMap: { name: 'shop-db-backup-scripts', defaultMode: 292 } },
                ],
              },
            },
          },
        },
      },
    }],
    ['time zone, deadlines and TTL', () => cronJobProps(ENCRYPTED_OFFSITE, { ...jobSpecs(ENCRYPTED_OFFSITE)[2], steps: [{ name: 'sync', image: 'amazon/aws-cli:2.17.50', script: 'offsite-sync.sh', env: [] }] }), {
      metadata: {
        name: 'shop-db-offsite-sync',
        namespace: 'shop',
        labels: {
          'app.kubernetes.io/name': 'shop-db-offsite-sync',
          'app.kubernetes.io/instance': 'shop-db-offsite-sync-prod',
          'app.kubernetes.io/component': 'db-offsite-sync',
          'app.kubernetes.io/part-of': 'shop',
          'app.kubernetes.io/managed-by': 'reliakit',
          'app.kubernetes.io/version': '16.4-bookworm',
          'reliakit.dev/environment': 'prod',
        },
      },
      spec: {
        schedule: '0 4 * * 0',
        timeZone: 'Europe/Berlin',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 1800,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: {
            labels: {
              'app.kubernetes.io/name': 'shop-db-offsite-sync',
              'app.kubernetes.io/instance': 'shop-db-offsite-sync-prod',
              'app.kubernetes.io/component': 'db-offsite-sync',
              'app.kubernetes.io/part-of': 'shop',
              'app.kubernetes.io/managed-by': 'reliakit',
              'app.kubernetes.io/version': '16.4-bookworm',
              'reliakit.dev/environment': 'prod',
            },
          },
          spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: 1800,
            ttlSecondsAfterFinished: 259200,
            template: {
              metadata: {
                labels: {
                  'app.kubernetes.io/name': 'shop-db-offsite-sync',
                  'app.kubernetes.io/instance': 'shop-db-offsite-sync-prod',
                  'app.kubernetes.io/component': 'db-offsite-sync',
                  'app.kubernetes.io/part-of': 'shop',
                  'app.kubernetes.io/managed-by': 'reliakit',
                  'app.kubernetes.io/version': '16.4-bookworm',
                  'reliakit.dev/environment': 'prod',
                },
              },
              spec: {
                serviceAccountName: 'shop-db-backup',
                automountServiceAccountToken: false,
                enableServiceLinks: false,
                restartPolicy: 'Never',
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: 65532,
                  runAsGroup: 65532,
                  fsGroup: 65532,
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                containers: [
                  {
                    name: 'sync',
                    image: 'amazon/aws-cli:2.17.50',
                    imagePullPolicy: 'IfNotPresent',
                    command: ['/bin/sh', '/scripts/offsite-sync.sh'],
                    env: [{ name: 'WORK_DIR', value: '/work' }, { name: 'HOME', value: '/tmp' }, { name: 'TMPDIR', value: '/tmp' }],
                    resources: {
                      requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('256Mi') },
                      limits: { memory: k8s.Quantity.fromString('512Mi') },
                    },
                    securityContext: {
                      allowPrivilegeEscalation: false,
                      privileged: false,
                      readOnlyRootFilesystem: true,
                      runAsNonRoot: true,
                      capabilities: { drop: ['ALL'] },
                    },
                    volumeMounts: [
                      { name: 'work', mountPath: '/work' },
                      { name: 'tmp', mountPath: '/tmp' },
                      { name: 'scripts', mountPath: '/scripts', readOnly: true },
                    ],
                    terminationMessagePolicy: 'FallbackToLogsOnError',
                  },
                ],
                volumes: [
                  { name: 'work', emptyDir: { sizeLimit: k8s.Quantity.fromString('2Gi') } },
                  { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
                  { name: 'scripts', configMap: { name: 'shop-db-backup-scripts', defaultMode: 292 } },
                ],
              },
            },
          },
        },
      },
    }],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('jobNetworkPolicyProps', () => {
  test.each<[string, () => unknown, unknown]>([
    ['PostgreSQL backup: DNS, the server, the object store', () => jobNetworkPolicyProps(SPEC, jobSpecs(SPEC)[0]), {
      metadata: {
        name: 'shop-db-backup',
        namespace: 'shop',
        labels: {
          'app.kubernetes.io/name': 'shop-db-backup',
          'app.kubernetes.io/instance': 'shop-db-backup-prod',
          'app.kubernetes.io/component': 'db-backup',
          'app.kubernetes.io/part-of': 'shop',
          'app.kubernetes.io/managed-by': 'reliakit',
          'app.kubernetes.io/version': '16.4-bookworm',
          'reliakit.dev/environment': 'prod',
        },
      },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-db-backup', 'app.kubernetes.io/instance': 'shop-db-backup-prod' } },
        policyTypes: ['Ingress', 'Egress'],
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
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }],
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(5432) }],
          },
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } }],
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9000) }],
          },
        ],
      },
    }],
    ['Redis restore drill: DNS and the object store', () => jobNetworkPolicyProps(REDIS, jobSpecs(REDIS)[1]), {
      metadata: {
        name: 'shop-cache-restore-drill',
        namespace: 'shop',
        labels: {
          'app.kubernetes.io/name': 'shop-cache-restore-drill',
          'app.kubernetes.io/instance': 'shop-cache-restore-drill-prod',
          'app.kubernetes.io/component': 'cache-restore-drill',
          'app.kubernetes.io/part-of': 'shop',
          'app.kubernetes.io/managed-by': 'reliakit',
          'app.kubernetes.io/version': '7.2.5-bookworm',
          'reliakit.dev/environment': 'prod',
        },
      },
      spec: {
        podSelector: {
          matchLabels: { 'app.kubernetes.io/name': 'shop-cache-restore-drill', 'app.kubernetes.io/instance': 'shop-cache-restore-drill-prod' },
        },
        policyTypes: ['Ingress', 'Egress'],
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
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } }],
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9000) }],
          },
        ],
      },
    }],
    ['off-site copy: DNS and both object stores', () => jobNetworkPolicyProps(ENCRYPTED_OFFSITE, jobSpecs(ENCRYPTED_OFFSITE)[2]), {
      metadata: {
        name: 'shop-db-offsite-sync',
        namespace: 'shop',
        labels: {
          'app.kubernetes.io/name': 'shop-db-offsite-sync',
          'app.kubernetes.io/instance': 'shop-db-offsite-sync-prod',
          'app.kubernetes.io/component': 'db-offsite-sync',
          'app.kubernetes.io/part-of': 'shop',
          'app.kubernetes.io/managed-by': 'reliakit',
          'app.kubernetes.io/version': '16.4-bookworm',
          'reliakit.dev/environment': 'prod',
        },
      },
      spec: {
        podSelector: {
          matchLabels: { 'app.kubernetes.io/name': 'shop-db-offsite-sync', 'app.kubernetes.io/instance': 'shop-db-offsite-sync-prod' },
        },
        policyTypes: ['Ingress', 'Egress'],
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
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } }],
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9000) }],
          },
          { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(443) }] },
        ],
      },
    }],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('backupScripts', () => {
  test.each<[string, () => unknown, unknown]>([
    ['PostgreSQL, plain', () => backupScripts(SPEC), {
      'dump.sh': postgresDumpScript(false),
      'upload.sh': uploadScript(),
      'prune.sh': pruneScript(),
      'fetch.sh': fetchScript(),
      'verify.sh': postgresVerifyScript(false),
    }],
    ['PostgreSQL encrypted, with the off-site copy', () => backupScripts(ENCRYPTED_OFFSITE), {
      'dump.sh': postgresDumpScript(true),
      'upload.sh': uploadScript(),
      'prune.sh': pruneScript(),
      'fetch.sh': fetchScript(),
      'verify.sh': postgresVerifyScript(true),
      'offsite-sync.sh': offsiteSyncScript(),
    }],
    ['Redis', () => backupScripts(REDIS), {
      'dump.sh': redisDumpScript(false),
      'upload.sh': uploadScript(),
      'prune.sh': pruneScript(),
      'fetch.sh': fetchScript(),
      'verify.sh': redisVerifyScript(false),
    }],
    ['Redis encrypted', () => backupScripts({ ...REDIS, encryptionKey: { name: 'backup-key', key: 'passphrase' } }), {
      'dump.sh': redisDumpScript(true),
      'upload.sh': uploadScript(),
      'prune.sh': pruneScript(),
      'fetch.sh': fetchScript(),
      'verify.sh': redisVerifyScript(true),
    }],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});
