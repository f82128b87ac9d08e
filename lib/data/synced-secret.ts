import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy,
} from '../../imports/external-secrets-externalsecret-external-secrets.io';
import { SecretKeyReference } from './backup-target';
import { isDnsLabel, recommendedLabels, resourceName, RELIAKIT_VERSION } from '../core/conventions';
import { EnvValue } from '../core/env-value';
import { goDuration, wholeSeconds } from '../core/units';
import { Violations } from '../core/validation';
import { SystemChart } from '../core/system-chart';

/** The external-secrets store a secret is read from (Vault, AWS Secrets Manager, ...). */
export class SecretStore {
  /** A ClusterSecretStore, shared by every namespace. */
  public static cluster(name: string): SecretStore {
    return new SecretStore(ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE, name);
  }

  /** A SecretStore in the system's namespace. */
  public static namespaced(name: string): SecretStore {
    return new SecretStore(ExternalSecretSpecSecretStoreRefKind.SECRET_STORE, name);
  }

  private constructor(
    /** @internal */ public readonly _kind: ExternalSecretSpecSecretStoreRefKind,
    public readonly name: string,
  ) {}
}

/** Where one key of the synced Secret comes from in the store. */
export interface RemoteKeyProps {
  /** The secret's path or name in the store, e.g. `postfacta/supabase`. */
  readonly key: string;
  /**
   * A property inside it (a JSON field).
   * @default - the whole value
   */
  readonly property?: string;
}

/** Props of a {@link SyncedSecret}. */
export interface SyncedSecretProps {
  /** The store to read from. */
  readonly store: SecretStore;
  /** The Kubernetes Secret's keys and where each comes from. */
  readonly keys: Readonly<Record<string, RemoteKeyProps>>;
  /**
   * The Kubernetes Secret's name.
   * @default - `<system>-<id>`
   */
  readonly secretName?: string;
  /**
   * How often the store is read again (rotation reaches the cluster within it).
   * @default Duration.hours(1)
   */
  readonly refreshInterval?: Duration;
}

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * A Kubernetes Secret synced from a secret manager by external-secrets (external-secrets.io/v1
 * ExternalSecret): nothing secret in the repository. The Secret survives the ExternalSecret's
 * deletion and a provider outage (deletionPolicy Retain), so running pods keep their credentials.
 */
export class SyncedSecret extends Construct {
  /** The Kubernetes Secret's name. */
  public readonly secretName: string;
  /** The Secret's keys. */
  public readonly keyNames: readonly string[];

  constructor(scope: Construct, id: string, props: SyncedSecretProps) {
    super(scope, id);
    const chart = SystemChart.of(this);
    this.secretName = props.secretName ?? resourceName(chart.system, id);
    this.keyNames = Object.keys(props.keys);
    const refresh = props.refreshInterval ?? Duration.hours(1);
    const v = new Violations(this);
    v.check(
      !isDnsLabel(this.secretName, 253),
      'secretName',
      this.secretName,
      'is not a valid Secret name',
      'use lowercase letters, digits and dashes',
    );
    v.check(this.keyNames.length === 0, 'keys', props.keys, 'is empty', 'list the Secret keys and their remote references');
    for (const [name, remote] of Object.entries(props.keys)) {
      v.check(!SECRET_KEY.test(name), `keys.${name}`, name, 'is not a valid Secret key', 'use letters, digits, -, _ and .');
      v.check(remote.key.trim() === '', `keys.${name}.key`, remote.key, 'is empty', 'give the secret path in the store');
    }
    const seconds = wholeSeconds(refresh);
    v.check(
      seconds === undefined || seconds < 60,
      'refreshInterval',
      goDuration(refresh),
      'is not whole seconds of at least a minute',
      'use e.g. Duration.hours(1)',
    );
    v.throwIfAny();

    // Applied with the data layer when there is one: stateful components read synced Secrets too.
    // (Only a direct child of the chart can move; one nested in another construct stays with it.)
    if (this.node.scope === chart) chart.addPrerequisite(this);

    new ExternalSecret(this, 'ExternalSecret', {
      metadata: {
        name: this.secretName,
        namespace: chart.namespaceName,
        labels: recommendedLabels({ system: chart.system, component: id, environment: chart.environment.name, version: RELIAKIT_VERSION }),
      },
      spec: {
        secretStoreRef: { kind: props.store._kind, name: props.store.name },
        refreshInterval: goDuration(refresh),
        target: {
          name: this.secretName,
          creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
          deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
        },
        data: Object.entries(props.keys).map(([secretKey, remote]) => ({
          secretKey,
          remoteRef: { key: remote.key, property: remote.property },
        })),
      },
    });
  }

  /**
   * The `keys` of a Secret made of properties of one store entry, each under its own name:
   * `SyncedSecret.propertiesOf('shop/prod/db', 'user', 'password')` is
   * `{ user: { key: 'shop/prod/db', property: 'user' }, password: { key: 'shop/prod/db', property: 'password' } }`.
   */
  public static propertiesOf(key: string, ...properties: string[]): Record<string, RemoteKeyProps> {
    return Object.fromEntries(properties.map((property) => [property, { key, property }]));
  }

  /** A reference to one of the Secret's keys; throws when the key is not synced. */
  public key(name: string): SecretKeyReference {
    if (!this.keyNames.includes(name)) {
      throw new Error(`${this.node.path}: key '${name}' is not synced (keys: ${this.keyNames.join(', ')}) — add it to keys`);
    }
    return { name: this.secretName, key: name };
  }

  /** An environment variable value from one of the Secret's keys. */
  public env(name: string): EnvValue {
    const ref = this.key(name);
    return EnvValue.fromSecret(ref.name, ref.key);
  }
}
