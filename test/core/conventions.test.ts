import { isDnsLabel, isLabelValue, recommendedLabels, resourceName, selectorLabels, toLabelValue } from '../../lib';

test('resource names are <system>-<component>', () => {
  expect(resourceName('homepage', 'api')).toBe('homepage-api');
});

test('selector labels are the immutable subset of the recommended labels', () => {
  const id = { system: 'homepage', component: 'api', environment: 'prod', version: '1.2.3' };
  expect(recommendedLabels(id)).toEqual({
    'app.kubernetes.io/name': 'homepage-api',
    'app.kubernetes.io/instance': 'homepage-api-prod',
    'app.kubernetes.io/component': 'api',
    'app.kubernetes.io/part-of': 'homepage',
    'app.kubernetes.io/managed-by': 'reliakit',
    'app.kubernetes.io/version': '1.2.3',
    'reliakit.dev/environment': 'prod',
  });
  expect(selectorLabels(id)).toEqual({ 'app.kubernetes.io/name': 'homepage-api', 'app.kubernetes.io/instance': 'homepage-api-prod' });
  expect(recommendedLabels({ ...id, version: undefined })).not.toHaveProperty(['app.kubernetes.io/version']);
});

test.each([
  ['api', true],
  ['homepage-api', true],
  ['a'.repeat(63), true],
  ['a'.repeat(64), false],
  ['Api', false],
  ['-api', false],
  ['api-', false],
  ['api_v2', false],
  ['', false],
])('isDnsLabel(%s) = %s', (value, ok) => {
  expect(isDnsLabel(value)).toBe(ok);
});

test.each([
  ['1.2.3', true],
  ['v1_2-3', true],
  ['', true],
  ['1.2 3', false],
  ['-1', false],
  ['x'.repeat(64), false],
])('isLabelValue(%s) = %s', (value, ok) => {
  expect(isLabelValue(value)).toBe(ok);
});

test.each([
  ['1.2.3', '1.2.3'],
  ['1.2+build', '1.2-build'],
  ['--x--', 'x'],
  ['a'.repeat(70), 'a'.repeat(63)],
])('toLabelValue(%s) = %s', (value, expected) => {
  expect(toLabelValue(value)).toBe(expected);
});
