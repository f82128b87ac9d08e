/** Where S3 credentials live: two keys of one Secret in the workload's namespace. */
export interface S3CredentialsProps {
  /** The Secret's name, e.g. `minio-credentials`. */
  readonly secretName: string;
  /**
   * Key holding the access key ID.
   * @default 'access-key'
   */
  readonly accessKeyIdKey?: string;
  /**
   * Key holding the secret access key.
   * @default 'secret-key'
   */
  readonly secretAccessKeyKey?: string;
}

/** A reference to one key of a Secret. */
export interface SecretKeyReference {
  readonly name: string;
  readonly key: string;
}

/** Props of {@link BackupTarget.minio}. */
export interface MinioTargetProps {
  /** The MinIO endpoint URL, e.g. `http://minio.minio:9000`. */
  readonly endpoint: string;
  /** The bucket. */
  readonly bucket: string;
  /**
   * Key prefix inside the bucket (no leading or trailing slash).
   * @default - the bucket root
   */
  readonly prefix?: string;
  /** The credentials Secret. */
  readonly credentials: S3CredentialsProps;
  /**
   * Region name the client signs with (MinIO ignores it but clients require one).
   * @default 'us-east-1'
   */
  readonly region?: string;
}

/** Props of {@link BackupTarget.s3}. */
export interface AwsS3TargetProps {
  /** The bucket. */
  readonly bucket: string;
  /**
   * Key prefix inside the bucket (no leading or trailing slash).
   * @default - the bucket root
   */
  readonly prefix?: string;
  /** The bucket's region, e.g. `eu-central-1`. */
  readonly region: string;
  /** The credentials Secret. */
  readonly credentials: S3CredentialsProps;
  /**
   * How uploads are encrypted at rest:
   * - `'AES256'`: SSE-S3, requested on every upload;
   * - `'aws:kms'`: SSE-KMS requested on every upload (with `kmsKeyId` where the client can pass
   *   it; CloudNativePG's Barman cannot, and falls back to the account's `aws/s3` key);
   * - `'bucket-default'`: no header; the bucket's default encryption applies (e.g. SSE-KMS under a
   *   dedicated key whose bucket policy rejects any other header — the Pulumi off-site buckets).
   * @default 'AES256'
   */
  readonly encryption?: 'AES256' | 'aws:kms' | 'bucket-default';
  /**
   * KMS key for `encryption: 'aws:kms'`.
   * @default - the account's `aws/s3` key
   */
  readonly kmsKeyId?: string;
}

/**
 * Server-side encryption of uploaded objects: `none`, a header on every upload (`AES256`,
 * `aws:kms`), or the bucket's own default encryption (`bucket-default`, no header).
 */
