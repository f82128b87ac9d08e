import { k8s } from 'cdk8s-plus-28';
import { polarisAnnotations } from '../../core/polaris-exemption';
import { renderResources } from '../../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../core/security';
import { wholeSeconds } from '../../core/units';
import { intOrString } from './int-or-percent';
import { declaredPorts } from './ports';
import { renderProbes } from './probes';
import { renderLifecycle } from './shutdown';
import { ResolvedServiceSpec } from './spec';
import { renderWritableDirectories } from './storage';

/**
 * The Deployment. `env` is taken as given so the construct can pass a Lazy value (backing
 * services add variables after construction).
 */
export function renderDeployment(
  spec: ResolvedServiceSpec,
  metadata: k8s.ObjectMeta,
  env: k8s.EnvVar[] | undefined,
): k8s.KubeDeploymentProps {
  const ports = declaredPorts(spec.ports);
  const { volumes, volumeMounts } = renderWritableDirectories(spec.writableDirectories);
  return {
    metadata: { ...metadata, annotations: { ...metadata.annotations, ...polarisAnnotations(spec.polarisExemptions) } },
    spec: {
      replicas: spec.scaling.replicas,
      selector: { matchLabels: { ...spec.selector } },
      revisionHistoryLimit: spec.rollout.revisionHistoryLimit,
      progressDeadlineSeconds: wholeSeconds(spec.rollout.progressDeadline),
      minReadySeconds: wholeSeconds(spec.rollout.minReady),
      strategy: {
        type: 'RollingUpdate',
        // Never remove a serving pod before its replacement is ready.
        rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: intOrString(spec.rollout.maxSurge) },
      },
      template: {
        metadata: { labels: { ...spec.labels } },
        spec: {
          serviceAccountName: spec.name,
          automountServiceAccountToken: false,
          priorityClassName: spec.priorityClass.name,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: wholeSeconds(spec.lifecycle.terminationGracePeriod),
          securityContext: restrictedPodSecurityContext(spec.identity),
          topologySpreadConstraints: renderSpreadConstraints(spec.topologyKeys, spec.selector),
          containers: [
            {
              name: spec.component,
              image: spec.image,
              imagePullPolicy: 'IfNotPresent',
              command: spec.command ? [...spec.command] : undefined,
              args: spec.args ? [...spec.args] : undefined,
              ports: ports.length > 0 ? ports.map(([name, containerPort]) => ({ name, containerPort, protocol: 'TCP' })) : undefined,
              env,
              resources: renderResources(spec.resources),
              ...renderProbes(spec.probes, spec.ports),
              lifecycle: renderLifecycle(spec.lifecycle),
              securityContext: restrictedContainerSecurityContext(),
              volumeMounts,
              terminationMessagePolicy: 'FallbackToLogsOnError',
            },
          ],
          volumes,
        },
      },
    },
  };
}

/** Soft spread across `keys`; undefined when spreading is switched off. */
export function renderSpreadConstraints(
  keys: readonly string[],
  selector: Readonly<Record<string, string>>,
): k8s.TopologySpreadConstraint[] | undefined {
  if (keys.length === 0) return undefined;
  // ScheduleAnyway: a required constraint (or zone anti-affinity) can leave a surge pod
  // Pending forever on a small cluster and stall the rollout. matchLabelKeys scopes the skew
  // to one ReplicaSet, so old pods do not distort the new revision's spread.
  return keys.map((topologyKey) => ({
    topologyKey,
    maxSkew: 1,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: { ...selector } },
    matchLabelKeys: ['pod-template-hash'],
  }));
}
