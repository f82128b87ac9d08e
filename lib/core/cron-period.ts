import { checkCron, CronSchedule } from './cron';

const RANGES: ReadonlyArray<readonly [number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
/**
 * Days simulated: five calendar years from a leap year (2024-01-01, a Monday), so the gaps of
 * yearly schedules and even of 29 February (2024 → 2028) are seen in full.
 */
const SIMULATED_DAYS = 5 * 365 + 2;
const START = Date.UTC(2024, 0, 1);

/**
 * The longest time in minutes between two consecutive runs of a 5-field cron schedule: what a
 * "last success is too old" alert has to wait for before it may say a run is missing. For
 * `0 2 * * 1-5` it is 3 days (Friday to Monday), not one day; for `*\/15 * * * *` 15 minutes.
 *
 * The schedule is read in UTC: a time zone with daylight saving time moves runs by an hour twice
 * a year, which the alerts' margin (twice the period) absorbs. Throws on an invalid schedule.
 */
export function cronPeriodMinutes(schedule: CronSchedule): number {
  const check = checkCron(schedule);
  if (check.error !== undefined) throw new Error(`cron schedule '${String(schedule)}' ${check.error}`);
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = check.expression.split(' ').map((field, i) => expand(field, i));
  const fields = check.expression.split(' ');
  // Cron's rule: when both day fields are restricted, a day matches if either matches. As in
  // robfig/cron (the Kubernetes CronJob controller's parser), only `*` (or a step of 1 over it)
  // leaves a field unrestricted; `*/2` restricts it.
  const unrestricted = (field: string) => field.split(',').some((item) => item === '*' || item === '*/1');
  const domRestricted = !unrestricted(fields[2]);
  const dowRestricted = !unrestricted(fields[4]);
  const times = [...hours].sort((a, b) => a - b).flatMap((h) => [...minutes].sort((a, b) => a - b).map((m) => h * 60 + m));
  const runDays: number[] = [];
  for (let day = 0; day < SIMULATED_DAYS; day++) {
    const date = new Date(START + day * 86_400_000);
    const dom = daysOfMonth.has(date.getUTCDate());
    const dow = daysOfWeek.has(date.getUTCDay()) || (date.getUTCDay() === 0 && daysOfWeek.has(7));
    const dayMatches = domRestricted && dowRestricted ? dom || dow : dom && dow;
    if (dayMatches && months.has(date.getUTCMonth() + 1)) runDays.push(day);
  }
  if (runDays.length === 0) throw new Error(`cron schedule '${check.expression}' never runs`);
  let longest = 0;
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i] - times[i - 1]);
  for (let i = 1; i < runDays.length; i++) {
    longest = Math.max(longest, (runDays[i] - runDays[i - 1]) * 1440 + times[0] - times[times.length - 1]);
  }
  // A schedule running on a single day of the simulated span (none does, but be safe) or
  // once a day only: the gap to the same time the next run day.
  if (runDays.length === 1) longest = Math.max(longest, 1440);
  return longest;
}

/** The values a cron field (already checked) stands for. */
function expand(field: string, index: number): Set<number> {
  const [min, max] = RANGES[index];
  const names = index === 3 ? MONTHS : index === 4 ? DAYS : undefined;
  const value = (text: string) =>
    /^\d+$/.test(text) ? Number(text) : (names as string[]).indexOf(text.toUpperCase()) + (index === 3 ? 1 : 0);
  const values = new Set<number>();
  for (const item of field.split(',')) {
    const [range, stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let [from, to] = [min, max];
    if (range !== '*') {
      const bounds = range.split('-').map(value);
      from = bounds[0];
      // `5/15` means from 5 to the end in steps of 15.
      to = bounds.length === 2 ? bounds[1] : stepText === undefined ? bounds[0] : max;
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}
