import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { KubeJson, RenderedDirectory } from '../../lib';

/** A Kubernetes object as the cdk8s app renders it (JSON). */
export type Manifest = KubeJson;

/** Args of a {@link SystemRelease}. */
export interface SystemReleaseArgs {
  /** The system's name. */
  readonly system: string;
  /** The environment's name. */
  readonly environment: string;
  /** The system's namespace. */
  readonly namespace: string;
  /**
   * The system's rendered directories, in apply order: the data layer (`<system>-data`, holding
   * the namespace and the stateful components) first when there is one, then the apps.
   */
  readonly directories: readonly RenderedDirectory[];
  /** The Kubernetes provider every object is applied with. */
  readonly provider: k8s.Provider;
  /**
   * Resources the system's objects wait for besides its Namespace: the secret manager entries its
   * SyncedSecrets read (the off-site backup credentials), so external-secrets finds them at once.
   * The release writes no Secret itself: the tree syncs every Secret it reads, on either path.
   * @default - none
   */
  readonly prerequisites?: readonly pulumi.Resource[];
}

/**
 * One system of the cdk8s app applied with Pulumi, object for object as `cdk8s synth` writes it:
 * the Namespace first, then one ConfigGroup per rendered directory,
 * each waiting for the one before (the data layer is ready before the apps that use it), as the
 * Flux Kustomizations do. The custom kinds' CRDs come with the cluster's infrastructure.
 */
export class SystemRelease extends pulumi.ComponentResource {
  /** The Pulumi type token. */
  public static readonly TYPE = 'reliakit:kubernetes:SystemRelease';

  /** The Namespace objects (normally one). */
  public readonly namespaces: k8s.core.v1.Namespace[];
  /** One ConfigGroup per directory, in apply order. */
  public readonly groups: k8s.yaml.v2.ConfigGroup[];

  constructor(name: string, args: SystemReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super(SystemRelease.TYPE, name, {}, opts);
    const provider = args.provider;

    // The Namespace is applied on its own first: the rest of the release waits for it.
    const objectsOf = (dir: RenderedDirectory): Manifest[] => dir.files.flatMap((f) => f.objects as Manifest[]);
    const isNamespace = (o: Manifest): boolean => o.apiVersion === 'v1' && o.kind === 'Namespace';
    this.namespaces = args.directories
      .flatMap(objectsOf)
      .filter(isNamespace)
      .map(
        (o) =>
          new k8s.core.v1.Namespace(`namespace-${o.metadata.name}`, { metadata: o.metadata, spec: o.spec }, { parent: this, provider }),
      );

    this.groups = [];
    let previous: pulumi.Resource[] = [...this.namespaces, ...(args.prerequisites ?? [])];
    for (const dir of args.directories) {
      const objs = objectsOf(dir).filter((o) => !isNamespace(o));
      if (objs.length === 0) continue;
      const group = new k8s.yaml.v2.ConfigGroup(lastSegment(dir.path), { objs }, { parent: this, provider, dependsOn: previous });
      this.groups.push(group);
      previous = [group];
    }

    this.registerOutputs({
      namespaces: this.namespaces.map((n) => n.metadata.name),
      groups: this.groups.map((g) => g.urn),
    });
  }
}

/** `apps/prod/homepage-data` → `homepage-data`. */
function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
