import { parseImage } from '../../lib/core/image';

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
