import { k8s } from 'cdk8s-plus-28';
import { NetworkPeer } from './network-peer';
import { tcpPort } from './network';

/** RFC 1918: where a cluster's API server endpoints live unless the cluster says otherwise. */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
/** The ports API servers listen on: 443 (managed control planes), 6443 (kubeadm, k3s). */
const API_SERVER_PORTS = [443, 6443];

/**
 * Where pods reach the Kubernetes API server, declared once per app (`ReliakitApp` prop
 * `apiServer`) and read by every NetworkPolicy that opens egress to it (CNPG instances and
 * poolers, chaos pods, the chaos schedule). A NetworkPolicy sees the API server's endpoint
 * addresses (the `kubernetes` Service is translated before the policy applies), which are node or
 * cloud control-plane IPs that no pod or namespace selector can name: so the peer is an IP block.
 */
export class ApiServerEndpoint {
  /**
   * Any private (RFC 1918) address on TCP 443 and 6443: where managed and self-hosted control
   * planes put their endpoints. Narrow it with {@link ApiServerEndpoint.cidrs} once the cluster's
   * endpoint addresses are known (`kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes`).
   */
  public static privateRanges(): ApiServerEndpoint {
    return new ApiServerEndpoint(PRIVATE_RANGES, API_SERVER_PORTS);
  }

  /** The given IP blocks on the given ports (default 443 and 6443). */
  public static cidrs(cidrs: readonly string[], ports: readonly number[] = API_SERVER_PORTS): ApiServerEndpoint {
    if (cidrs.length === 0) throw new Error("ApiServerEndpoint.cidrs: 'cidrs' is empty — give the API server's endpoint addresses");
    if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
      throw new Error(`ApiServerEndpoint.cidrs: 'ports' (${JSON.stringify(ports)}) are not TCP ports — use e.g. [443, 6443]`);
    }
    return new ApiServerEndpoint(cidrs, ports);
  }

  private constructor(
    /** The IP blocks of the endpoints. */
    public readonly cidrBlocks: readonly string[],
    /** The TCP ports the API server listens on. */
    public readonly ports: readonly number[],
  ) {}

  /** The egress rule to the API server. */
  public egressRule(): k8s.NetworkPolicyEgressRule {
    return { to: this.peers().map((p) => p._toKube()), ports: this.ports.map(tcpPort) };
  }

  /** The endpoints as network peers. */
  public peers(): NetworkPeer[] {
    return this.cidrBlocks.map((c) => NetworkPeer.cidr(c));
  }

  public toString(): string {
    return `the API server (${this.cidrBlocks.join(', ')} on TCP ${this.ports.join(', ')})`;
  }
}
