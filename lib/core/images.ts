import { parseImage } from './image';

/**
 * The third-party images Reliakit deploys, pinned in one place so a security fix is one edit:
 * the library's defaults (Pooler, redis_exporter, AWS CLI) and what the stacks pin for their
 * databases and caches. Each PostgreSQL, Redis and PgBouncer pin is at or above the release that
 * fixes the CVEs {@link PATCHED_RELEASES} names for its line; a test fails any tree that deploys
 * an older one.
 */
export const Images = {
  // CloudNativePG's operand tags: `<major>.<minor>-standard-<debian>`. The plain `16.14` form is
  // a deprecated tag that only ever pointed at the legacy bullseye `system` images (Barman Cloud
  // built in) and stopped being produced when bullseye reached end of life in September 2026;
  // `standard` (PostgreSQL, locales, PGAudit, pgvector, no Barman Cloud) is the image meant for the
  // Barman Cloud plugin the clusters use, on Debian trixie. CNPG reads the major from the tag's start.
  /**
   * CloudNativePG's PostgreSQL 15 operand. 15.18 (May 2026) fixes CVE-2025-1094 (libpq quoting
   * → SQL injection through psql, 15.11), CVE-2025-8714 (pg_dump lets a superuser of the origin
   * server inject code into the restore, 15.14) and the 8.8-rated CVE-2026-6473 (integer
   * wraparound → out-of-bounds write) and CVE-2026-6477 (libpq large-object stack overwrite by a
   * hostile server, reachable from pg_dump), among that release's eleven.
   */
  POSTGRES_15: 'ghcr.io/cloudnative-pg/postgresql:15.18-standard-trixie',
  /** PostgreSQL 16, the same fixes: CVE-2025-1094 (16.7), CVE-2025-8714 (16.10), CVE-2026-6473 and CVE-2026-6477 (16.14). */
  POSTGRES_16: 'ghcr.io/cloudnative-pg/postgresql:16.14-standard-trixie',
  /** PostgreSQL 17, the same fixes: CVE-2025-1094 (17.3), CVE-2025-8714 (17.6), CVE-2026-6473 and CVE-2026-6477 (17.10). */
  POSTGRES_17: 'ghcr.io/cloudnative-pg/postgresql:17.10-standard-trixie',
  /**
   * Redis 7.4 (the stacks' major; the dump jobs run it too). 7.4.6 fixes CVE-2025-49844
   * ("RediShell": a use-after-free in the Lua parser, remote code execution for any client
   * allowed to run scripts) and its release's Lua CVE-2025-46817, CVE-2025-46818, CVE-2025-46819.
   */
  REDIS: 'redis:7.4.6-alpine',
  /** The RedisCache's metrics sidecar. */
  REDIS_EXPORTER: 'oliver006/redis_exporter:v1.66.0',
  /**
   * CloudNativePG's PgBouncer image for Poolers (the operator's own default follows the operator's
   * version, not ours). 1.25.2 fixes CVE-2026-6664 (an unauthenticated SCRAM packet crashes the
   * pooler) and CVE-2026-6666 (a server error without SQLSTATE crashes it).
   */
  PGBOUNCER: 'ghcr.io/cloudnative-pg/pgbouncer:1.25.2',
  /** The backup jobs' uploads, retention, fetch and off-site copy. */
  AWS_CLI: 'amazon/aws-cli:2.17.50',
  /**
   * kubectl with a POSIX shell (registry.k8s.io/kubectl is distroless: no shell), for the jobs that
   * drive other objects: the physical restore drill and the chaos schedule. Alpine's k8s image;
   * kubectl 1.29 is within the supported version skew (±1 minor) of the 1.28 API servers the tree
   * targets (1.33 would not be). The scripts use only get, patch, create, wait, exec and delete.
   */
  KUBECTL: 'alpine/k8s:1.29.15',
} as const;

