/**
 * The Traefik deployment every gateway of a cluster runs on, declared once: the infrastructure
 * layer installs it with these values (HelmRelease), and each TraefikGateway derives from it what
 * depends on it — the per-replica share of a local rate limit, the X-Forwarded-For depth of a
 * client-IP criterion, the namespace its routed services admit.
 */

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * The proxies in front of Traefik (cloud load balancers, CDN edges) that append the client's
 * address to X-Forwarded-For. Traefik trusts forwarded headers only from `cidrs`; from anyone
 * else it drops them, so a client cannot forge its address.
 */
export interface TrustedProxies {
  /**
   * How many proxies append to X-Forwarded-For before Traefik: the client is the `hops`-th address
   * from the right (0: no proxy, the connection's own address is the client's).
   */
  readonly hops: number;
  /** The proxies' source ranges (Traefik's `forwardedHeaders.trustedIPs`); required when `hops` > 0. */
  readonly cidrs: readonly string[];
}

/** Props of a {@link TraefikPlatform}. */
export interface TraefikPlatformProps {
  /**
   * The namespace Traefik runs in; routed services admit it on their routed port only.
   * @default 'traefik'
   */
  readonly namespace?: string;
  /** Replicas of the Traefik deployment: a local rate limit is enforced by each of them. */
  readonly replicas: number;
  /** The proxies in front of Traefik whose X-Forwarded-For it trusts. */
  readonly trustedProxies: TrustedProxies;
}

/** One broken rule of a platform's props. */
function problems(p: TraefikPlatformProps): string[] {
  const out: string[] = [];
  if (!Number.isInteger(p.replicas) || p.replicas < 1) {
    out.push(`'replicas' (${p.replicas}) is not a positive integer — give the replica count of the Traefik deployment`);
  }
  const { hops, cidrs } = p.trustedProxies;
  if (!Number.isInteger(hops) || hops < 0) {
    out.push(`'trustedProxies.hops' (${hops}) is not a whole number ≥ 0 — count the proxies that append to X-Forwarded-For`);
  }
  if (hops > 0 && cidrs.length === 0) {
    out.push(
      `'trustedProxies.cidrs' ([]) is empty with hops ${hops}: Traefik would drop the proxies' X-Forwarded-For and every client would share the proxy's address — list the proxies' source ranges`,
    );
  }
  for (const cidr of cidrs) {
    const m = CIDR.exec(cidr);
    if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
      out.push(`'trustedProxies.cidrs' (${cidr}) is not an IPv4 CIDR — use e.g. '10.0.0.0/8'`);
    }
    if (cidr === '0.0.0.0/0') {
      out.push(`'trustedProxies.cidrs' (${cidr}) trusts every address, so any client can forge X-Forwarded-For — list the proxies' ranges`);
    }
  }
  return out;
}

/**
 * The cluster's Traefik deployment (see the module comment). Pass the same object to the app's
 * `infrastructure.traefik` and to every TraefikGateway's `traefik`.
 */
export class TraefikPlatform {
  /** The namespace Traefik runs in. */
  public readonly namespace: string;
  /** Replicas of the Traefik deployment. */
  public readonly replicas: number;
  /** The proxies in front of Traefik. */
  public readonly trustedProxies: TrustedProxies;

  constructor(props: TraefikPlatformProps) {
    const broken = problems(props);
    if (broken.length > 0)
      throw new Error(`TraefikPlatform: ${broken.length} rule(s) broken:\n${broken.map((b) => `  - ${b}`).join('\n')}`);
    this.namespace = props.namespace ?? 'traefik';
    this.replicas = props.replicas;
    this.trustedProxies = { hops: props.trustedProxies.hops, cidrs: [...props.trustedProxies.cidrs] };
  }

  /**
   * The Traefik chart's values for this platform: the replica count, and on both entry points the
   * proxies whose forwarded headers are trusted (none: Traefik overwrites X-Forwarded-For).
   */
  public helmValues(): Record<string, unknown> {
    const forwardedHeaders = { trustedIPs: [...this.trustedProxies.cidrs] };
    return {
      deployment: { replicas: this.replicas },
      ports: {
        web: { forwardedHeaders },
        websecure: { forwardedHeaders: { ...forwardedHeaders, trustedIPs: [...forwardedHeaders.trustedIPs] } },
      },
    };
  }
}
