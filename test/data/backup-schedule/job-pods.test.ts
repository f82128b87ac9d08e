import { k8s } from 'cdk8s-plus-28';
import { cronJobProps, jobContainer, jobPodSpec, jobSpecs } from '../../../lib/data/backup-schedule/jobs';
import { ENCRYPTED_OFFSITE, SPEC } from './fixtures';

/** The work volume of a job: a generic ephemeral claim with the job's labels. */
function workVolume(component: string, size: string, storageClassName?: string): k8s.Volume {
  const name = `shop-${component}`;
  return {
    name: 'work',
    ephemeral: {
      volumeClaimTemplate: {
        metadata: {
          labels: {
            'app.kubernetes.io/name': name,
            'app.kubernetes.io/instance': `${name}-prod`,
            'app.kubernetes.io/component': component,
            'app.kubernetes.io/part-of': 'shop',
            'app.kubernetes.io/managed-by': 'reliakit',
            'app.kubernetes.io/version': '16.4-bookworm',
            'reliakit.dev/environment': 'prod',
          },
        },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName,
          resources: { requests: { storage: k8s.Quantity.fromString(size) } },
        },
      },
    },
  };
}

describe('jobContainer', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'a step runs its script with the common environment',
      () => jobContainer(SPEC, { name: 'upload', image: 'amazon/aws-cli:2.17.50', script: 'upload.sh', env: [{ name: 'X', value: '1' }] }),
      {
        name: 'upload',
        image: 'amazon/aws-cli:2.17.50',
        imagePullPolicy: 'IfNotPresent',
        command: ['/bin/sh', '/scripts/upload.sh'],
        env: [
          { name: 'WORK_DIR', value: '/work' },
          { name: 'HOME', value: '/tmp' },
          { name: 'TMPDIR', value: '/work/tmp' },
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
      },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('jobPodSpec', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'three steps: two init containers',
      () =>
        jobPodSpec(SPEC, {
          ...jobSpecs(SPEC)[0],
          steps: [
            { name: 'a', image: 'i:1', script: 'a.sh', env: [] },
            { name: 'b', image: 'i:1', script: 'b.sh', env: [] },
            { name: 'c', image: 'i:1', script: 'c.sh', env: [] },
          ],
        }),
      {
        serviceAccountName: 'shop-db-backup',
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        priorityClassName: 'reliakit-batch',
        restartPolicy: 'Never',
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 65532,
          runAsGroup: 65532,
          fsGroup: 65532,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        initContainers: [
          {
            name: 'a',
            image: 'i:1',
            imagePullPolicy: 'IfNotPresent',
            command: ['/bin/sh', '/scripts/a.sh'],
            env: [
              { name: 'WORK_DIR', value: '/work' },
              { name: 'HOME', value: '/tmp' },
              { name: 'TMPDIR', value: '/work/tmp' },
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
          },
          {
            name: 'b',
            image: 'i:1',
            imagePullPolicy: 'IfNotPresent',
            command: ['/bin/sh', '/scripts/b.sh'],
            env: [
              { name: 'WORK_DIR', value: '/work' },
              { name: 'HOME', value: '/tmp' },
              { name: 'TMPDIR', value: '/work/tmp' },
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
          },
        ],
        containers: [
          {
            name: 'c',
            image: 'i:1',
            imagePullPolicy: 'IfNotPresent',
            command: ['/bin/sh', '/scripts/c.sh'],
            env: [
              { name: 'WORK_DIR', value: '/work' },
              { name: 'HOME', value: '/tmp' },
              { name: 'TMPDIR', value: '/work/tmp' },
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
          },
        ],
        volumes: [
          workVolume('db-backup', '30Gi'),
          { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
          { name: 'scripts', configMap: { name: 'shop-db-backup-scripts', defaultMode: 292 } },
        ],
      },
    ],
    [
      'one step: no init containers, the work dir size',
      () =>
        jobPodSpec(ENCRYPTED_OFFSITE, {
          ...jobSpecs(ENCRYPTED_OFFSITE)[2],
          steps: [{ name: 'sync', image: 'i:1', script: 'offsite-sync.sh', env: [] }],
        }),
      {
        serviceAccountName: 'shop-db-backup',
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        priorityClassName: 'reliakit-batch',
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
            image: 'i:1',
            imagePullPolicy: 'IfNotPresent',
            command: ['/bin/sh', '/scripts/offsite-sync.sh'],
            env: [
              { name: 'WORK_DIR', value: '/work' },
              { name: 'HOME', value: '/tmp' },
              { name: 'TMPDIR', value: '/work/tmp' },
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
          },
        ],
        volumes: [
          workVolume('db-offsite-sync', '2Gi', 'fast'),
          { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
          { name: 'scripts', configMap: { name: 'shop-db-backup-scripts', defaultMode: 292 } },
        ],
      },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('cronJobProps', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'defaults',
      () =>
        cronJobProps(SPEC, {
          ...jobSpecs(SPEC)[0],
          steps: [{ name: 'dump', image: 'postgres:16.4-bookworm', script: 'dump.sh', env: [] }],
        }),
      {
        metadata: {
          name: 'shop-db-backup',
          namespace: 'shop',
          annotations: {
            'polaris.fairwinds.com/cpuLimitsMissing-exempt': 'true',
            'polaris.fairwinds.com/metadataAndInstanceMismatched-exempt': 'true',
            'polaris.fairwinds.com/missingNetworkPolicy-exempt': 'true',
            'polaris.fairwinds.com/pullPolicyNotAlways-exempt': 'true',
          },
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
                  priorityClassName: 'reliakit-batch',
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
                      env: [
                        { name: 'WORK_DIR', value: '/work' },
                        { name: 'HOME', value: '/tmp' },
                        { name: 'TMPDIR', value: '/work/tmp' },
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
                    },
                  ],
                  volumes: [
                    workVolume('db-backup', '30Gi'),
                    { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
                    { name: 'scripts', configMap: { name: 'shop-db-backup-scripts', defaultMode: 292 } },
                  ],
                },
              },
            },
          },
        },
      },
    ],
    [
      'time zone, deadlines and TTL',
      () =>
        cronJobProps(ENCRYPTED_OFFSITE, {
          ...jobSpecs(ENCRYPTED_OFFSITE)[2],
          steps: [{ name: 'sync', image: 'amazon/aws-cli:2.17.50', script: 'offsite-sync.sh', env: [] }],
        }),
      {
        metadata: {
          name: 'shop-db-offsite-sync',
          namespace: 'shop',
          annotations: {
            'polaris.fairwinds.com/cpuLimitsMissing-exempt': 'true',
            'polaris.fairwinds.com/metadataAndInstanceMismatched-exempt': 'true',
            'polaris.fairwinds.com/missingNetworkPolicy-exempt': 'true',
            'polaris.fairwinds.com/pullPolicyNotAlways-exempt': 'true',
          },
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
                  priorityClassName: 'reliakit-batch',
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
                      env: [
                        { name: 'WORK_DIR', value: '/work' },
                        { name: 'HOME', value: '/tmp' },
                        { name: 'TMPDIR', value: '/work/tmp' },
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
                    },
                  ],
                  volumes: [
                    workVolume('db-offsite-sync', '2Gi', 'fast'),
                    { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
                    { name: 'scripts', configMap: { name: 'shop-db-backup-scripts', defaultMode: 292 } },
                  ],
                },
              },
            },
          },
        },
      },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});