/** Software whose images carry known CVEs below some release. */
export type PatchedSoftware = 'postgresql' | 'redis' | 'pgbouncer';

/** The first release of a line that fixes the CVEs named. */
export interface PatchedRelease {
  readonly software: PatchedSoftware;
  /** The release line: a major (`16`) or major.minor (`7.4`). */
  readonly line: string;
  readonly minimum: string;
  readonly cves: readonly string[];
}

const PG_CVES = ['CVE-2025-1094', 'CVE-2025-8714', 'CVE-2026-6473', 'CVE-2026-6477'];
const REDIS_CVES = ['CVE-2025-49844'];

/**
 * The floors {@link Images} respects. A line not listed below the highest listed one is out of
 * support and gets no fix (PostgreSQL 13, Redis 7.0); one above it is newer than the fixes.
 */
export const PATCHED_RELEASES: readonly PatchedRelease[] = [
  { software: 'postgresql', line: '14', minimum: '14.23', cves: PG_CVES },
  { software: 'postgresql', line: '15', minimum: '15.18', cves: PG_CVES },
  { software: 'postgresql', line: '16', minimum: '16.14', cves: PG_CVES },
  { software: 'postgresql', line: '17', minimum: '17.10', cves: PG_CVES },
  { software: 'postgresql', line: '18', minimum: '18.4', cves: ['CVE-2026-6473', 'CVE-2026-6477'] },
  { software: 'redis', line: '6.2', minimum: '6.2.20', cves: REDIS_CVES },
  { software: 'redis', line: '7.2', minimum: '7.2.11', cves: REDIS_CVES },
  { software: 'redis', line: '7.4', minimum: '7.4.6', cves: REDIS_CVES },
  { software: 'redis', line: '8.0', minimum: '8.0.4', cves: REDIS_CVES },
  { software: 'redis', line: '8.2', minimum: '8.2.2', cves: REDIS_CVES },
  { software: 'pgbouncer', line: '1', minimum: '1.25.2', cves: ['CVE-2026-6664', 'CVE-2026-6666'] },
];

const SOFTWARE: Readonly<Record<string, PatchedSoftware>> = {
  postgres: 'postgresql',
  postgresql: 'postgresql',
  redis: 'redis',
  pgbouncer: 'pgbouncer',
};

/** The dotted version a tag starts with (`7.4.1-alpine` → [7, 4, 1]), or undefined. */
function tagVersion(tag: string | undefined): number[] | undefined {
  const m = /^v?(\d+(?:\.\d+)*)/.exec(tag ?? '');
  return m ? m[1].split('.').map(Number) : undefined;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Why `image` runs PostgreSQL, Redis or PgBouncer with a known CVE, or undefined when it is at
 * or above its line's fix (or is other software). Judged by the repository's last path segment
 * and the tag's version.
 */
export function unpatchedImageProblem(image: string): string | undefined {
  const ref = parseImage(image);
  const software = SOFTWARE[ref.repository.split('/').pop() ?? ''];
  if (!software) return undefined;
  const version = tagVersion(ref.tag);
  if (!version) return `${image} has no version tag, so whether it has the ${software} CVE fixes cannot be told`;
  const releases = PATCHED_RELEASES.filter((r) => r.software === software);
  const release = releases.find((r) =>
    r.line
      .split('.')
      .map(Number)
      .every((n, i) => version[i] === n),
  );
  if (release) {
    return compare(version, release.minimum.split('.').map(Number)) < 0
      ? `${image} is ${software} ${version.join('.')}, below ${release.minimum}, which fixes ${release.cves.join(', ')}`
      : undefined;
  }
  const highest = releases
    .map((r) => r.line.split('.').map(Number))
    .sort(compare)
    .reverse()[0];
  return compare(version, highest) < 0
    ? `${image} is ${software} ${version.join('.')}, a line that gets no fix for ${releases[0].cves.join(', ')}`
    : undefined;
}
