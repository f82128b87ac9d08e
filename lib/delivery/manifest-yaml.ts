/**
 * The YAML emitter of the Flux tree: byte-identical to cdk8s's `Yaml.stringify` (the `yaml`
 * package with YAML 1.1, `lineWidth: 0`, `keepUndefined`), several times faster on the documents
 * that make up nearly all of a large tree.
 *
 * A document whose every key and string is one both emitters write alike goes through js-yaml (4×
 * faster than `yaml`); any other document (a multi-line script, a string js-yaml would quote and
 * `yaml` would not, such as `-c` or `=`, an object referenced twice, which `yaml` writes as an
 * alias) goes through `Yaml.stringify` itself. Which strings qualify is decided per distinct
 * string: two shapes by pattern (below), every other single-line string by emitting it with both
 * and comparing, once. test/delivery/manifest-yaml.test.ts holds the edge cases and compares
 * the whole synthesized tree.
 */
import { Yaml } from 'cdk8s';
import { dump } from 'js-yaml';

/** js-yaml's options that reproduce cdk8s's: no folding, no anchors, double quotes. */
export const JS_YAML_OPTIONS = { lineWidth: -1, noRefs: true, quotingType: '"' } as const;

/**
 * Plain in both emitters: starts with a letter or one of `_ / ( $ ^` (no indicator, no number,
 * no document marker), then printable characters (no tab, which js-yaml escapes) where `:` and a
 * space are followed by a non-space and a space never by `#` (no mapping value, no comment, no
 * trailing space or colon); and it names no other type (below).
 */
const PLAIN =
  /^[A-Za-z_/($^](?:[!-9;-~\u00a1-\u2027\u202a-\ud7ff]|:(?=[!-~\u00a1-\u2027\u202a-\ud7ff])| (?=[!"$-~\u00a1-\u2027\u202a-\ud7ff]))*$/;

/** YAML 1.1 booleans and nulls a letter-first string can spell: both emitters quote these. */
const OTHER_TYPE = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;

/** Decimal integers without a leading zero: both emitters write them double-quoted. */
const DECIMAL = /^[1-9][0-9]{0,14}$/;

/**
 * Multi-line strings both write as the same literal block (`|`, `|-`): printable characters only
 * (js-yaml double-quotes a string with a tab or a control character), no leading space or
 * newline (no indentation indicator), no space before a line break or at the end and at most one
 * trailing newline (`yaml` quotes a block that would end in whitespace and treats trailing runs
 * its own way), no line that starts a document marker.
 */
const LITERAL_BLOCK = /^[\x21-\x7e\u00a1-\u2027\u202a-\ud7ff](?:[\x20-\x7e\u00a1-\u2027\u202a-\ud7ff]|\n(?!\n*$))*\n?$/;
const TRAILING_SPACE = / (?:\n|$)/;
const DOCUMENT_MARKER = /^(?:%|---|\.\.\.)/m;

/** Longest string compared by emitting; longer single-line ones (and keys `yaml` writes as `? key`) take `yaml`. */
const MAX_COMPARED = 1000;

/** Verdicts on single-line strings by pattern or comparison, per distinct string (bounded). */
const verdicts = new Map<string, boolean>();
const MAX_VERDICTS = 200_000;

/** Whether both emitters write the single-line string `s` alike as a map key, a map value and a sequence item. */
function singleLineAlike(s: string): boolean {
  if (s.length > MAX_COMPARED) return false;
  if (PLAIN.test(s)) return !OTHER_TYPE.test(s);
  if (DECIMAL.test(s)) return true;
  const probe = { [s]: s, k: [s] };
  return Yaml.stringify(probe) === dump(probe, JS_YAML_OPTIONS);
}

/** Whether both emitters write `s` alike (as a key when `key`). */
function emitsAlike(s: string, key: boolean): boolean {
  let verdict = verdicts.get(s);
  if (verdict === undefined) {
    if (s.includes('\n')) {
      // Long scripts and documents: checked every time rather than kept.
      return !key && LITERAL_BLOCK.test(s) && !TRAILING_SPACE.test(s) && !DOCUMENT_MARKER.test(s);
    }
    verdict = singleLineAlike(s);
    if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
    verdicts.set(s, verdict);
  }
  return verdict;
}

function numberAlike(n: number): boolean {
  // js-yaml writes -0 as `-0.0` and exponents as `1.e+21`; `yaml` as `-0` and `1e+21`.
  return Number.isFinite(n) && !Object.is(n, -0) && !/e/i.test(String(n));
}

/** Whether js-yaml writes `value` exactly as `yaml` does (plain JSON, no shared objects). */
function jsYamlSafe(value: unknown, seen: Set<object>): boolean {
  switch (typeof value) {
    case 'string':
      return emitsAlike(value, false);
    case 'number':
      return numberAlike(value);
    case 'boolean':
      return true;
    case 'object': {
      if (value === null) return true;
      // `yaml` writes an object met twice as an anchor and an alias; js-yaml (noRefs) repeats it.
      if (seen.has(value)) return false;
      seen.add(value);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!jsYamlSafe(value[i], seen)) return false;
        return true;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      const record = value as Record<string, unknown>;
      for (const key in record) {
        if (!emitsAlike(key, true) || !jsYamlSafe(record[key], seen)) return false;
      }
      return true;
    }
    default:
      // undefined (kept by `yaml` as null), functions, symbols, bigints: `yaml` decides.
      return false;
  }
}

/**
 * Whether the js-yaml found at run time writes a reference document as `yaml` does: another major
 * version (js-yaml 3 single-quotes, and knows no `quotingType`) turns the fast path off.
 */
const JS_YAML_USABLE: boolean = (() => {
  const reference = { a: '8080', b: ['x y', 'on', ''], c: 'one\ntwo\n', d: { e: null, f: true, g: 1.5, h: [], i: {} } };
  try {
    return dump(reference, JS_YAML_OPTIONS) === Yaml.stringify(reference);
  } catch {
    return false;
  }
})();

/** Whether {@link stringifyManifest} writes `doc` with js-yaml (else with `yaml`). */
export function jsYamlWrites(doc: unknown): boolean {
  return JS_YAML_USABLE && doc !== null && typeof doc === 'object' && jsYamlSafe(doc, new Set());
}

/** One document, as `Yaml.stringify(doc)` writes it. */
export function stringifyManifest(doc: unknown): string {
  return jsYamlWrites(doc) ? dump(doc, JS_YAML_OPTIONS) : Yaml.stringify(doc);
}

/** Documents separated by `---`, exactly as cdk8s's `Yaml.stringify(...docs)` writes them. */
export function stringifyManifests(...docs: readonly unknown[]): string {
  return docs.map((d) => (d === undefined ? '\n' : stringifyManifest(d))).join('---\n');
}
