import { Yaml } from 'cdk8s';
import { jsYamlWrites, stringifyManifest, stringifyManifests } from '../../lib/delivery/manifest-yaml';

/** `s` as a key, a value, a sequence item and deeper, as manifests nest strings. */
function embed(s: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'edge', annotations: { [s]: s, note: s } },
    data: { [s]: s },
    spec: { items: [s, [s], { k: s, list: [s] }], empty: [], none: {} },
  };
}

const STRINGS: Array<[string, string]> = [
  ['YAML 1.1 booleans', 'on'],
  ['', 'On'],
  ['', 'ON'],
  ['', 'off'],
  ['', 'yes'],
  ['', 'Yes'],
  ['', 'no'],
  ['', 'NO'],
  ['', 'y'],
  ['', 'n'],
  ['', 'Y'],
  ['', 'true'],
  ['', 'False'],
  ['nulls', 'null'],
  ['', 'Null'],
  ['', '~'],
  ['', ''],
  ['numeric strings', '0'],
  ['', '1'],
  ['', '8080'],
  ['', '0123'],
  ['', '0777'],
  ['', '-1'],
  ['', '+1'],
  ['', '1.0'],
  ['', '.5'],
  ['', '1e3'],
  ['', '1E+3'],
  ['', '1_000'],
  ['', '0x1F'],
  ['', '0o17'],
  ['', '0b101'],
  ['', '.inf'],
  ['', '-.Inf'],
  ['', '.NaN'],
  ['', '12:30'],
  ['', '1:20:30'],
  ['', '190:20:30.15'],
  ['', '2001-12-14'],
  ['', '2001-12-14t21:59:43.10-05:00'],
  ['', '0.1.0'],
  ['', '10.0.0.0/8'],
  ['', '250m'],
  ['', '1Gi'],
  ['', '25%'],
  ['', '0 */6 * * *'],
  ['indicators', '-c'],
  ['', '--sentinel'],
  ['', '-'],
  ['', '- x'],
  ['', '?'],
  ['', '? x'],
  ['', ':x'],
  ['', 'x:'],
  ['', 'a: b'],
  ['', 'a:b'],
  ['', 'http://example.com:8080/x'],
  ['', 'a #b'],
  ['', 'a#b'],
  ['', '#x'],
  ['', '='],
  ['', '=='],
  ['', '=~'],
  ['', '<<'],
  ['', '@x'],
  ['', '`x'],
  ['', '!x'],
  ['', '&x'],
  ['', '*x'],
  ['', '|x'],
  ['', '>x'],
  ['', '%x'],
  ['', '{}'],
  ['', '[]'],
  ['', '[a, b]'],
  ['', 'a,b'],
  ['', '---'],
  ['', '...'],
  ['quotes', "'x"],
  ['', '"x'],
  ['', 'x"y'],
  ['', "x'y"],
  ['', 'it\'s "quoted"'],
  ['', '"only double"'],
  ['', 'a \\ b'],
  ['whitespace', ' leading'],
  ['', 'trailing '],
  ['', ' '],
  ['', 'two  spaces'],
  ['', 'tab\there'],
  ['', '\t'],
  ['', 'cr\rhere'],
  ['', 'bell\u0007'],
  ['non-ASCII', 'grüße'],
  ['', 'a — b ≥ c …'],
  ['', 'rocket 🚀'],
  ['', 'nbsp\u00a0here'],
  ['', 'nel\u0085here'],
  ['', 'ls\u2028here'],
  ['', '\ufeffbom'],
  ['multi-line', 'line one\nline two'],
  ['', 'line one\nline two\n'],
  ['', 'line one\nline two\n\n'],
  ['', 'line one\n\nline three\n'],
  ['', '\nleading newline'],
  ['', '  indented first\nsecond\n'],
  ['', 'first\n  indented second\n'],
  ['', 'trailing space \nsecond\n'],
  ['', 'last line spaces\n  '],
  ['', 'with\ttab\nsecond\n'],
  ['', '#!/bin/sh\nset -eu\necho "$1" # comment\n'],
  ['', 'a\n---\nb\n'],
  ['', 'a\n...\nb'],
  ['', '%YAML\nb'],
  ['', '\n'],
  ['', '\n\n'],
  ['', 'x\n'],
  ['', '{\n  "json": [1, 2]\n}\n'],
  ['', 'ünïcode\nlines —\n'],
  ['long strings (never folded)', `${'word '.repeat(400)}end`],
  ['', `${'x'.repeat(1500)}`],
  ['', `${'long line of a script '.repeat(60)}\n${'and another '.repeat(90)}\n`],
];

