import { k8s } from 'cdk8s-plus-28';
import { jobLabels, jobNetworkPolicyProps, jobSelector, jobSpecs } from '../../../lib/data/backup-schedule/jobs';
import { ENCRYPTED_OFFSITE, REDIS, SPEC } from './fixtures';

describe('jobLabels and jobSelector', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'backup labels',
      () => jobLabels(SPEC, 'backup'),
      {
        'app.kubernetes.io/name': 'shop-db-backup',
        'app.kubernetes.io/instance': 'shop-db-backup-prod',
        'app.kubernetes.io/component': 'db-backup',
        'app.kubernetes.io/part-of': 'shop',
        'app.kubernetes.io/managed-by': 'reliakit',
        'app.kubernetes.io/version': '16.4-bookworm',
        'reliakit.dev/environment': 'prod',
      },
    ],
    [
      'restore-drill selector',
      () => jobSelector(SPEC, 'restore-drill'),
      { 'app.kubernetes.io/name': 'shop-db-restore-drill', 'app.kubernetes.io/instance': 'shop-db-restore-drill-prod' },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});

describe('jobNetworkPolicyProps', () => {
  test.each<[string, () => unknown, unknown]>([
    [
      'PostgreSQL backup: DNS, the server, the object store',
      () => jobNetworkPolicyProps(SPEC, jobSpecs(SPEC)[0]),
      {
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
      },
    ],
    [
      'Redis restore drill: DNS and the object store',
      () => jobNetworkPolicyProps(REDIS, jobSpecs(REDIS)[1]),
      {
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
            matchLabels: {
              'app.kubernetes.io/name': 'shop-cache-restore-drill',
              'app.kubernetes.io/instance': 'shop-cache-restore-drill-prod',
            },
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
      },
    ],
    [
      'off-site copy: DNS and both object stores',
      () => jobNetworkPolicyProps(ENCRYPTED_OFFSITE, jobSpecs(ENCRYPTED_OFFSITE)[2]),
      {
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
      },
    ],
  ])('%s', (_, render, expected) => {
    expect(render()).toEqual(expected);
  });
});
