import { Duration } from 'cdk8s';
import { AlertRule } from '../alert-rule';
import { labelEq, selectorOf } from '../../promql';
import { SymptomAlertProps, SymptomBuilder } from './symptom-builder';

/** Props of {@link SymptomAlerts.targetDown}. */
export interface TargetDownProps extends SymptomAlertProps {
  /** The namespace of the scrape targets. */
  readonly namespace: string;
  /** The scrape job (for a ServiceMonitor: the Service's name). */
  readonly job: string;
}

/** Props of {@link SymptomAlerts.deploymentUnavailable}. */
export interface DeploymentUnavailableProps extends SymptomAlertProps {
  /** The Deployment's namespace. */
  readonly namespace: string;
  /** The Deployment's name. */
  readonly deployment: string;
}

/**
 * No target of the scrape job is up, or the job has no targets at all (`up` from Prometheus).
 * Default `for`: 2 minutes.
 */
export function targetDown(props: TargetDownProps): AlertRule {
  const b = new SymptomBuilder('targetDown', props);
  b.labelValue('namespace', props.namespace);
  b.nonEmpty('job', props.job);
  const up = selectorOf('up', labelEq('namespace', props.namespace), labelEq('job', props.job));
  return b.build({
    name: 'TargetDown',
    expr: `sum by (namespace, job) (${up}) == 0\nor\nabsent(${up})`,
    for: Duration.minutes(2),
    namespace: props.namespace,
    summary: `${props.service}: no ${props.job} target is up`,
    description: `Prometheus cannot scrape any target of job ${props.job} in ${props.namespace} (or finds none): the service is down or no longer discovered.`,
  });
}

/**
 * No replica of a Deployment is available, or kube-state-metrics knows no such Deployment: the
 * down alert of a workload Prometheus does not scrape (no `up` series to read). Default `for`:
 * 5 minutes.
 */
export function deploymentUnavailable(props: DeploymentUnavailableProps): AlertRule {
  const b = new SymptomBuilder('deploymentUnavailable', props);
  b.labelValue('namespace', props.namespace);
  b.nonEmpty('deployment', props.deployment);
  const available = selectorOf(
    'kube_deployment_status_replicas_available',
    labelEq('namespace', props.namespace),
    labelEq('deployment', props.deployment),
  );
  return b.build({
    name: 'DeploymentUnavailable',
    expr: `sum by (namespace, deployment) (${available}) == 0\nor\nabsent(${available})`,
    for: Duration.minutes(5),
    namespace: props.namespace,
    summary: `${props.service}: no replica of ${props.deployment} is available`,
    description: `Deployment ${props.deployment} in ${props.namespace} has no available replica (or kube-state-metrics finds none): the service is down.`,
  });
}
