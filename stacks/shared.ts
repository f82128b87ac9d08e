/** Settings shared by the stacks. */
import { Size } from 'cdk8s';
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
