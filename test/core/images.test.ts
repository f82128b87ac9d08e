import { imagePinningProblem } from '../../lib/core/image';
import { Images, unpatchedImageProblem } from '../../lib/core/images';

const PG = 'CVE-2025-1094, CVE-2025-8714, CVE-2026-6473, CVE-2026-6477';

describe('unpatchedImageProblem', () => {
  test.each<[string, string | undefined]>([
    ['ghcr.io/cloudnative-pg/postgresql:16.14', undefined],
    ['ghcr.io/cloudnative-pg/postgresql:16.14-system-trixie', undefined],
    [`ghcr.io/cloudnative-pg/postgresql:15.18@sha256:${'a'.repeat(64)}`, undefined],
    ['ghcr.io/cloudnative-pg/postgresql:16.6', `ghcr.io/cloudnative-pg/postgresql:16.6 is postgresql 16.6, below 16.14, which fixes ${PG}`],
    [
      'ghcr.io/cloudnative-pg/postgresql:15.10',
      `ghcr.io/cloudnative-pg/postgresql:15.10 is postgresql 15.10, below 15.18, which fixes ${PG}`,
    ],
    ['postgres:16.9-bookworm', `postgres:16.9-bookworm is postgresql 16.9, below 16.14, which fixes ${PG}`],
    ['postgres:13.22', `postgres:13.22 is postgresql 13.22, a line that gets no fix for ${PG}`],
    ['postgres:18.4', undefined],
    ['postgres:19.0', undefined],
    ['redis:7.4.1-alpine', 'redis:7.4.1-alpine is redis 7.4.1, below 7.4.6, which fixes CVE-2025-49844'],
    ['redis:7.4.6-alpine', undefined],
    ['redis:7.2.11', undefined],
    ['redis:7.0.15', 'redis:7.0.15 is redis 7.0.15, a line that gets no fix for CVE-2025-49844'],
    ['redis:8.2.1', 'redis:8.2.1 is redis 8.2.1, below 8.2.2, which fixes CVE-2025-49844'],
    [
      'ghcr.io/cloudnative-pg/pgbouncer:1.24.1',
      'ghcr.io/cloudnative-pg/pgbouncer:1.24.1 is pgbouncer 1.24.1, below 1.25.2, which fixes CVE-2026-6664, CVE-2026-6666',
    ],
    ['ghcr.io/cloudnative-pg/pgbouncer:1.25.2', undefined],
    [
      `redis@sha256:${'a'.repeat(64)}`,
      `redis@sha256:${'a'.repeat(64)} has no version tag, so whether it has the redis CVE fixes cannot be told`,
    ],
    ['oliver006/redis_exporter:v1.66.0', undefined],
    ['amazon/aws-cli:2.17.50', undefined],
  ])('%s', (image, expected) => {
    expect(unpatchedImageProblem(image)).toBe(expected);
  });
});

test.each(Object.entries(Images))('Images.%s (%s) is pinned and patched', (_name, image) => {
  expect([imagePinningProblem(image), unpatchedImageProblem(image)]).toEqual([undefined, undefined]);
});
