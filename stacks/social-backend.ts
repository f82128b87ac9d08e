/**
 * social-backend — seed 003. Being written: services, database and backups from the plan.
 */
import { EnvironmentStage, SystemChart } from '../lib';

export function socialBackendStack(stage: EnvironmentStage): SystemChart {
  return new SystemChart(stage, 'social-backend');
}
