/**
 * Production review, finding 8: images with known CVEs. In every environment's tree, every image
 * is pinned (a tag, a digest, or both) and no PostgreSQL, Redis or PgBouncer image is older than
 * the release that fixes its line's known CVEs (lib/core/images.ts). A CNPG Pooler must name its
 * PgBouncer image: otherwise the operator's default runs, whatever its version.
 */
import { imagePinningProblem } from '../../lib/core/image';
import { unpatchedImageProblem } from '../../lib/core/images';
import { buildApp } from '../../stacks/main';
import { Manifest } from '../support/synth';
import { objectsBySystem } from '../support/tree';

const bySystem = objectsBySystem(buildApp().render());

/** Every image an object runs, as `[where, image]`. */
function images(o: Manifest): Array<[string, string]> {
  const at = `${o.kind}/${o.metadata.name}`;
  const pod = o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec?.template?.spec;
  if (o.kind === 'Cluster' && o.apiVersion.startsWith('postgresql.cnpg.io')) return [[`${at}/imageName`, o.spec.imageName]];
  if (!pod) return [];
  // A Pooler's template is merged into CNPG's own: a container without an image keeps the operator's.
  return [...(pod.initContainers ?? []), ...(pod.containers ?? [])]
    .filter((c: Manifest) => o.kind !== 'Pooler' || c.image !== undefined)
    .map((c: Manifest) => [`${at}/${c.name}`, c.image]);
}

function imageProblems(objects: Manifest[]): string[] {
  const problems = objects.flatMap(images).flatMap(([at, image]) => {
    if (typeof image !== 'string') return [`${at}: no image`];
    const pinning = imagePinningProblem(image);
    const unpatched = unpatchedImageProblem(image);
    return [...(pinning ? [`${at}: ${image} ${pinning[0]}`] : []), ...(unpatched ? [`${at}: ${unpatched}`] : [])];
  });
  for (const pooler of objects.filter((o) => o.kind === 'Pooler')) {
    const pgbouncer = (pooler.spec.template?.spec?.containers ?? []).find((c: Manifest) => c.name === 'pgbouncer');
    if (!pgbouncer?.image) problems.push(`Pooler/${pooler.metadata.name}: no pgbouncer image, so the operator's default runs`);
  }
  return problems;
}

test('the trees run PostgreSQL, Redis and PgBouncer images to check', () => {
  const all = [...bySystem.values()]
    .flat()
    .flatMap(images)
    .map(([, image]) => image);
  for (const software of ['postgresql:', 'redis:', 'pgbouncer:'])
    expect([software, all.some((i) => i.includes(software))]).toEqual([software, true]);
});

test.each([...bySystem.entries()])(
  '%s: every image is pinned and none runs PostgreSQL, Redis or PgBouncer below its CVE fixes',
  (_key, objects) => {
    expect(imageProblems(objects)).toEqual([]);
  },
);