export type ServerSideEncryption = 'none' | 'AES256' | 'aws:kms' | 'bucket-default';

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^[A-Za-z0-9!_.*'()\-/]*$/;

/**
 * An S3-compatible object store location for backups: MinIO in the cluster or AWS S3.
 * Used by HAPostgres (WAL archive and base backups) and BackupSchedule (logical dumps).
 */
export class BackupTarget {
  /** A MinIO (or other S3-compatible) endpoint. Server-side encryption is off: AES256 there needs a KMS. */
  public static minio(props: MinioTargetProps): BackupTarget {
    return new BackupTarget(
      'minio',
      props.bucket,
      props.prefix ?? '',
      props.endpoint,
      props.region ?? 'us-east-1',
      props.credentials,
      'none',
    );
  }

  /** AWS S3. Objects are always encrypted server-side; see {@link AwsS3TargetProps.encryption}. */
  public static s3(props: AwsS3TargetProps): BackupTarget {
    return new BackupTarget(
      'aws',
      props.bucket,
      props.prefix ?? '',
      `https://s3.${props.region}.amazonaws.com`,
      props.region,
      props.credentials,
      props.encryption ?? (props.kmsKeyId ? 'aws:kms' : 'AES256'),
      props.kmsKeyId,
    );
  }

  /** Access key ID reference. */
  public readonly accessKeyId: SecretKeyReference;
  /** Secret access key reference. */
  public readonly secretAccessKey: SecretKeyReference;

  private constructor(
    /** `minio` for an S3-compatible endpoint, `aws` for AWS S3. */
    public readonly provider: 'minio' | 'aws',
    /** The bucket. */
    public readonly bucket: string,
    /** Key prefix without leading/trailing slashes ('' for the root). */
    public readonly prefix: string,
    /** The endpoint URL. */
    public readonly endpoint: string,
    /** The signing region. */
    public readonly region: string,
    credentials: S3CredentialsProps,
    /** Server-side encryption for uploads. */
    public readonly encryption: ServerSideEncryption,
    /** The KMS key for SSE-KMS. */
    public readonly kmsKeyId?: string,
  ) {
    this.accessKeyId = { name: credentials.secretName, key: credentials.accessKeyIdKey ?? 'access-key' };
    this.secretAccessKey = { name: credentials.secretName, key: credentials.secretAccessKeyKey ?? 'secret-key' };
  }

  /** The same target with `segment` appended to the prefix (e.g. per database or per job). */
  public withPrefix(segment: string): BackupTarget {
    const prefix = [this.prefix, trimSlashes(segment)].filter((p) => p.length > 0).join('/');
    return new BackupTarget(
      this.provider,
      this.bucket,
      prefix,
      this.endpoint,
      this.region,
      { secretName: this.accessKeyId.name, accessKeyIdKey: this.accessKeyId.key, secretAccessKeyKey: this.secretAccessKey.key },
      this.encryption,
      this.kmsKeyId,
    );
  }

  /** The encryption header uploads must send, or undefined when none is sent (`none`, `bucket-default`). */
  public get encryptionHeader(): 'AES256' | 'aws:kms' | undefined {
    return this.encryption === 'AES256' || this.encryption === 'aws:kms' ? this.encryption : undefined;
  }

  /** `s3://bucket/prefix` (no trailing slash). */
  public get url(): string {
    return this.prefix ? `s3://${this.bucket}/${this.prefix}` : `s3://${this.bucket}`;
  }

  /** Problems with this target, as `[prop, value, problem, fix]` for a construct's violations. */
  public problems(): Array<[string, unknown, string, string]> {
    const out: Array<[string, unknown, string, string]> = [];
    if (!BUCKET.test(this.bucket) || this.bucket.includes('..')) {
      out.push([
        'backupTarget.bucket',
        this.bucket,
        'is not a valid S3 bucket name',
        'use 3–63 lowercase letters, digits, dots and dashes',
      ]);
    }
    if (!PREFIX.test(this.prefix) || this.prefix.startsWith('/') || this.prefix.endsWith('/') || this.prefix.includes('//')) {
      out.push([
        'backupTarget.prefix',
        this.prefix,
        'is not a clean key prefix',
        "use segments like 'postgres/homepage' without leading, trailing or double slashes",
      ]);
    }
    if (!/^https?:\/\/[^/\s]+(\/\S*)?$/.test(this.endpoint)) {
      out.push(['backupTarget.endpoint', this.endpoint, 'is not an http(s) URL', "use e.g. 'http://minio.minio:9000'"]);
    }
    if (this.kmsKeyId !== undefined && this.encryption !== 'aws:kms') {
      out.push([
        'backupTarget.kmsKeyId',
        this.kmsKeyId,
        `is set but encryption is '${this.encryption}'`,
        "use encryption 'aws:kms', or drop kmsKeyId",
      ]);
    }
    if (this.provider === 'aws' && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(this.region)) {
      out.push(['backupTarget.region', this.region, 'is not an AWS region', "use e.g. 'eu-central-1'"]);
    }
    return out;
  }

  public toString(): string {
    return `${this.url} on ${this.endpoint}`;
  }
}

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, '');
}
