/**
 * listings — seed 004. Being written: services, database and backups from the plan.
 */
import { EnvironmentStage, SystemChart } from '../lib';

export function listingsStack(stage: EnvironmentStage): SystemChart {
  return new SystemChart(stage, 'listings');
}
