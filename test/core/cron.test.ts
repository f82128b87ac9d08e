import { Cron } from 'cdk8s';
import { checkCron, toSecondsFirst } from '../../lib/core/cron';

test.each([
  ['0 * * * *', '0 * * * *'],
  ['0 2 * * *', '0 2 * * *'],
  ['0 4 * * 0', '0 4 * * 0'],
  ['0 4 * * SUN', '0 4 * * SUN'],
  ['*/15 1-5 1,15 JAN-JUN MON-FRI', '*/15 1-5 1,15 JAN-JUN MON-FRI'],
  ['0  3   1 * *', '0 3 1 * *'],
])('checkCron(%s) accepts', (input, expression) => {
  expect(checkCron(input)).toEqual({ expression });
});

test('checkCron accepts cdk8s Cron', () => {
  expect(checkCron(Cron.schedule({ minute: '0', hour: '2' }))).toEqual({ expression: '0 2 * * *' });
  expect(checkCron(Cron.hourly())).toEqual({ expression: '0 * * * *' });
});

test.each([
  ['0 0 2 * * *', 'has 6 fields; a cron schedule has 5 (minute hour day-of-month month day-of-week)'],
  ['@daily', 'has 1 fields; a cron schedule has 5 (minute hour day-of-month month day-of-week)'],
  ['60 * * * *', "has an invalid minute field '60' (60 is outside 0–59)"],
  ['0 24 * * *', "has an invalid hour field '24' (24 is outside 0–23)"],
  ['0 0 0 * *', "has an invalid day of month field '0' (0 is outside 1–31)"],
  ['0 0 * FOO *', "has an invalid month field 'FOO' ('FOO' is not a number)"],
  ['0 0 * * 8', "has an invalid day of week field '8' (8 is outside 0–7)"],
  ['*/0 * * * *', "has an invalid minute field '*/0' (step must be at least 1)"],
  ['5-1 * * * *', "has an invalid minute field '5-1' (range 5-1 runs backwards)"],
])('checkCron(%s) rejects', (input, error) => {
  expect(checkCron(input)).toEqual({ error });
});

test('toSecondsFirst prepends the seconds field', () => {
  expect(toSecondsFirst('0 2 * * *')).toBe('0 0 2 * * *');
});
