import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';

/**
 * A duration in Go/Prometheus notation (`90s` → `1m30s`, `10m`, `1h`), as Flux, Prometheus and the
 * Kubernetes CRDs expect. Sub-second durations are rendered in milliseconds.
 */
export function goDuration(d: Duration): string {
  let ms = d.toMilliseconds();
  if (ms === 0) return '0s';
  if (ms % 1000 !== 0) return `${ms}ms`;
  let out = '';
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    const n = Math.floor(ms / size);
    if (n > 0) out += `${n}${unit}`;
    ms -= n * size;
  }
  return out;
}

/** Whole seconds in `d`, or undefined when `d` is not a whole number of seconds (Kubernetes fields are integers). */
export function wholeSeconds(d: Duration): number | undefined {
  const ms = d.toMilliseconds();
  return ms % 1000 === 0 ? ms / 1000 : undefined;
}

/** Seconds in `d`, possibly fractional; for comparisons only. */
export function seconds(d: Duration): number {
  return d.toMilliseconds() / 1000;
}

/** Milli-CPUs in a cdk8s-plus `Cpu` (`Cpu.millis(250)` → 250, `Cpu.units(1.5)` → 1500). */
export function cpuMillis(cpu: Cpu): number {
  const amount = cpu.amount;
  return amount.endsWith('m') ? Number(amount.slice(0, -1)) : Number(amount) * 1000;
}

/** Bytes in a cdk8s `Size`, for comparisons only. */
export function sizeBytes(size: Size): number {
  return size.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024;
}

// resource.Quantity's grammar (k8s.io/apimachinery/pkg/api/resource): a signed decimal with a
// binary-SI suffix, a decimal-SI suffix or an exponent.
const QUANTITY = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** True when `value` parses as a Kubernetes quantity (`2000`, `500m`, `1.5k`, `256Mi`). */
export function isQuantity(value: string): boolean {
  return QUANTITY.test(value);
}
