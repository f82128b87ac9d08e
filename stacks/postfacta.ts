/**
 * postfacta — seed 001. Being written: services, database and backups from the plan.
 */
import { EnvironmentStage, SystemChart } from '../lib';

export function postfactaStack(stage: EnvironmentStage): SystemChart {
  return new SystemChart(stage, 'postfacta');
}
