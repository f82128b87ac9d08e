/**
 * A Kubernetes object as JSON: what cdk8s's `toJson()` renders and what the Flux tree and the
 * Pulumi program carry. Its shape depends on the kind and, for custom kinds, on the CRD, so the
 * type system cannot describe it; the tests validate every such object strictly against the real
 * schemas (Kubernetes OpenAPI, the CRDs' openAPIV3Schema) instead.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any kind's JSON; checked against the schemas, not by types
export type KubeJson = Record<string, any>;
