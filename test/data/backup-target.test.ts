import { BackupTarget } from '../../lib';

const creds = { secretName: 'backup-s3' };

test('MinIO: no server-side encryption header, default keys, us-east-1 signing region', () => {
  const t = BackupTarget.minio({ endpoint: 'http://minio.minio:9000', bucket: 'homepage-backups', prefix: 'postgres', credentials: creds });
  expect([t.provider, t.url, t.endpoint, t.region, t.encryption, t.encryptionHeader]).toEqual([
    'minio',
    's3://homepage-backups/postgres',
    'http://minio.minio:9000',
    'us-east-1',
    'none',
    undefined,
  ]);
  expect([t.accessKeyId, t.secretAccessKey]).toEqual([
    { name: 'backup-s3', key: 'access-key' },
    { name: 'backup-s3', key: 'secret-key' },
  ]);
  expect(t.problems()).toEqual([]);
  expect(String(t)).toBe('s3://homepage-backups/postgres on http://minio.minio:9000');
});

test('AWS S3: AES256 by default, aws:kms with a key, or the bucket default', () => {
  const base = {
    bucket: 'offsite',
    region: 'eu-central-1',
    credentials: { secretName: 's', accessKeyIdKey: 'AWS_ACCESS_KEY_ID', secretAccessKeyKey: 'AWS_SECRET_ACCESS_KEY' },
  };
  const sse = BackupTarget.s3(base);
  expect([sse.endpoint, sse.url, sse.encryption, sse.encryptionHeader]).toEqual([
    'https://s3.eu-central-1.amazonaws.com',
    's3://offsite',
    'AES256',
    'AES256',
  ]);
  expect(sse.accessKeyId).toEqual({ name: 's', key: 'AWS_ACCESS_KEY_ID' });
  const kms = BackupTarget.s3({ ...base, kmsKeyId: 'arn:aws:kms:eu-central-1:1:key/abc' });
  expect([kms.encryption, kms.encryptionHeader, kms.kmsKeyId]).toEqual(['aws:kms', 'aws:kms', 'arn:aws:kms:eu-central-1:1:key/abc']);
  const bucketDefault = BackupTarget.s3({ ...base, encryption: 'bucket-default' });
  expect([bucketDefault.encryption, bucketDefault.encryptionHeader]).toEqual(['bucket-default', undefined]);
});

test('withPrefix appends a segment and keeps everything else', () => {
  const t = BackupTarget.s3({ bucket: 'offsite', region: 'eu-central-1', credentials: creds, encryption: 'bucket-default' });
  expect(t.withPrefix('postgres').withPrefix('/dev/').url).toBe('s3://offsite/postgres/dev');
  expect(t.withPrefix('postgres').encryption).toBe('bucket-default');
});

test('problems name the prop, the value and the fix', () => {
  expect(BackupTarget.s3({ bucket: 'x', region: 'mars-1', credentials: creds, encryption: 'AES256', kmsKeyId: 'k' }).problems()).toEqual([
    ['backupTarget.bucket', 'x', 'is not a valid S3 bucket name', 'use 3–63 lowercase letters, digits, dots and dashes'],
    ['backupTarget.kmsKeyId', 'k', "is set but encryption is 'AES256'", "use encryption 'aws:kms', or drop kmsKeyId"],
    ['backupTarget.region', 'mars-1', 'is not an AWS region', "use e.g. 'eu-central-1'"],
  ]);
});