describe('stringifyManifest writes what cdk8s Yaml.stringify writes', () => {
  let section = '';
  test.each(STRINGS.map(([label, s]) => [(section = label || section), JSON.stringify(s).slice(0, 60), s] as const))(
    '%s: %s',
    (_label, _shown, s) => {
      const doc = embed(s);
      expect(stringifyManifest(doc)).toBe(Yaml.stringify(doc));
    },
  );

  test.each([
    ['integers', { a: 0, b: -1, c: 8080, d: 2 ** 53 }],
    ['floats', { a: 1.5, b: -0.25, c: 0.1 + 0.2 }],
    ['exponents', { a: 1e21, b: 1e-7, c: -2.5e-10 }],
    ['minus zero', { a: -0 }],
    ['non-finite', { a: NaN, b: Infinity, c: -Infinity }],
    ['booleans and null', { a: true, b: false, c: null, d: [null, true] }],
    ['undefined values (kept by cdk8s as null)', { a: undefined, b: [undefined], c: 1 }],
    ['empty collections', { a: [], b: {}, c: [[], {}], d: [[[]]] }],
    ['nested sequences', { a: [[1, [2, ['x', { y: [3] }]]]] }],
    ['a long key', { ['k'.repeat(1100)]: 'v' }],
    ['an empty document', {}],
  ])('%s', (_label, doc) => {
    expect(stringifyManifest(doc)).toBe(Yaml.stringify(doc));
  });

  test('an object met twice: yaml writes an anchor and an alias, so yaml writes it', () => {
    const shared = { app: 'x' };
    const doc = { a: shared, b: shared };
    expect(jsYamlWrites(doc)).toBe(false);
    expect(stringifyManifest(doc)).toBe(Yaml.stringify(doc));
  });

  test('several documents, undefined ones included, joined as cdk8s joins them', () => {
    const docs = [embed('x'), undefined, embed('-c'), { a: 1 }];
    expect(stringifyManifests(...docs)).toBe(Yaml.stringify(...docs));
  });

  test('a typical Deployment takes js-yaml; a string js-yaml quotes and yaml does not (`-c`) sends its document to yaml', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'shop-api', labels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/version': '2.4.1' } },
      spec: {
        replicas: 3,
        template: {
          spec: {
            containers: [
              {
                image: 'ghcr.io/acme/shop-api:2.4.1',
                ports: [{ containerPort: 8080, name: 'http' }],
                resources: { requests: { cpu: '200m', memory: '256Mi' } },
                env: [{ name: 'PORT', value: '8080' }],
                readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
              },
            ],
          },
        },
      },
    };
    expect(jsYamlWrites(deployment)).toBe(true);
    expect(stringifyManifest(deployment)).toBe(Yaml.stringify(deployment));
    const shell = { command: ['sh', '-c', 'echo ok'] };
    expect(jsYamlWrites(shell)).toBe(false);
    expect(stringifyManifest(shell)).toBe(Yaml.stringify(shell));
  });

  test('3,000 random strings from an alphabet of indicators, quotes, digits, spaces, newlines and non-ASCII', () => {
    // A fixed seed: the same strings on every run.
    let seed = 0x5eed;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const alphabet = [
      ...'aZ09_-:.#@&*!|>\'"%`?,[]{}=~+/<\\ \t\n',
      'ü',
      '—',
      '🚀',
      'on',
      'yes',
      'null',
      'true',
      '0x',
      '1e',
      ': ',
      ' #',
      '---',
    ];
    const differing: string[] = [];
    let viaJsYaml = 0;
    for (let i = 0; i < 3_000; i++) {
      const length = 1 + Math.floor(random() * 12);
      let s = '';
      for (let j = 0; j < length; j++) s += alphabet[Math.floor(random() * alphabet.length)];
      const doc = { [s]: s, list: [s, { k: s }] };
      if (jsYamlWrites(doc)) viaJsYaml++;
      if (stringifyManifest(doc) !== Yaml.stringify(doc)) differing.push(JSON.stringify(s));
    }
    expect(differing.slice(0, 20)).toEqual([]);
    // The comparison exercises the fast path, not only the fallback.
    expect(viaJsYaml).toBeGreaterThan(300);
  });
});
