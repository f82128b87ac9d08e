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
