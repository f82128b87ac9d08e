/**
 * llm-data-vault — seed 002. Being written: services, database and backups from the plan.
 */
import { EnvironmentStage, SystemChart } from '../lib';

export function llmDataVaultStack(stage: EnvironmentStage): SystemChart {
  return new SystemChart(stage, 'llm-data-vault');
}
