import { Cron } from 'cdk8s';

/** A schedule as users write it: a cdk8s `Cron` or a standard 5-field cron string. */
export type CronSchedule = Cron | string;

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
] as const;

/** The result of checking a schedule: its 5-field expression, or why it is not one. */
export type CronCheck =
  { readonly expression: string; readonly error?: undefined } | { readonly expression?: undefined; readonly error: string };

/**
 * Checks a 5-field cron expression (minute hour day-of-month month day-of-week), as Kubernetes
 * CronJobs take it. Hand-written: the cron parsers on npm accept 6-field (seconds) forms and
 * macros silently, which is exactly the ambiguity this check exists to reject.
 */
export function checkCron(schedule: CronSchedule): CronCheck {
  const expression = (typeof schedule === 'string' ? schedule : schedule.expressionString).trim().replace(/\s+/g, ' ');
  const parts = expression.split(' ');
  if (parts.length !== 5) {
    return { error: `has ${parts.length} fields; a cron schedule has 5 (minute hour day-of-month month day-of-week)` };
  }
  for (const [i, part] of parts.entries()) {
    const field = FIELDS[i];
    for (const item of part.split(',')) {
      const problem = checkItem(item.toUpperCase(), field.min, field.max, 'names' in field ? field.names : undefined);
      if (problem) return { error: `has an invalid ${field.name} field '${part}' (${problem})` };
    }
  }
  return { expression };
}

/** CloudNativePG's ScheduledBackup takes a 6-field, seconds-first expression: `0 <5-field>`. */
export function toSecondsFirst(expression5: string): string {
  return `0 ${expression5}`;
}

function checkItem(item: string, min: number, max: number, names?: readonly string[]): string | undefined {
  const [range, step, extra] = item.split('/');
  if (extra !== undefined) return 'more than one /';
  if (step !== undefined && !/^\d+$/.test(step)) return `step '${step}' is not a number`;
  if (step !== undefined && Number(step) < 1) return 'step must be at least 1';
  if (range === '*') return undefined;
  const bounds = range.split('-');
  if (bounds.length > 2) return `'${range}' is not a value or a range`;
  const values: number[] = [];
  for (const b of bounds) {
    const n = /^\d+$/.test(b) ? Number(b) : names ? names.indexOf(b) + (min === 1 ? 1 : 0) : NaN;
    if (!Number.isInteger(n) || (names && !/^\d+$/.test(b) && names.indexOf(b) < 0)) return `'${b}' is not a number`;
    if (n < min || n > max) return `${n} is outside ${min}–${max}`;
    values.push(n);
  }
  if (values.length === 2 && values[0] > values[1]) return `range ${range} runs backwards`;
  return undefined;
}
