import { k8s } from 'cdk8s-plus-28';
import { NAMESPACE_NAME_LABEL } from './conventions';

/** IPv4 ranges that never hold a public address (see {@link NetworkPeer.publicInternet}). */
const NON_PUBLIC_IPV4 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', '127.0.0.0/8'];

/**
 * Who a NetworkPolicy rule admits or reaches outside the cluster's services: a whole namespace
 * (the gateway's, monitoring's), pods with given labels in a namespace, or an IP block (the public internet among them).
 * Another ReliableService is referred to as an object instead (`ingressFrom`, `dependencies`).
 */
export class NetworkPeer {
  /** Every pod of a namespace (selected by its `kubernetes.io/metadata.name` label). */
  public static namespace(name: string): NetworkPeer {
    return new NetworkPeer({ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } } }, `namespace ${name}`);
  }

  /** Pods carrying `labels` in namespace `name`. */
  public static podsInNamespace(name: string, labels: Readonly<Record<string, string>>): NetworkPeer {
    return new NetworkPeer(
      {
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } },
        podSelector: { matchLabels: { ...labels } },
      },
      `pods ${JSON.stringify(labels)} in namespace ${name}`,
    );
  }

  /**
   * Public IPv4 addresses: the whole internet without the ranges that are never public — RFC 1918
   * (the cluster's own pods, services and nodes), CGNAT (100.64.0.0/10), link-local (169.254.0.0/16,
   * the cloud metadata service whose credentials an SSRF could steal) and loopback. For hosted
   * APIs without fixed addresses (S3, KMS, SaaS endpoints, model registries), since a
   * NetworkPolicy cannot name a host.
   */
  public static publicInternet(): NetworkPeer {
    return NetworkPeer.cidr('0.0.0.0/0', NON_PUBLIC_IPV4);
  }

  /** An IP block, optionally with holes. */
  public static cidr(cidr: string, except: readonly string[] = []): NetworkPeer {
    return new NetworkPeer({ ipBlock: { cidr, except: except.length > 0 ? [...except] : undefined } }, `CIDR ${cidr}`, cidr);
  }

  private constructor(
    private readonly peer: k8s.NetworkPolicyPeer,
    private readonly description: string,
    /** The CIDR of an IP-block peer, for validation. */
    public readonly cidrBlock?: string,
  ) {}

  public toString(): string {
    return this.description;
  }

  /** @internal */
  public _toKube(): k8s.NetworkPolicyPeer {
    return this.peer;
  }
}
