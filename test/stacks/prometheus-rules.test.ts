/** Every PrometheusRule the stacks synthesize passes `promtool check rules` (Prometheus's own parser and checks). */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { buildApp } from '../../stacks/main';
import { hasTool } from '../support/tools';

const rules = buildApp()
  .render()
  .flatMap((d) => d.files.flatMap((f) => f.objects))
  .filter((o) => o.kind === 'PrometheusRule');
const promtool = hasTool('promtool');

test('the stacks carry SLO rules', () => {
  expect(rules.map((r) => `${r.metadata.namespace}/${r.metadata.name}`)).toEqual(
    expect.arrayContaining(['homepage/homepage-slos', 'listings/listings-slos']),
  );
});

(promtool ? test : test.skip)('promtool check rules accepts every PrometheusRule', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reliakit-rules-'));
  const files = rules.map((r, i) => {
    const file = path.join(dir, `${i}-${r.metadata.namespace}-${r.metadata.name}.yaml`);
    fs.writeFileSync(file, stringify({ groups: r.spec.groups }));
    return file;
  });
  const out = execFileSync('promtool', ['check', 'rules', ...files], { encoding: 'utf8' });
  expect(out.match(/SUCCESS/g)?.length).toBe(files.length);
});
