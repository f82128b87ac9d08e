import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { ResolvedOffsiteBackup } from '../offsite-backups';

/** Args of an {@link OffsiteBackupBucket}. */
export interface OffsiteBackupBucketArgs {
  /** The location, from stacks/offsite-backups.ts. */
  readonly location: ResolvedOffsiteBackup;
  /**
   * Protect the bucket and its key from `pulumi destroy` and replacement.
   * @default - true in production
   */
  readonly protect?: boolean;
}

/** Multipart uploads left unfinished (a backup job killed mid-upload) are cleaned up after this. */
const ABORT_INCOMPLETE_UPLOAD_DAYS = 7;
/** KMS keeps a deleted key recoverable this long (the maximum): without it the backups are lost. */
const KMS_DELETION_WINDOW_DAYS = 30;

/**
 * One system's off-site backup storage on AWS: a versioned S3 bucket encrypted by default with
 * SSE-KMS under its own rotating key, public access blocked, TLS-only, objects expiring after
 * the plan's retention; and an IAM user allowed only the location's prefix, whose access keys
 * are the outputs `accessKeyId` and `secretAccessKey` (secret) and the secret manager entry
 * `credentialsEntry` (AWS Secrets Manager, the ClusterSecretStore `secret-manager` of the tree),
 * from which the system's SyncedSecret makes the Kubernetes Secret its backups read.
 */
export class OffsiteBackupBucket extends pulumi.ComponentResource {
  /** The Pulumi type token. */
  public static readonly TYPE = 'reliakit:aws:OffsiteBackupBucket';

  public readonly bucket: aws.s3.Bucket;
  public readonly kmsKey: aws.kms.Key;
  public readonly user: aws.iam.User;
  /** The bucket's name. */
  public readonly bucketName: pulumi.Output<string>;
  /** The KMS key's ARN. */
  public readonly kmsKeyArn: pulumi.Output<string>;
  /** The IAM user's access key ID. */
  public readonly accessKeyId: pulumi.Output<string>;
  /** The IAM user's secret access key (a secret output). */
  public readonly secretAccessKey: pulumi.Output<string>;
  /**
   * The secret manager entry holding both keys, as the JSON properties the location's credentials
   * name; the cluster syncs it (never a Kubernetes Secret written from here: a Flux-only rollout
   * must produce the Secret too, and two writers of one Secret would fight).
   */
  public readonly credentialsEntry: aws.secretsmanager.SecretVersion;

