import { Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Violations } from '../../core/validation';
import { WritableDirectory } from './props';

export function checkWritableDirectories(v: Violations, dirs: readonly WritableDirectory[]): readonly WritableDirectory[] {
  const seen = new Set<string>();
  for (const [i, dir] of dirs.entries()) {
    v.check(
      !dir.path.startsWith('/') || dir.path === '/',
      `writableDirectories[${i}].path`,
      dir.path,
      'is not an absolute path below /',
      "use a directory such as '/tmp'",
    );
    v.check(seen.has(dir.path), `writableDirectories[${i}].path`, dir.path, 'is listed twice', 'list each directory once');
    seen.add(dir.path);
  }
  return [...dirs];
}

/** The pod's emptyDir volumes and the container's mounts of them; both undefined when there are none. */
export function renderWritableDirectories(dirs: readonly WritableDirectory[]): {
  volumes?: k8s.Volume[];
  volumeMounts?: k8s.VolumeMount[];
} {
  if (dirs.length === 0) return { volumes: undefined, volumeMounts: undefined };
  return {
    volumes: dirs.map((dir, i) => ({
      name: `writable-${i}`,
      emptyDir: { sizeLimit: k8s.Quantity.fromString((dir.sizeLimit ?? Size.mebibytes(64)).asString()) },
    })),
    volumeMounts: dirs.map((dir, i) => ({ name: `writable-${i}`, mountPath: dir.path })),
  };
}
