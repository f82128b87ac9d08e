import { k8s } from 'cdk8s-plus-28';

/**
 * The value of an environment variable: a literal, a ConfigMap key, a Secret key or a pod field.
 *
 * Hand-written rather than cdk8s-plus-28's `EnvValue`, whose ConfigMap and Secret sources need
 * imported constructs (`Secret.fromSecretName(scope, id, ...)`) for what is only a name and a key,
 * and which cannot tell a ReliableService whether a value is a literal (to reject secret literals).
 */
export class EnvValue {
  /** A plain value. Never a secret: names that look like credentials are rejected. */
  public static literal(value: string): EnvValue {
    return new EnvValue({ value }, true);
  }

  /** A key of a ConfigMap in the service's namespace. */
  public static fromConfigMap(name: string, key: string, options: { optional?: boolean } = {}): EnvValue {
    return new EnvValue({ valueFrom: { configMapKeyRef: { name, key, optional: options.optional } } }, false);
  }

  /** A key of a Secret in the service's namespace (the only way to pass credentials). */
  public static fromSecret(name: string, key: string, options: { optional?: boolean } = {}): EnvValue {
    return new EnvValue({ valueFrom: { secretKeyRef: { name, key, optional: options.optional } } }, false);
  }

  /** A field of the pod, e.g. `metadata.name` or `status.podIP`. */
  public static fromField(fieldPath: string): EnvValue {
    return new EnvValue({ valueFrom: { fieldRef: { fieldPath } } }, false);
  }

  private constructor(
    private readonly source: Omit<k8s.EnvVar, 'name'>,
    /** Whether the value is written into the manifest as is. */
    public readonly isLiteral: boolean,
  ) {}

  /** The literal value, when {@link isLiteral}. */
  public get literalValue(): string | undefined {
    return this.source.value;
  }

  /** @internal */
  public _toKube(name: string): k8s.EnvVar {
    return { name, ...this.source };
  }
}
