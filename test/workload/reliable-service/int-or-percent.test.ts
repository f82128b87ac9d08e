import { countAt, intOrString } from '../../../lib/workload/reliable-service/int-or-percent';

describe('countAt', () => {
  test.each<[number | string, number, number | undefined]>([
    [1, 3, 1],
    [0, 3, 0],
    ['25%', 4, 1],
    ['25%', 5, 2],
    ['1%', 2, 1],
    ['100%', 3, 3],
    ['0%', 3, 0],
    ['101%', 3, undefined],
    ['half', 3, undefined],
    [-1, 3, undefined],
    [1.5, 3, undefined],
  ])('%p at %p replicas is %p pods', (value, replicas, expected) => {
    expect(countAt(value, replicas)).toBe(expected);
  });
});

test.each<[number | string, number | string]>([
  [1, 1],
  ['25%', '25%'],
])('intOrString(%p)', (value, expected) => {
  expect(intOrString(value).value).toBe(expected);
});
