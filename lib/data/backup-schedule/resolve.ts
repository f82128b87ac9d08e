import { Duration, Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { BackupTarget, SecretKeyReference } from '../backup-target';
import { toLabelValue } from '../../core/conventions';
import { checkCron, CronSchedule } from '../../core/cron';
import { imagePinningProblem, parseImage } from '../../core/image';
import { NetworkPeer } from '../../core/network-peer';
import { goDuration, sizeBytes, wholeSeconds } from '../../core/units';
import { Violations } from '../../core/validation';
import { BackupJobProps, BackupSource, RestoreDrillProps } from './props';
import { ResolvedDrill, ResolvedJobs } from './spec';

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** A schedule as a 5-field expression ('' when missing or invalid, reported to `v`). */
export function resolveSchedule(v: Violations, prop: string, schedule: CronSchedule | undefined): string {
  if (schedule === undefined) {
    v.add(prop, undefined, 'is missing', "set a 5-field cron schedule, e.g. '0 3 * * *' (daily at 03:00)");
    return '';
  }
  const checked = checkCron(schedule);
  if (checked.error !== undefined) {
    v.add(
      prop,
      typeof schedule === 'string' ? schedule : schedule.expressionString,
      checked.error,
      "use 5 fields: minute hour day-of-month month day-of-week, e.g. '0 3 * * *'",
    );
    return '';
  }
  return checked.expression;
}

/** Checks the source; returns the version label (the image tag). */
export function validateSource(v: Violations, source: BackupSource): string {
  const pinning = imagePinningProblem(source.image);
  if (pinning) v.add('source.image', source.image, ...pinning);
  v.check(
    !Number.isInteger(source.port) || source.port < 1 || source.port > 65535,
    'source.port',
    source.port,
    'is not a port number (1–65535)',
    'use the port the server listens on',
  );
  v.check(
    source.host.trim() === '' || /\s/.test(source.host),
    'source.host',
    source.host,
    'is not a host name',
    "use the server's Service DNS name",
  );
  if (source.engine === 'postgres') {
    v.check(!source.database, 'source.database', source.database, 'is empty', 'name the database to dump');
    if (typeof source.username === 'string') {
      v.check(source.username.trim() === '', 'source.username', source.username, 'is empty', 'name the role to dump as');
    } else if (source.username) {
      checkSecretKey(v, 'source.username', source.username);
    }
    if (source.password) checkSecretKey(v, 'source.password', source.password);
    const tag = parseImage(source.image).tag;
    const major = Number(/^(\d+)/.exec(tag ?? '')?.[1]);
    if (source.majorVersion !== undefined) {
      // pg_dump refuses a newer server; an older server's dump restores, but then the drill
      // would test other tools than production's restore would use.
      v.check(
        major !== source.majorVersion,
        'source.image',
        source.image,
        `is not PostgreSQL ${source.majorVersion}, the server's major version (pg_dump cannot dump a newer server)`,
        `use the server's major version, e.g. 'postgres:${source.majorVersion}.x-bookworm'`,
      );
    }
  } else if (source.password) {
    checkSecretKey(v, 'source.password', source.password);
  }
  const ref = parseImage(source.image);
  return toLabelValue(ref.tag ?? (ref.digest ?? 'unknown').replace(/^sha256:/, '').slice(0, 12)) || 'unknown';
}

export function checkSecretKey(v: Violations, prop: string, ref: SecretKeyReference): void {
  v.check(
    ref.name.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(ref.name),
    `${prop}.name`,
    ref.name,
    'is not a Secret name',
    'use the name of a Secret in the same namespace',
  );
  v.check(
    !/^[-._a-zA-Z0-9]+$/.test(ref.key),
    `${prop}.key`,
    ref.key,
    'is not a Secret key',
    'use letters, digits, dashes, dots and underscores',
  );
}

export function resolveDrill(v: Violations, source: BackupSource, props: RestoreDrillProps): ResolvedDrill {
  const drill = { checkSql: props.checkSql };
  if (source.engine === 'postgres') {
    // The drill's throwaway server runs as the image's postgres user (initdb needs a passwd entry).
    v.check(
      source.serverUid === undefined || !Number.isInteger(source.serverUid) || source.serverUid < 1,
      'source.serverUid',
      source.serverUid,
      `is unknown for image ${source.image}, so the drill cannot start its throwaway server (initdb refuses a UID without a passwd entry)`,
      "set the UID of the image's postgres user (26 in CloudNativePG's images, 999 in the official Debian-based ones)",
    );
    v.check(
      drill.checkSql !== undefined && drill.checkSql.trim() === '',
      'restoreDrill.checkSql',
      drill.checkSql,
      'is empty',
      "remove it or give a query returning true, e.g. 'SELECT count(*) > 0 FROM users'",
    );
  } else {
    v.check(
      props.checkSql !== undefined,
      'restoreDrill.checkSql',
      props.checkSql,
      'applies to PostgreSQL only; a Redis drill loads the snapshot into a throwaway in-pod server',
      'remove restoreDrill.checkSql',
    );
  }
  return drill;
}

/**
 * The work volume's size: as given, at least the source's declared size; by default three times
 * it — the dump (at most the data), the drill's restored database (the data), and the split and
 * sort of the largest table while a manifest is computed (at most the data again).
 */
export function resolveWorkDirSize(v: Violations, source: BackupSource, size: Size | undefined): Size {
  const declared = source.declaredSize;
  if (size === undefined) {
    if (declared) {
      const bytes = 3 * sizeBytes(declared);
      return bytes % 1024 ** 3 === 0 ? Size.gibibytes(bytes / 1024 ** 3) : Size.mebibytes(Math.ceil(bytes / 1024 ** 2));
    }
    v.add(
      'workDirSize',
      undefined,
      `is missing, and the source (${source}) declares no size to derive it from`,
      "set it to about three times the data's size, or give the source its declaredSize",
    );
    return Size.gibibytes(1);
  }
  v.check(
    sizeBytes(size) < 64 * 1024 ** 2,
    'workDirSize',
    size.asString(),
    'is below 64Mi',
    "size it at about three times the data's size",
  );
  if (declared) {
    v.check(
      sizeBytes(size) < sizeBytes(declared),
      'workDirSize',
      size.asString(),
      `is smaller than the source's declared size (${declared.asString()}), so a full database could be neither dumped nor restored in it`,
      `use at least ${declared.asString()}, or leave it unset for three times that`,
    );
  }
  return size;
}

export function resolveJobs(v: Violations, props: BackupJobProps): ResolvedJobs {
  const jobs: ResolvedJobs = {
    backoffLimit: props.backoffLimit ?? 2,
    activeDeadline: props.activeDeadline ?? Duration.hours(2),
    startingDeadline: props.startingDeadline ?? Duration.minutes(30),
    successfulJobsHistoryLimit: props.successfulJobsHistoryLimit ?? 3,
    failedJobsHistoryLimit: props.failedJobsHistoryLimit ?? 3,
    ttlAfterFinished: props.ttlAfterFinished,
  };
  for (const prop of ['backoffLimit', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'] as const) {
    v.check(!Number.isInteger(jobs[prop]) || jobs[prop] < 0, `jobs.${prop}`, jobs[prop], 'is not a non-negative integer', 'use e.g. 3');
  }
  v.check(
    jobs.failedJobsHistoryLimit === 0,
    'jobs.failedJobsHistoryLimit',
    0,
    'keeps no failed job, so a failed backup leaves no logs to debug',
    'keep at least 1',
  );
  const deadline = wholeSeconds(jobs.activeDeadline);
  v.check(
    deadline === undefined || deadline < 60,
    'jobs.activeDeadline',
    goDuration(jobs.activeDeadline),
    'is not whole seconds of at least 1 minute',
    'allow the dump, upload and retries time, e.g. Duration.hours(2)',
  );
  const starting = wholeSeconds(jobs.startingDeadline);
  // The CronJob controller checks every 10 s; a shorter deadline can skip runs for no reason.
  v.check(
    starting === undefined || starting < 10,
    'jobs.startingDeadline',
    goDuration(jobs.startingDeadline),
    'is not whole seconds of at least 10 s',
    'use e.g. Duration.minutes(30)',
  );
  if (jobs.ttlAfterFinished) {
    const ttl = wholeSeconds(jobs.ttlAfterFinished);
    v.check(
      ttl === undefined || ttl < 0,
      'jobs.ttlAfterFinished',
      goDuration(jobs.ttlAfterFinished),
      'is not whole seconds',
      'use whole seconds, e.g. Duration.days(3)',
    );
  }
  return jobs;
}

/** The egress rule to an object store: the given peer, or one derived from the endpoint. */
export function storageEgress(
  v: Violations,
  prop: string,
  target: BackupTarget,
  peer: NetworkPeer | undefined,
): k8s.NetworkPolicyEgressRule {
  let url: URL | undefined;
  try {
    url = new URL(target.endpoint);
  } catch {
    url = undefined; // target.problems() reports the endpoint
  }
  const port = url ? Number(url.port || (url.protocol === 'https:' ? 443 : 80)) : 443;
  let resolved = peer;
  if (!resolved && url) {
    resolved = target.provider === 'aws' ? NetworkPeer.publicInternet() : peerOfHost(url.hostname);
    if (!resolved) {
      v.add(
        prop,
        undefined,
        `cannot be derived from the endpoint ${target.endpoint}, whose host names no namespace`,
        "set it, e.g. NetworkPeer.namespace('minio') or NetworkPeer.cidr('203.0.113.10/32')",
      );
    }
  }
  return { to: resolved ? [resolved._toKube()] : [], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }] };
}

export function sourceEgress(source: BackupSource, namespace: string): k8s.NetworkPolicyEgressRule {
  const peer = source.peer ?? peerOfHost(source.host) ?? NetworkPeer.namespace(namespace);
  // Under Sentinel the job asks the sentinels (`port`), then connects to the master they name.
  const ports = [source.port, ...(source.sentinel && source.sentinel.masterPort !== source.port ? [source.sentinel.masterPort] : [])];
  return { to: [peer._toKube()], ports: ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) })) };
}

/** `svc.ns[.svc[.cluster.local]]` → namespace ns; an IPv4 address → its /32; a bare name → undefined. */
export function peerOfHost(host: string): NetworkPeer | undefined {
  if (IPV4.test(host)) return NetworkPeer.cidr(`${host}/32`);
  const labels = host.split('.');
  if (labels.length === 2 || (labels.length >= 3 && labels[2] === 'svc')) return NetworkPeer.namespace(labels[1]);
  return undefined;
}
