/**
 * The Pulumi entry (`Pulumi.yaml: main: stacks/pulumi/`): applies the systems of the stack's
 * environment — the same objects `cdk8s synth` writes — and creates their off-site backup storage
 * on AWS. Configuration: `Pulumi.<stack>.yaml`, checked in ./config.ts.
 */
import { deployReliakit, pulumiConfigSource, stackOutputs } from './program';

const outputs = stackOutputs(deployReliakit(pulumiConfigSource));

/** The deployed environment. */
export const environment = outputs.environment;
/** The deployed systems. */
export const systems = outputs.systems;
/** Per system with off-site backups: bucket, region, prefix, retention, KMS key ARN, credentials Secret. */
export const offsiteBackups = outputs.offsiteBackups;