  constructor(name: string, args: OffsiteBackupBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super(OffsiteBackupBucket.TYPE, name, {}, opts);
    const loc = args.location;
    const protect = args.protect ?? loc.environment.isProduction;
    const tags = { 'reliakit/system': loc.system, 'reliakit/environment': loc.environment.name, 'reliakit/purpose': 'offsite-backups' };

    this.kmsKey = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Off-site backups of ${loc.system} (${loc.environment.name}): s3://${loc.bucket}/${loc.prefix}`,
        enableKeyRotation: true,
        rotationPeriodInDays: 365,
        deletionWindowInDays: KMS_DELETION_WINDOW_DAYS,
        tags,
      },
      { parent: this, protect },
    );
    new aws.kms.Alias(`${name}-key-alias`, { name: `alias/${loc.bucket}`, targetKeyId: this.kmsKey.keyId }, { parent: this });

    this.bucket = new aws.s3.Bucket(`${name}-bucket`, { bucket: loc.bucket, forceDestroy: false, tags }, { parent: this, protect });
    const bucketId = this.bucket.id;

    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket: bucketId,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { parent: this },
    );
    // ACLs off: the bucket policy and IAM decide alone.
    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: bucketId, rule: { objectOwnership: 'BucketOwnerEnforced' } },
      { parent: this },
    );

    const versioning = new aws.s3.BucketVersioning(
      `${name}-versioning`,
      {
        bucket: bucketId,
        versioningConfiguration: { status: 'Enabled' },
      },
      { parent: this },
    );

    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucketId,
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: this.kmsKey.arn },
            // One data key per bucket instead of a KMS call per object (cost, KMS rate limits).
            bucketKeyEnabled: true,
          },
        ],
      },
      { parent: this },
    );

    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucketId,
        rules: [
          {
            id: 'expire-after-retention',
            status: 'Enabled',
            filter: {},
            expiration: { days: loc.retentionDays },
            noncurrentVersionExpiration: { noncurrentDays: loc.noncurrentVersionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS },
          },
          // A delete marker whose versions are all gone only slows listings down.
          { id: 'remove-expired-delete-markers', status: 'Enabled', filter: {}, expiration: { expiredObjectDeleteMarker: true } },
        ],
      },
      { parent: this, dependsOn: [versioning] },
    );

    const bucketArn = this.bucket.arn;
    new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket: bucketId,
        policy: pulumi.jsonStringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
            {
              Sid: 'DenyTlsBelow12',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
              Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } },
            },
            {
              // An explicit `AES256` header would store the object under SSE-S3 instead of this key.
              Sid: 'DenyUploadsNotUnderKms',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:PutObject',
              Resource: pulumi.interpolate`${bucketArn}/*`,
              Condition: {
                StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
                Null: { 's3:x-amz-server-side-encryption': 'false' },
              },
            },
            {
              // `aws:kms` without a key ID is not the bucket default: S3 picks the AWS managed key.
              Sid: 'DenyUploadsUnderTheManagedKey',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:PutObject',
              Resource: pulumi.interpolate`${bucketArn}/*`,
              Condition: {
                StringEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
                Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'true' },
              },
            },
            {
              Sid: 'DenyUploadsUnderAnotherKey',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:PutObject',
              Resource: pulumi.interpolate`${bucketArn}/*`,
              Condition: {
                StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': this.kmsKey.arn },
                Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' },
              },
            },
          ],
        }),
        // S3 rejects concurrent configuration changes on one bucket; a public policy would also be
        // refused once the block is in place, which is the point.
      },
      { parent: this, dependsOn: [publicAccess] },
    );

    this.user = new aws.iam.User(
      `${name}-writer`,
      {
        name: `${loc.bucket}-writer`,
        path: '/reliakit/',
        tags,
      },
      { parent: this },
    );

    const prefix = loc.prefix;
    new aws.iam.UserPolicy(
      `${name}-writer-policy`,
      {
        user: this.user.name,
        policy: pulumi.jsonStringify({
          Version: '2012-10-17',
          Statement: [
            {
              // HeadBucket is authorized as s3:ListBucket without a prefix, and Barman Cloud checks
              // the bucket with it before every upload: `IfExists` lets it through while any
              // listing that names a prefix stays inside the system's own.
              Sid: 'ListOwnPrefix',
              Effect: 'Allow',
              Action: 's3:ListBucket',
              Resource: bucketArn,
              Condition: { StringLikeIfExists: { 's3:prefix': [prefix, `${prefix}/*`] } },
            },
            {
              // Deleting is what the backup tools' retention does; with versioning a delete only
              // hides the object (s3:DeleteObjectVersion is not granted), and lifecycle removes it.
              Sid: 'ReadWriteOwnPrefix',
              Effect: 'Allow',
              Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
              Resource: pulumi.interpolate`${bucketArn}/${prefix}/*`,
            },
            {
              Sid: 'UseBucketKeyThroughS3',
              Effect: 'Allow',
              Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
              Resource: this.kmsKey.arn,
              Condition: { StringEquals: { 'kms:ViaService': `s3.${loc.region}.amazonaws.com` } },
            },
          ],
        }),
      },
      { parent: this },
    );

    const accessKey = new aws.iam.AccessKey(
      `${name}-writer-key`,
      { user: this.user.name },
      { parent: this, additionalSecretOutputs: ['secret'] },
    );

    this.bucketName = this.bucket.bucket;
    this.kmsKeyArn = this.kmsKey.arn;
    this.accessKeyId = accessKey.id;
    // The provider marks `secret` secret in the engine; wrapping it keeps it secret everywhere
    // it flows, whatever engine or mock resolves it.
    this.secretAccessKey = pulumi.secret(accessKey.secret);

    const entry = new aws.secretsmanager.Secret(
      `${name}-credentials`,
      {
        name: loc.credentialsKey,
        description: `Access keys of ${loc.bucket}-writer: off-site backups of ${loc.system} (${loc.environment.name}), synced into Secret ${loc.credentials.secretName}`,
        // A deleted entry keeps its name reserved for the recovery window: dev is torn down and
        // recreated, prod keeps the keys recoverable.
        recoveryWindowInDays: protect ? 30 : 0,
        tags,
      },
      { parent: this },
    );
    this.credentialsEntry = new aws.secretsmanager.SecretVersion(
      `${name}-credentials-version`,
      {
        secretId: entry.id,
        secretString: pulumi.secret(
          pulumi.jsonStringify({
            [loc.credentials.accessKeyIdKey]: this.accessKeyId,
            [loc.credentials.secretAccessKeyKey]: this.secretAccessKey,
          }),
        ),
      },
      { parent: this, additionalSecretOutputs: ['secretString'] },
    );

    this.registerOutputs({
      bucketName: this.bucketName,
      kmsKeyArn: this.kmsKeyArn,
      accessKeyId: this.accessKeyId,
      secretAccessKey: this.secretAccessKey,
    });
  }
}
