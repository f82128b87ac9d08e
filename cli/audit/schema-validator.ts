/**
 * Strict Kubernetes manifest validator: `reliakit audit` and the test suite use it.
 *
 * Semantics follow `kubeconform -strict`: every object is checked against the official
 * Kubernetes 1.28 API schema or against the served version of a CustomResourceDefinition in
 * `imports/crds/`, and unknown fields are errors (`spec.replica`, `metadata.lables`).
 *
 * Hand-written on purpose: no maintained npm package does strict validation. The maintained
 * `kubernetes-models` validators accept unknown fields, and kubeconform itself is a Go binary
 * that would need network access to fetch schemas. ajv does the actual validation; this file
 * only adapts the Kubernetes flavour of OpenAPI to JSON Schema.
 *
 * Known limits: CEL rules (`x-kubernetes-validations`) are not evaluated, and list-type
 * uniqueness (`x-kubernetes-list-type: map|set`) is not enforced.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';

export interface SchemaViolation {
  /** e.g. "apps/v1 Deployment homepage/homepage-api" */
  readonly object: string;
  /** JSON pointer into the object, e.g. /spec/template/spec/containers/0/image ('' is the root) */
  readonly path: string;
  readonly message: string;
}

export interface SchemaValidatorOptions {
  readonly kubernetesVersion?: '1.28.0';
}

type JsonObject = { [key: string]: unknown };

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CRD_DIR = path.join(REPO_ROOT, 'imports', 'crds');
// A copy patched for `cdk8s import`; it would shadow the upstream CRDs with altered schemas.
const IGNORED_CRD_DIRS = new Set(['_patched-for-cdk8s-import']);

