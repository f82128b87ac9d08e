/** Settings shared by the stacks. */
import { Size } from 'cdk8s';
import { ContainerResources, Cpu } from 'cdk8s-plus-28';

/**
 * Resources of every backup, drill and off-site job container: pg_dump and the AWS CLI are mostly
 * I/O-bound; the memory limit bounds a runaway restore check.
 */
export const BACKUP_JOB_RESOURCES: ContainerResources = {
  cpu: { request: Cpu.millis(100) },
  memory: { request: Size.mebibytes(256), limit: Size.mebibytes(1024) },
};
