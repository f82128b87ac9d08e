import { k8s } from 'cdk8s-plus-28';
import { NAMESPACE_NAME_LABEL } from './conventions';

/**
 * Who a NetworkPolicy rule admits or reaches outside the cluster's services: a whole namespace
 * (the gateway's, monitoring's), pods with given labels in a namespace, or an IP block.
 * Another ReliableService is referred to as an object instead (`ingressFrom`, `dependencies`).
 */
export class NetworkPeer {
  /** Every pod of a namespace (selected by its `kubernetes.io/metadata.name` label). */
  public static namespace(name: string): NetworkPeer {
    return new NetworkPeer({ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } } }, `namespace ${name}`);
  }

  /** Pods carrying `labels` in namespace `name`. */
  public static podsInNamespace(name: string, labels: Readonly<Record<string, string>>): NetworkPeer {
    return new NetworkPeer({
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } },
      podSelector: { matchLabels: { ...labels } },
    }, `pods ${JSON.stringify(labels)} in namespace ${name}`);
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
