import { polarisExemptionFacts } from '../../core/polaris-exemption';
import { ReliabilityFacts } from '../../core/reliability-facts';
import { poolerNames } from './pooler';
import { CNPG_POLARIS_EXEMPTIONS, ResolvedBackup, ResolvedPooler } from './spec';

/** What the reliability report needs of a database. */
export interface PostgresFactsSource {
  readonly name: string;
  readonly majorVersion: number | undefined;
  readonly instances: number;
  readonly maxConnections: number;
  readonly pooler: Readonly<ResolvedPooler> | undefined;
  readonly backup: Readonly<ResolvedBackup> | undefined;
}

/** A database's facts for the reliability report (pure): instances, connections, pooler, clients, continuous backup, Polaris exemptions. */
export function postgresFacts(
  db: PostgresFactsSource,
  clients: ReadonlyArray<{ name: string; poolSizePerPod: number; maxReplicas: number; via: string }>,
): ReliabilityFacts {
  const b = db.backup;
  return {
    databases: [
      {
        name: db.name,
        majorVersion: db.majorVersion,
        instances: db.instances,
        maxConnections: db.maxConnections,
        pooler: db.pooler && {
          instances: db.pooler.instances,
          defaultPoolSize: db.pooler.defaultPoolSize,
          poolMode: String(db.pooler.poolMode),
        },
        clients: clients.map((c) => ({ name: c.name, maxReplicas: c.maxReplicas, poolSizePerPod: c.poolSizePerPod, via: String(c.via) })),
        backup: b && {
          target: String(b.target),
          schedule: b.schedule,
          archiveTimeout: b.archiveTimeout,
          rpo: b.rpo,
          retention: b.retention,
        },
      },
    ],
    policyExemptions: [
      ...polarisExemptionFacts(`Cluster ${db.name}`, CNPG_POLARIS_EXEMPTIONS),
      // Only Poolers that exist (poolerNames names the default one even without a pooler).
      ...(db.pooler ? poolerNames(db.name, db.pooler) : []).flatMap((p) => polarisExemptionFacts(`Pooler ${p}`, CNPG_POLARIS_EXEMPTIONS)),
    ],
  };
}
