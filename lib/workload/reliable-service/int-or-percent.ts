import { k8s } from 'cdk8s-plus-28';

const PERCENT = /^(\d{1,3})%$/;

/** The pod count an int-or-percent budget means at `replicas` (Kubernetes rounds percentages up), or undefined if malformed. */
export function countAt(value: number | string, replicas: number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  const m = PERCENT.exec(value);
  if (!m || Number(m[1]) > 100) return undefined;
  return Math.ceil((Number(m[1]) * replicas) / 100);
}

export function intOrString(value: number | string): k8s.IntOrString {
  return typeof value === 'number' ? k8s.IntOrString.fromNumber(value) : k8s.IntOrString.fromString(value);
}
