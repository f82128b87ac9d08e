import { Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { WritableDirectory } from '../../../lib/workload/reliable-service/props';
import { checkWritableDirectories, renderWritableDirectories } from '../../../lib/workload/reliable-service/storage';
import { messagesOf, PATH, violations } from './support';

describe('checkWritableDirectories', () => {
  test.each<[string, WritableDirectory[], string[]]>([
    ['absolute and distinct', [{ path: '/tmp' }, { path: '/cache' }], []],
    [
      'the root, a relative path, a duplicate',
      [{ path: '/' }, { path: 'tmp' }, { path: '/' }],
      [
        `${PATH}: 'writableDirectories[0].path' ('/') is not an absolute path below / — use a directory such as '/tmp'`,
        `${PATH}: 'writableDirectories[1].path' ('tmp') is not an absolute path below / — use a directory such as '/tmp'`,
        `${PATH}: 'writableDirectories[2].path' ('/') is not an absolute path below / — use a directory such as '/tmp'`,
        `${PATH}: 'writableDirectories[2].path' ('/') is listed twice — list each directory once`,
      ],
    ],
  ])('%s', (_name, dirs, messages) => {
    const v = violations();
    expect(checkWritableDirectories(v, dirs)).toEqual(dirs);
    expect(messagesOf(v)).toEqual(messages);
  });
});

describe('renderWritableDirectories', () => {
  test.each<[string, WritableDirectory[], object]>([
    ['none', [], { volumes: undefined, volumeMounts: undefined }],
    [
      '64 MiB by default, a size when given',
      [{ path: '/tmp' }, { path: '/cache', sizeLimit: Size.gibibytes(2) }],
      {
        volumes: [
          { name: 'writable-0', emptyDir: { sizeLimit: '64Mi' } },
          { name: 'writable-1', emptyDir: { sizeLimit: '2Gi' } },
        ],
        volumeMounts: [
          { name: 'writable-0', mountPath: '/tmp' },
          { name: 'writable-1', mountPath: '/cache' },
        ],
      },
    ],
  ])('%s', (_name, dirs, expected) => {
    const { volumes, volumeMounts } = renderWritableDirectories(dirs);
    expect({
      volumes: volumes?.map((x) => k8s.toJson_Volume(x)),
      volumeMounts: volumeMounts?.map((x) => k8s.toJson_VolumeMount(x)),
    }).toEqual(expected);
  });
});
