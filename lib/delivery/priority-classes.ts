/**
 * The PriorityClasses of a production cluster, pure data rendered by {@link Infrastructure}.
 *
 * Under node pressure the scheduler evicts batch work before services, services before databases,
 * and nothing before the platform that runs them. Every pod template the constructs emit names one
 * (lib/core/priority-class.ts: services, data, batch); `reliakit-service` is also the global
 * default for pods without a class; the platform's Helm releases use `reliakit-platform`.
 */
import { PriorityClass } from '../core/priority-class';

/** One PriorityClass. */
export interface PriorityClassSpec {
  readonly name: string;
  readonly value: number;
  readonly globalDefault: boolean;
  /** `Never`: waits for room instead of evicting others. */
  readonly preemptionPolicy: 'PreemptLowerPriority' | 'Never';
  readonly description: string;
}

/** Operators, gateway and monitoring: below Kubernetes' own system classes (2,000,000,000+). */
export const PLATFORM_PRIORITY_CLASS = 'reliakit-platform';

/** The PriorityClasses, from the highest. */
export function priorityClasses(): PriorityClassSpec[] {
  return [
    {
      name: PLATFORM_PRIORITY_CLASS,
      value: 1_000_000,
      globalDefault: false,
      preemptionPolicy: 'PreemptLowerPriority',
      description: 'Cluster platform: operators, the gateway, monitoring. Every system depends on them.',
    },
    {
      name: PriorityClass.DATA.name,
      value: 500_000,
      globalDefault: false,
      preemptionPolicy: 'PreemptLowerPriority',
      description: 'Stateful data layers (PostgreSQL, Redis): evicting one fails over every service that uses it.',
    },
    {
      name: PriorityClass.SERVICE.name,
      value: 100_000,
      globalDefault: true,
      preemptionPolicy: 'PreemptLowerPriority',
      description: 'Services (the default for pods without a class).',
    },
    {
      name: PriorityClass.BATCH.name,
      value: 1_000,
      globalDefault: false,
      preemptionPolicy: 'Never',
      description: 'Backups, restore drills, chaos experiments: retried later, never evict a service.',
    },
  ];
}
