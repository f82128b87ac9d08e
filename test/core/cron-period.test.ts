import { Cron } from 'cdk8s';
import { cronPeriodMinutes } from '../../lib/core/cron-period';

describe('cronPeriodMinutes: the longest gap between two runs', () => {
  test.each([
    ['*/15 * * * *', 15],
    ['* * * * *', 1],
    ['5 * * * *', 60],
    ['0 */6 * * *', 6 * 60],
    ['0 2 * * *', 1440],
    ['30 2,14 * * *', 12 * 60],
    ['0 1,5 * * *', 20 * 60], // 05:00 → 01:00 the next day
    ['0 2 * * 1-5', 3 * 1440], // Friday → Monday
    ['0 4 * * 0', 7 * 1440],
    ['0 4 * * SUN', 7 * 1440],
    ['0 4 * * 7', 7 * 1440], // 7 is Sunday too
    ['0 0 1 * *', 31 * 1440],
    ['0 0 1 1 *', 366 * 1440], // 2024 is a leap year
    ['0 0 29 2 *', (4 * 365 + 1) * 1440], // only in leap years
    ['0 3 1,15 * *', 17 * 1440], // 15 Jan → 1 Feb (the 16th … 31st)
    ['0 0 1 * 1', 7 * 1440], // both day fields restricted: the 1st OR a Monday
    ['0 0 */2 * *', 2 * 1440], // 31st → 1st: 1 day, but 29th → 31st: 2 days
    ['10/20 * * * *', 20], // :10, :30, :50, then :10 of the next hour
  ])('%s → %d minutes', (schedule, minutes) => {
    expect(cronPeriodMinutes(schedule)).toBe(minutes);
  });

  test('takes a cdk8s Cron', () => {
    expect(cronPeriodMinutes(Cron.daily())).toBe(1440);
  });

  test.each([
    ['0 2 * *', "cron schedule '0 2 * *' has 4 fields; a cron schedule has 5 (minute hour day-of-month month day-of-week)"],
    ['0 0 31 2 *', "cron schedule '0 0 31 2 *' never runs"],
  ])('throws for %s', (schedule, message) => {
    expect(() => cronPeriodMinutes(schedule)).toThrow(message);
  });
});
