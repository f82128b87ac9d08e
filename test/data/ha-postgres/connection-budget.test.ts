import { applicationConnections, ConnectionBudget, connectionBudgetProblems } from '../../../lib/data/ha-postgres/connection-budget';
import { ConnectionRoute } from '../../../lib/data/ha-postgres/props';

const PATH = 'shop-prod/db';
const POOLER = { instances: 2, defaultPoolSize: 20, maxClientConnections: 1000 };
const api = (maxReplicas: number, poolSizePerPod: number, via = ConnectionRoute.PRIMARY) => ({
  name: 'shop-api',
  maxReplicas,
  poolSizePerPod,
  via,
});
const worker = (maxReplicas: number, poolSizePerPod: number, via = ConnectionRoute.PRIMARY) => ({
  name: 'shop-worker',
  maxReplicas,
  poolSizePerPod,
  via,
});

describe('applicationConnections', () => {
  test.each([
    // max_connections − 3 superuser slots − one replication slot per standby
    [100, 1, 97],
    [100, 2, 96],
    [200, 3, 195],
    [5, 2, 1],
  ])('max_connections %d, %d instances → %d', (maxConnections, instances, expected) => {
    expect(applicationConnections(maxConnections, instances)).toBe(expected);
  });
});

describe('connectionBudgetProblems', () => {
  test.each<[string, ConnectionBudget, string[]]>([
    ['no clients', { path: PATH, maxConnections: 100, instances: 2, clients: [] }, []],
    ['direct clients exactly at the budget', { path: PATH, maxConnections: 100, instances: 2, clients: [api(6, 10), worker(4, 9)] }, []],
    [
      'direct clients over the budget',
      { path: PATH, maxConnections: 100, instances: 2, clients: [api(6, 10), worker(4, 10)] },
      [
        'shop-prod/db: connection budget exceeded — shop-api 6 × 10 + shop-worker 4 × 10 = 100 connections at maximum scale, but max_connections 100' +
          ' admits 96 for applications — raise maxConnections, lower the pools or maxReplicas, or connect through the pooler',
      ],
    ],
    [
      'pooler and pooled clients within both budgets',
      {
        path: PATH,
        maxConnections: 100,
        instances: 2,
        pooler: POOLER,
        clients: [api(10, 50, ConnectionRoute.POOLER), worker(2, 28)],
      },
      [],
    ],
    [
      "the pooler's server connections count against max_connections",
      {
        path: PATH,
        maxConnections: 50,
        instances: 2,
        pooler: POOLER,
        clients: [api(10, 50, ConnectionRoute.POOLER), worker(2, 4)],
      },
      [
        'shop-prod/db: connection budget exceeded — shop-worker 2 × 4 + pooler 2 × 20 = 48 connections at maximum scale, but max_connections 50' +
          ' admits 46 for applications — raise maxConnections, lower the pools or maxReplicas, or connect through the pooler',
      ],
    ],
    [
      'the pooler alone over max_connections',
      { path: PATH, maxConnections: 40, instances: 3, pooler: POOLER, clients: [] },
      [
        'shop-prod/db: connection budget exceeded — pooler 2 × 20 = 40 connections at maximum scale, but max_connections 40' +
          ' admits 35 for applications — raise maxConnections, lower the pools or maxReplicas, or connect through the pooler',
      ],
    ],
    [
      'pooled clients over max_client_conn',
      {
        path: PATH,
        maxConnections: 100,
        instances: 2,
        pooler: POOLER,
        clients: [api(20, 60, ConnectionRoute.POOLER), worker(10, 81, ConnectionRoute.POOLER)],
      },
      [
        'shop-prod/db: pooler client budget exceeded — shop-api 20 × 60 + shop-worker 10 × 81 = 2010 client connections at maximum scale, but' +
          ' 2 PgBouncer pods × max_client_conn 1000 admit 2000 — raise pooler.maxClientConnections or pooler.instances, or lower the pools',
      ],
    ],
    [
      'both budgets exceeded',
      {
        path: PATH,
        maxConnections: 60,
        instances: 2,
        pooler: { ...POOLER, maxClientConnections: 50 },
        clients: [api(4, 30, ConnectionRoute.POOLER), worker(2, 10)],
      },
      [
        'shop-prod/db: connection budget exceeded — shop-worker 2 × 10 + pooler 2 × 20 = 60 connections at maximum scale, but max_connections 60' +
          ' admits 56 for applications — raise maxConnections, lower the pools or maxReplicas, or connect through the pooler',
        'shop-prod/db: pooler client budget exceeded — shop-api 4 × 30 = 120 client connections at maximum scale, but' +
          ' 2 PgBouncer pods × max_client_conn 50 admit 100 — raise pooler.maxClientConnections or pooler.instances, or lower the pools',
      ],
    ],
  ])('%s', (_, budget, expected) => {
    expect(connectionBudgetProblems(budget)).toEqual(expected);
  });
});
