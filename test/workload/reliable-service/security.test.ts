import { resolveIdentity } from '../../../lib/workload/reliable-service/security';
import { PodIdentityProps } from '../../../lib/workload/reliable-service/props';
import { messagesOf, PATH, violations } from './support';

describe('resolveIdentity', () => {
  test.each<[string, PodIdentityProps, Required<PodIdentityProps>, string[]]>([
    ['distroless nonroot by default', {}, { runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532 }, []],
    ['group and fsGroup follow the user', { runAsUser: 1000 }, { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 }, []],
    ['fsGroup follows the group', { runAsUser: 1000, runAsGroup: 2000 }, { runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000 }, []],
    [
      'root group',
      { runAsUser: 1000, runAsGroup: 0, fsGroup: 3000 },
      { runAsUser: 1000, runAsGroup: 0, fsGroup: 3000 },
      [
        `${PATH}: 'podIdentity' ({"runAsUser":1000,"runAsGroup":0,"fsGroup":3000}) runs as root (UID or GID 0) — use a non-root UID/GID the image supports, e.g. 65532`,
      ],
    ],
  ])('%s', (_name, identity, expected, messages) => {
    const v = violations();
    expect(resolveIdentity(v, identity)).toEqual(expected);
    expect(messagesOf(v)).toEqual(messages);
  });
});
