/** The parts of an OCI image reference that matter for pinning. */
export interface ImageReference {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/**
 * Splits `registry[:port]/path[:tag][@digest]`. A colon is a tag separator only after the last
 * slash, so `localhost:5001/postgres` has no tag.
 */
export function parseImage(image: string): ImageReference {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const name = at >= 0 ? image.slice(0, at) : image;
  const colon = name.lastIndexOf(':');
  const hasTag = colon > name.lastIndexOf('/');
  return {
    repository: hasTag ? name.slice(0, colon) : name,
    tag: hasTag ? name.slice(colon + 1) || undefined : undefined,
    digest: digest || undefined,
  };
}

/** An image digest as registries serve it (`sha256:` and the 64 hex digits of the manifest's hash). */
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * Why `image` is not pinned, as `[problem, fix]` for a construct's violations, or undefined when it
 * has a version tag, a digest, or both (`app:1.4.2@sha256:…`, the tag for people and the digest
 * for the registry). An unpinned image may run different code on every pull, and
 * `latest` makes rollbacks impossible.
 */
export function imagePinningProblem(image: string): [string, string] | undefined {
  const ref = parseImage(image);
  if (ref.digest !== undefined && !DIGEST.test(ref.digest)) {
    return [
      `has the digest '${ref.digest}', which is not sha256: and 64 lowercase hex digits, so the pull fails`,
      'copy the whole digest from the registry (app:1.4.2@sha256:<64 hex>), or pin the tag alone',
    ];
  }
  if (!ref.tag && !ref.digest) {
    return ['has no tag or digest, so every pull may run different code', 'pin a version tag (app:1.4.2) or a digest (app@sha256:...)'];
  }
  if (ref.tag === 'latest' && !ref.digest) {
    return ['uses the mutable tag latest, so a rollback cannot return to the previous code', 'pin a version tag (app:1.4.2) or a digest'];
  }
  return undefined;
}