// Relative $id: the definitions document is only ever referenced from inside this ajv instance.
const K8S_DOC_ID = 'k8s';
const OBJECT_META_REF = `${K8S_DOC_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;
const QUANTITY_DEF = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING_DEF = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY_FORMAT = 'k8s-quantity';

// resource.Quantity grammar (k8s.io/apimachinery/pkg/api/resource/quantity.go): signed decimal,
// then a binary-SI suffix, a decimal-SI suffix or an integer exponent. ParseInt reads the exponent,
// so `1e1.5` is rejected even though some CRD patterns allow it.
const QUANTITY_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;
// Go time.ParseDuration, which is what metav1.Duration uses. ajv-formats' `duration` is
// ISO 8601 (`PT30S`) and would reject every valid Kubernetes duration.
const GO_DURATION_RE = /^[+-]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$/;

// Vendor extensions and OpenAPI annotations seen in the Kubernetes definitions and the CRDs.
// They carry no validation ajv could perform (or are handled by rewriting the schema), but
// registering them documents that they are expected rather than typos.
const ANNOTATION_KEYWORDS = [
  'x-kubernetes-embedded-resource',
  'x-kubernetes-group-version-kind',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-unions',
  'x-kubernetes-validations',
  'allowEmptyValue',
  'example',
];

// Keywords whose value is a map of name -> schema.
const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependencies'];
// Keywords whose value is a schema or an array of schemas.
const SCHEMA_KEYWORDS = [
  'items',
  'additionalItems',
  'additionalProperties',
  'not',
  'anyOf',
  'allOf',
  'oneOf',
  'contains',
  'propertyNames',
  'if',
  'then',
  'else',
];

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turns a Kubernetes OpenAPI schema into a strict JSON Schema in place: closes every object that
 * declares properties, maps `x-kubernetes-int-or-string` to a type, and makes `nullable` usable by
 * ajv. Collects the formats used so unknown ones can be registered as annotations before compiling.
 * ajv has no public schema traversal, hence the walk over the schema-valued keywords.
 */
function tighten(schema: unknown, formats: Set<string>): void {
  if (Array.isArray(schema)) {
    for (const item of schema) tighten(item, formats);
    return;
  }
  if (!isObject(schema)) return;

  if (typeof schema.format === 'string') formats.add(schema.format);

  if (schema['x-kubernetes-int-or-string'] === true && schema.type === undefined) {
    schema.type = ['integer', 'string'];
    // controller-gen also emits `anyOf: [{type: integer}, {type: string}]`; it only duplicates
    // the type check and doubles every error message.
    if (Array.isArray(schema.anyOf) && schema.anyOf.every((s) => isObject(s) && Object.keys(s).every((k) => k === 'type'))) {
      delete schema.anyOf;
    }
  }

  if (schema.nullable === true) {
    if (schema.type === undefined) {
      // Without a type null is already allowed, and ajv refuses `nullable` without `type`.
      delete schema.nullable;
    } else if (Array.isArray(schema.enum) && !schema.enum.includes(null)) {
      schema.enum = [...schema.enum, null];
    }
  }

  if (schema['x-kubernetes-embedded-resource'] === true && isObject(schema.properties)) {
    // The API server always accepts these on embedded objects, even if the CRD omits them.
    schema.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...schema.properties };
  }

  if (isObject(schema.properties) && schema.additionalProperties === undefined && schema['x-kubernetes-preserve-unknown-fields'] !== true) {
    schema.additionalProperties = false;
  }

  for (const keyword of SCHEMA_MAP_KEYWORDS) {
    const map = schema[keyword];
    if (isObject(map)) for (const sub of Object.values(map)) tighten(sub, formats);
  }
  for (const keyword of SCHEMA_KEYWORDS) tighten(schema[keyword], formats);
}

/**
 * ajv's RegExp engine hook. CRD patterns are Go RE2 syntax; the only construct seen that JS
 * rejects is the inline flag group `(?i)`. Applying it to the whole pattern can only accept more,
 * never reject a value Kubernetes accepts.
 */
function goRegExp(pattern: string, unicodeFlag: string): RegExp {
  let flags = unicodeFlag;
  let source = pattern;
  if (source.includes('(?i)')) {
    source = source.split('(?i)').join('');
    flags += 'i';
  }
  try {
    return new RegExp(source, flags);
  } catch {
    // `u` mode forbids some escapes RE2 accepts, such as `\-` outside a class.
    return new RegExp(source, flags.replace('u', ''));
  }
}
goRegExp.code = 'goRegExp';

interface CrdVersionSchema {
  readonly source: string;
  readonly schema: JsonObject;
}

interface ObjectIdentity {
  readonly label: string;
  readonly apiVersion?: string;
  readonly kind?: string;
}

const instances = new Map<string, SchemaValidator>();

export class SchemaValidator {
  /** Cached per Kubernetes version: the definitions are large and compiling them is slow. */
  static load(options: SchemaValidatorOptions = {}): SchemaValidator {
    const version = options.kubernetesVersion ?? '1.28.0';
    let instance = instances.get(version);
    if (!instance) {
      instance = new SchemaValidator(version);
      instances.set(version, instance);
    }
    return instance;
  }

  private readonly ajv: Ajv;
  /** "apps/v1 Deployment" -> definition name */
  private readonly coreKinds = new Map<string, string>();
  /** Raw CRD file text, parsed only when a kind it might define is asked for. */
  private readonly crdTexts = new Map<string, string>();
  private readonly parsedCrdFiles = new Map<string, JsonObject[]>();
  private readonly crdSchemas = new Map<string, CrdVersionSchema | null>();
  private readonly compiled = new Map<string, ValidateFunction>();

  private constructor(kubernetesVersion: string) {
    const definitionsFile = path.join(REPO_ROOT, 'imports', 'schemas', 'kubernetes', `v${kubernetesVersion}`, '_definitions.json');
    // Parsed fresh per instance, so tightening never leaks between versions.
    const document = JSON.parse(fs.readFileSync(definitionsFile, 'utf8')) as { definitions: Record<string, JsonObject> };
    const definitions = document.definitions;

    for (const [name, definition] of Object.entries(definitions)) {
      const gvks = definition['x-kubernetes-group-version-kind'];
      if (!Array.isArray(gvks)) continue;
      for (const gvk of gvks as Array<{ group: string; version: string; kind: string }>) {
        const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
        this.coreKinds.set(key(apiVersion, gvk.kind), name);
      }
    }

    // The published form is oneOf string/number (or integer); a type union gives one clear error
    // instead of three, and the format adds the grammar check the API server performs.
    definitions[QUANTITY_DEF] = {
      description: definitions[QUANTITY_DEF]?.description,
      type: ['string', 'number'],
      format: QUANTITY_FORMAT,
    };
    definitions[INT_OR_STRING_DEF] = { description: definitions[INT_OR_STRING_DEF]?.description, type: ['string', 'integer'] };

    const formats = new Set<string>();
    tighten(document, formats);

    this.ajv = new Ajv({
      allErrors: true,
      verbose: true,
      // Kubernetes schemas are OpenAPI-flavoured (e.g. `properties` without `type: object`,
      // `required` naming fields defined only in a sibling), which ajv's strict mode rejects.
      strict: false,
      code: { regExp: goRegExp },
    });
    addFormats(this.ajv);
    this.ajv.addFormat('duration', GO_DURATION_RE);
    this.ajv.addFormat(QUANTITY_FORMAT, { type: 'string', validate: (value: string) => QUANTITY_RE.test(value) });
    for (const keyword of ANNOTATION_KEYWORDS) this.ajv.addKeyword({ keyword });
    this.registerUnknownFormats(formats);
    this.ajv.addSchema({ ...document, $id: K8S_DOC_ID });

    for (const file of listYamlFiles(CRD_DIR)) this.crdTexts.set(file, fs.readFileSync(file, 'utf8'));
  }

  hasSchemaFor(apiVersion: string, kind: string): boolean {
    return this.coreKinds.has(key(apiVersion, kind)) || this.findCrdSchema(apiVersion, kind) !== null;
  }

  validate(obj: unknown): SchemaViolation[] {
    return this.validateOne(obj, undefined);
  }

  validateAll(objs: readonly unknown[]): SchemaViolation[] {
    return objs.flatMap((obj, index) => this.validateOne(obj, index));
  }

  private validateOne(obj: unknown, index: number | undefined): SchemaViolation[] {
    const identity = identify(obj, index);
    const violation = (message: string, at = ''): SchemaViolation[] => [{ object: identity.label, path: at, message }];

    if (!isObject(obj)) return violation(`expected a Kubernetes object, got ${describeType(obj)}`);
    if (typeof identity.apiVersion !== 'string' || identity.apiVersion === '')
      return violation('missing required field "apiVersion"', '/apiVersion');
    if (typeof identity.kind !== 'string' || identity.kind === '') return violation('missing required field "kind"', '/kind');

    const validateFn = this.validatorFor(identity.apiVersion, identity.kind);
    if (!validateFn) {
      return violation(
        `no schema for apiVersion "${identity.apiVersion}" kind "${identity.kind}" ` +
          '(not a Kubernetes 1.28 kind and no served version in imports/crds)',
      );
    }
    if (validateFn(obj)) return [];

    const seen = new Set<string>();
    const violations: SchemaViolation[] = [];
    for (const error of validateFn.errors ?? []) {
      const described = describeError(error);
      const dedupeKey = `${described.path}\u0000${described.message}`;
      if (seen.has(dedupeKey)) continue;
      seen.add(dedupeKey);
      violations.push({ object: identity.label, ...described });
    }
    return violations;
  }

  private validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
    const id = key(apiVersion, kind);
    const cached = this.compiled.get(id);
    if (cached) return cached;

    let target: JsonObject;
    const definition = this.coreKinds.get(id);
    if (definition) {
      target = { $ref: `${K8S_DOC_ID}#/definitions/${definition}` };
    } else {
      const crd = this.findCrdSchema(apiVersion, kind);
      if (!crd) return undefined;
      target = this.prepareCrdSchema(crd.schema);
    }

    // The API server needs these on every object, although the published schemas don't say so.
    const validateFn = this.ajv.compile({
      allOf: [target],
      type: 'object',
      required: ['apiVersion', 'kind', 'metadata'],
      properties: { metadata: { type: 'object', required: ['name'] } },
    });
    this.compiled.set(id, validateFn);
    return validateFn;
  }

  private prepareCrdSchema(original: JsonObject): JsonObject {
    const schema = structuredClone(original);
    const properties: JsonObject = isObject(schema.properties) ? schema.properties : {};
    schema.properties = properties;

    // CRDs declare `metadata: {type: object}` because the API server validates ObjectMeta itself;
    // use the real definition so typos in metadata are caught for custom kinds too. Any extra
    // constraints the CRD puts on metadata still apply, but must not close the object.
    const metadata = properties.metadata;
    const extra = isObject(metadata) ? Object.keys(metadata).filter((k) => k !== 'type' && k !== 'description') : [];
    properties.metadata =
      extra.length === 0
        ? { $ref: OBJECT_META_REF }
        : { allOf: [{ $ref: OBJECT_META_REF }, { ...(metadata as JsonObject), 'x-kubernetes-preserve-unknown-fields': true }] };
    properties.apiVersion ??= { type: 'string' };
    properties.kind ??= { type: 'string' };

    const formats = new Set<string>();
    tighten(schema, formats);
    this.registerUnknownFormats(formats);
    return schema;
  }

  private registerUnknownFormats(formats: Set<string>): void {
    // Kubernetes ignores formats it doesn't know; ajv would throw on compile instead.
    for (const format of formats) {
      if (this.ajv.formats[format] === undefined) this.ajv.addFormat(format, true);
    }
  }

  private findCrdSchema(apiVersion: string, kind: string): CrdVersionSchema | null {
    const id = key(apiVersion, kind);
    const cached = this.crdSchemas.get(id);
    if (cached !== undefined) return cached;

    let found: CrdVersionSchema | null = null;
    const slash = apiVersion.lastIndexOf('/');
    if (slash > 0) {
      const group = apiVersion.slice(0, slash);
      const version = apiVersion.slice(slash + 1);
      for (const [file, text] of this.crdTexts) {
        // Cheap prefilter: parsing every CRD file costs about a second per jest worker.
        if (!text.includes(group) || !text.includes(kind)) continue;
        for (const crd of this.crdDocuments(file)) {
          const spec = crd.spec;
          if (!isObject(spec) || spec.group !== group || !isObject(spec.names) || spec.names.kind !== kind) continue;
          const versions = Array.isArray(spec.versions) ? spec.versions.filter(isObject) : [];
          const served = versions.find((v) => v.name === version && v.served === true);
          if (!served) continue;
          const schema = openApiSchemaOf(served);
          if (!schema) continue;
          const source = path.relative(REPO_ROOT, file);
          if (found) throw new Error(`${apiVersion} ${kind} is defined by both ${found.source} and ${source}`);
          found = { source, schema };
        }
      }
    }
    this.crdSchemas.set(id, found);
    return found;
  }

  private crdDocuments(file: string): JsonObject[] {
    let documents = this.parsedCrdFiles.get(file);
    if (!documents) {
      documents = [];
      for (const doc of parseAllDocuments(this.crdTexts.get(file) ?? '')) {
        if (doc.errors.length > 0) throw new Error(`${path.relative(REPO_ROOT, file)}: ${doc.errors[0].message}`);
        const value: unknown = doc.toJS();
        if (
          isObject(value) &&
          value.kind === 'CustomResourceDefinition' &&
          typeof value.apiVersion === 'string' &&
          value.apiVersion.startsWith('apiextensions.k8s.io/')
        ) {
          documents.push(value);
        }
      }
      this.parsedCrdFiles.set(file, documents);
    }
    return documents;
  }
}

