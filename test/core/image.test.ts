import { imagePinningProblem, parseImage } from '../../lib/core/image';

test.each([
  ['nginx', { repository: 'nginx', tag: undefined, digest: undefined }],
  ['nginx:1.27', { repository: 'nginx', tag: '1.27', digest: undefined }],
  ['localhost:5001/postgres', { repository: 'localhost:5001/postgres', tag: undefined, digest: undefined }],
  ['localhost:5001/postgres:16-alpine', { repository: 'localhost:5001/postgres', tag: '16-alpine', digest: undefined }],
  ['ghcr.io/org/app@sha256:abc', { repository: 'ghcr.io/org/app', tag: undefined, digest: 'sha256:abc' }],
  ['ghcr.io/org/app:1.2@sha256:abc', { repository: 'ghcr.io/org/app', tag: '1.2', digest: 'sha256:abc' }],
  ['app:', { repository: 'app', tag: undefined, digest: undefined }],
])('parseImage(%s)', (image, expected) => {
  expect(parseImage(image)).toEqual(expected);
});

const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
describe('imagePinningProblem: a tag, a digest or both pin an image', () => {
  test.each<[string, [string, string] | undefined]>([
    ['redis:7.4.6-alpine', undefined],
    [`redis@${DIGEST}`, undefined],
    [`redis:7.4.6-alpine@${DIGEST}`, undefined],
    [`localhost:5001/postgres:16.14@${DIGEST}`, undefined],
    // The digest fixes what `latest` would leave open.
    [`app:latest@${DIGEST}`, undefined],
    ['redis', ['has no tag or digest, so every pull may run different code', 'pin a version tag (app:1.4.2) or a digest (app@sha256:...)']],
    [
      'redis:latest',
      ['uses the mutable tag latest, so a rollback cannot return to the previous code', 'pin a version tag (app:1.4.2) or a digest'],
    ],
    [
      'redis:7.4.6@sha256:abc',
      [
        "has the digest 'sha256:abc', which is not sha256: and 64 lowercase hex digits, so the pull fails",
        'copy the whole digest from the registry (app:1.4.2@sha256:<64 hex>), or pin the tag alone',
      ],
    ],
    [
      `redis:7.4.6@${DIGEST.toUpperCase().replace('SHA256', 'sha256')}`,
      [
        `has the digest '${DIGEST.toUpperCase().replace('SHA256', 'sha256')}', which is not sha256: and 64 lowercase hex digits, so the pull fails`,
        'copy the whole digest from the registry (app:1.4.2@sha256:<64 hex>), or pin the tag alone',
      ],
    ],
    [
      `redis@md5:${'0'.repeat(32)}`,
      [
        `has the digest 'md5:${'0'.repeat(32)}', which is not sha256: and 64 lowercase hex digits, so the pull fails`,
        'copy the whole digest from the registry (app:1.4.2@sha256:<64 hex>), or pin the tag alone',
      ],
    ],
  ])('%s', (image, expected) => {
    expect(imagePinningProblem(image)).toEqual(expected);
  });
});
