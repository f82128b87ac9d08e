import { ConnectionRoute } from './props';
import { ClientDemand, SUPERUSER_RESERVED } from './spec';

/** What the connection budget is checked against. */
export interface ConnectionBudget {
  /** The construct path the problems name. */
  readonly path: string;
  readonly maxConnections: number;
  readonly instances: number;
  /** The pooler's size, if there is one. */
  readonly pooler?: { readonly instances: number; readonly defaultPoolSize: number; readonly maxClientConnections: number };
  readonly clients: readonly ClientDemand[];
}

/** Connections PostgreSQL admits for applications: max_connections minus superuser and replication slots. */
export function applicationConnections(maxConnections: number, instances: number): number {
  return maxConnections - SUPERUSER_RESERVED - (instances - 1);
}

/**
 * The budget's violations at maximum scale: direct clients plus the pooler's server connections
 * against max_connections, and pooled clients against the poolers' max_client_conn.
 */
export function connectionBudgetProblems(b: ConnectionBudget): string[] {
  const problems: string[] = [];
  const demand = (route: ConnectionRoute) => b.clients.filter((c) => c.via === route);
  const describe = (clients: readonly ClientDemand[]) => clients.map((c) => `${c.name} ${c.maxReplicas} × ${c.poolSizePerPod}`).join(' + ');
  const sum = (clients: readonly ClientDemand[]) => clients.reduce((n, c) => n + c.maxReplicas * c.poolSizePerPod, 0);
  const direct = demand(ConnectionRoute.PRIMARY);
  const pooled = demand(ConnectionRoute.POOLER);
  // PgBouncer opens up to default_pool_size server connections per pod for the app database/user.
  const poolerServer = b.pooler ? b.pooler.instances * b.pooler.defaultPoolSize : 0;
  const available = applicationConnections(b.maxConnections, b.instances);
  if (sum(direct) + poolerServer > available) {
    problems.push(
      `${b.path}: connection budget exceeded — ${[describe(direct), poolerServer ? `pooler ${b.pooler!.instances} × ${b.pooler!.defaultPoolSize}` : ''].filter(Boolean).join(' + ')}` +
        ` = ${sum(direct) + poolerServer} connections at maximum scale, but max_connections ${b.maxConnections} admits ${available} for applications` +
        ' — raise maxConnections, lower the pools or maxReplicas, or connect through the pooler',
    );
  }
  if (b.pooler && sum(pooled) > b.pooler.instances * b.pooler.maxClientConnections) {
    problems.push(
      `${b.path}: pooler client budget exceeded — ${describe(pooled)} = ${sum(pooled)} client connections at maximum scale, but` +
        ` ${b.pooler.instances} PgBouncer pods × max_client_conn ${b.pooler.maxClientConnections} admit ${b.pooler.instances * b.pooler.maxClientConnections}` +
        ' — raise pooler.maxClientConnections or pooler.instances, or lower the pools',
    );
  }
  return problems;
}
