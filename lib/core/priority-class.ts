/**
 * The PriorityClass a pod runs at: a closed choice of the classes the infrastructure layer creates
 * (lib/delivery/priority-classes.ts renders them from these names). Under node pressure the
 * scheduler evicts batch work before services and services before the data layer they depend on.
 */
export class PriorityClass {
  /** Stateful data layers (PostgreSQL instances and their poolers, Redis). */
  public static readonly DATA = new PriorityClass('reliakit-data');
  /** Services: the default of a ReliableService. */
  public static readonly SERVICE = new PriorityClass('reliakit-service');
  /** Backups, restore drills, chaos schedules: retried later, never preempt a service. */
  public static readonly BATCH = new PriorityClass('reliakit-batch');

  private constructor(
    /** The PriorityClass's `metadata.name`, which pods name in `priorityClassName`. */
    public readonly name: string,
  ) {}

  public toString(): string {
    return this.name;
  }
}
