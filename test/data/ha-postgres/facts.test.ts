import { Duration } from 'cdk8s';
import { PoolMode } from '../../../lib';
import { postgresFacts, PostgresFactsSource } from '../../../lib/data/ha-postgres/facts';
import { ResolvedPooler } from '../../../lib/data/ha-postgres/spec';

const POOLER = {
  instances: 2,
  poolMode: PoolMode.TRANSACTION,
  defaultPoolSize: 20,
  maxClientConnections: 200,
  readOnly: true,
} as ResolvedPooler;
const db = (overrides: Partial<PostgresFactsSource> = {}): PostgresFactsSource => ({
  name: 'shop-postgres',
  majorVersion: 16,
  instances: 3,
  maxConnections: 100,
  pooler: undefined,
  backup: undefined,
  ...overrides,
});

describe('postgresFacts', () => {
  test.each<[string, PostgresFactsSource, string[]]>([
    ['no pooler: exemptions of the Cluster only', db(), ['Cluster shop-postgres']],
    [
      'a read-write and a read-only pooler: both are exempt too',
      db({ pooler: POOLER }),
      ['Cluster shop-postgres', 'Pooler shop-postgres-pooler-rw', 'Pooler shop-postgres-pooler-ro'],
    ],
  ])('%s', (_name, source, objects) => {
    const facts = postgresFacts(source, [{ name: 'shop-api', poolSizePerPod: 5, maxReplicas: 4, via: 'pooler' }]);
    expect([...new Set((facts.policyExemptions ?? []).map((e) => e.object))]).toEqual(objects);
    expect(facts.databases).toEqual([
      {
        name: 'shop-postgres',
        majorVersion: 16,
        instances: 3,
        maxConnections: 100,
        pooler: source.pooler && { instances: 2, defaultPoolSize: 20, poolMode: 'transaction' },
        clients: [{ name: 'shop-api', maxReplicas: 4, poolSizePerPod: 5, via: 'pooler' }],
        backup: undefined,
      },
    ]);
  });

  test('continuous backup: target, schedule, archive timeout, RPO and retention', () => {
    const backup = {
      target: { toString: () => 's3://b/p' },
      schedule: '0 0 2 * * *',
      archiveTimeout: Duration.minutes(5),
      rpo: Duration.minutes(15),
      retention: '30d',
    };
    expect(postgresFacts(db({ backup: backup as never }), []).databases?.[0].backup).toEqual({
      target: 's3://b/p',
      schedule: '0 0 2 * * *',
      archiveTimeout: Duration.minutes(5),
      rpo: Duration.minutes(15),
      retention: '30d',
    });
  });
});
