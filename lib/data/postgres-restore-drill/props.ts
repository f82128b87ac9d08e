import { Duration } from 'cdk8s';
import { ContainerResources } from 'cdk8s-plus-28';
import { CronSchedule } from '../../core/cron';
import { ApiServerEndpoint } from '../../core/api-server';
import type { HAPostgres } from '../ha-postgres/ha-postgres';

/** Props of a {@link PostgresRestoreDrill}. */
export interface PostgresRestoreDrillProps {
  /**
   * The database drilled: its Barman Cloud ObjectStore is recovered into a throwaway one-instance
   * Cluster `<database>-drill`, which is deleted after every run.
   */
  readonly database: HAPostgres;
  /** When the drill runs (5-field cron or cdk8s `Cron`), e.g. weekly on Sunday at 05:00: `'0 5 * * 0'`. */
  readonly schedule: CronSchedule;
  /**
   * The plan's recovery time objective: the drill's measured time is alerted against it
   * (RestoreDrillAlertPack), and the drill gives up after twice it (`timeout`).
   */
  readonly rto: Duration;
  /**
   * Tables counted in the recovered database (`table` in `public`, or `schema.table`): each is read
   * in full, so with data checksums on (HAPostgres bootstraps with them) a corrupted page fails the
   * drill, and the row counts are in its log. The drill fails when there is no table at all.
   * @default - every table of the application database
   */
  readonly tables?: readonly string[];
  /**
   * How long the drill waits for the recovered Cluster to become Ready.
   * @default - twice `rto`
   */
  readonly timeout?: Duration;
  /**
   * The time zone of the schedule (IANA name).
   * @default 'Etc/UTC'
   */
  readonly timeZone?: string;
  /**
   * Pinned image with kubectl and a POSIX shell.
   * @default Images.KUBECTL
   */
  readonly kubectlImage?: string;
  /**
   * Requests and limits of the drill's container (it only runs kubectl).
   * @default - requests 50m CPU / 64Mi, limit 256Mi
   */
  readonly resources?: ContainerResources;
  /**
   * Where the drill reaches the Kubernetes API server (its NetworkPolicy's egress).
   * @default - the app's `apiServer`, declared once for every policy
   */
  readonly apiServer?: ApiServerEndpoint;
}
