/** Settings shared by the stacks. */
import { Duration, Size } from 'cdk8s';
import { ContainerResources, Cpu } from 'cdk8s-plus-28';
import { TraefikPlatform } from '../lib';

/**
 * Resources of every backup, drill and off-site job container: pg_dump and the AWS CLI are mostly
 * I/O-bound; the memory limit bounds a runaway restore check.
 */
export const BACKUP_JOB_RESOURCES: ContainerResources = {
  cpu: { request: Cpu.millis(100) },
  memory: { request: Size.mebibytes(256), limit: Size.mebibytes(1024) },
};

/**
 * The cluster's Traefik, declared once: the infrastructure layer installs it with these values
 * (stacks/main.ts) and every gateway runs on it. Two replicas (no plan sizes the gateway; one
 * survives a node drain). Assumed platform: one cloud load balancer in front of Traefik, in the
 * VPC's private range, appending the client's address to X-Forwarded-For — so the client is the
 * first address from the right (hops 1), and Traefik trusts forwarded headers from that range
 * only, so a client cannot forge its address. A second proxy (a CDN) means hops 2 and its ranges.
 */
export const TRAEFIK = new TraefikPlatform({
  namespace: 'traefik',
  replicas: 2,
  trustedProxies: { hops: 1, cidrs: ['10.0.0.0/8'] },
});

/**
 * The request-duration histogram buckets the apps expose (part of their app contract, listed in
 * RELIABILITY.md): the Prometheus client libraries' defaults plus 0.2 s and 2 s, the thresholds of
 * the plans' latency SLOs (p95/p99 < 200 ms, p99 < 2 s) that the defaults lack. A latency SLO reads
 * `_bucket{le="<threshold>"}`, which exists only if the app's histogram has that boundary: each
 * app configures its histogram with exactly this list (e.g. Go: `prometheus.HistogramOpts{Buckets: ...}`).
 */
export const APP_LATENCY_BUCKETS: readonly Duration[] = [5, 10, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000].map((ms) =>
  Duration.millis(ms),
);
