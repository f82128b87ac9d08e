/**
 * The system list: every system's stack, in synthesis order. One place to add a system —
 * `reliakit new system NAME` appends its import and its entry here; the stack tests iterate it.
 */
import type { EnvironmentStage, SystemChart } from '../lib';
import { homepageStack } from './homepage';
import { listingsStack } from './listings';
import { llmDataVaultStack } from './llm-data-vault';
import { postfactaStack } from './postfacta';
import { socialBackendStack } from './social-backend';

/** A system's stack: builds its SystemChart in one environment. */
export type SystemStack = (stage: EnvironmentStage) => SystemChart;

/** Every system, in synthesis order. */
export const SYSTEMS: readonly SystemStack[] = [homepageStack, postfactaStack, llmDataVaultStack, socialBackendStack, listingsStack];
