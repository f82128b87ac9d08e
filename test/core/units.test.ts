import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { cpuMillis, goDuration, isQuantity, seconds, sizeBytes, wholeSeconds } from '../../lib/core/units';

test.each([
  [Duration.seconds(0), '0s'],
  [Duration.seconds(10), '10s'],
  [Duration.seconds(90), '1m30s'],
  [Duration.minutes(10), '10m'],
  [Duration.hours(25), '25h'],
  [Duration.seconds(3723), '1h2m3s'],
  [Duration.millis(1500), '1500ms'],
])('goDuration(%s) = %s', (d, expected) => {
  expect(goDuration(d)).toBe(expected);
});

test.each([
  [Duration.seconds(5), 5, 5],
  [Duration.minutes(2), 120, 120],
  [Duration.millis(2500), undefined, 2.5],
])('wholeSeconds / seconds of %s', (d, whole, secs) => {
  expect(wholeSeconds(d)).toBe(whole);
  expect(seconds(d)).toBe(secs);
});

test.each([
  [Cpu.millis(100), 100],
  [Cpu.units(1), 1000],
  [Cpu.units(0.5), 500],
])('cpuMillis(%s) = %d', (cpu, millis) => {
  expect(cpuMillis(cpu)).toBe(millis);
});

test.each([
  [Size.mebibytes(256), 268435456],
  [Size.gibibytes(1), 1073741824],
  [Size.kibibytes(1), 1024],
])('sizeBytes(%s) = %d', (size, bytes) => {
  expect(sizeBytes(size)).toBe(bytes);
});

test.each([
  ['2000', true],
  ['500m', true],
  ['1.5k', true],
  ['256Mi', true],
  ['1e3', true],
  ['.5', true],
  ['2k rps', false],
  ['256MB', false],
  ['1.5.0', false],
  ['', false],
  ['ten', false],
])('isQuantity(%s) = %s', (value, ok) => {
  expect(isQuantity(value)).toBe(ok);
});