/** One line per violation, e.g. `apps/v1 Deployment web/api: /spec/replica: unknown field "replica"`. */
export function formatViolations(violations: readonly SchemaViolation[]): string {
  return violations.map((v) => `${v.object}: ${v.path === '' ? '<root>' : v.path}: ${v.message}`).join('\n');
}

function key(apiVersion: string, kind: string): string {
  return `${apiVersion} ${kind}`;
}

function openApiSchemaOf(version: JsonObject): JsonObject | undefined {
  const schema = version.schema;
  return isObject(schema) && isObject(schema.openAPIV3Schema) ? schema.openAPIV3Schema : undefined;
}

function listYamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!IGNORED_CRD_DIRS.has(entry.name)) files.push(...listYamlFiles(full));
    } else if (/\.ya?ml$/.test(entry.name)) {
      files.push(full);
    }
  }
  return files;
}

function identify(obj: unknown, index: number | undefined): ObjectIdentity {
  const position = index === undefined ? '' : ` #${index}`;
  if (!isObject(obj)) return { label: `<${describeType(obj)}${position}>` };
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : undefined;
  const kind = typeof obj.kind === 'string' ? obj.kind : undefined;
  const metadata = isObject(obj.metadata) ? obj.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : `<unnamed${position}>`;
  const namespace = typeof metadata.namespace === 'string' ? `${metadata.namespace}/` : '';
  return { label: `${apiVersion ?? '<no apiVersion>'} ${kind ?? '<no kind>'} ${namespace}${name}`, apiVersion, kind };
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function describeError(error: ErrorObject): { path: string; message: string } {
  const at = error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const property = String(params.additionalProperty);
      return { path: `${at}/${escapePointer(property)}`, message: `unknown field "${property}"` };
    }
    case 'required':
      return { path: at, message: `missing required field "${String(params.missingProperty)}"` };
    case 'type':
      return {
        path: at,
        message: `must be ${String(params.type).replace(/,/g, ' or ')}, got ${describeType(error.data)} ${preview(error.data)}`,
      };
    case 'enum':
      return { path: at, message: `${preview(error.data)} is not one of ${preview(params.allowedValues)}` };
    case 'format':
      if (params.format === QUANTITY_FORMAT) {
        return { path: at, message: `${preview(error.data)} is not a valid Kubernetes quantity (e.g. 100m, 1.5, 256Mi, 10G, 1e3)` };
      }
      return { path: at, message: `${preview(error.data)} must match format "${String(params.format)}"` };
    case 'pattern':
      return { path: at, message: `${preview(error.data)} must match pattern ${String(params.pattern)}` };
    default: {
      const message = error.message ?? error.keyword;
      const scalar = error.data !== undefined && typeof error.data !== 'object';
      return { path: at, message: scalar ? `${message} (got ${preview(error.data)})` : message };
    }
  }
}
