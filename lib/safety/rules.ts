/**
 * The rule catalogues of the wiring checks and the policy checker. Rule ids are the keys of
 * suppression annotations, so both checkers know every id and neither reports the other's as unknown.
 */
import { IConstruct } from 'constructs';

/**
 * Annotation that declares a workload fixed-size: it must run exactly one pod (a fetcher that
 * must run once, a singleton consumer). The wiring checks refuse an autoscaler on it and
 * `spec.replicas` above 1. Value: `"true"`.
 */
export const FIXED_SIZE_ANNOTATION = 'cdk8s-delivery.io/fixed-size';

/** The wiring rules, by id, with what each catches (docs/guide/safety.md explains each). */
export const WIRING_RULES: Readonly<Record<string, string>> = {
  'service-selects-nothing': 'A Service selector matches no pod template of the app in its namespace.',
  'service-selects-other-app': 'A Service selects pods of another app, or of several apps.',
  'selector-not-in-template': 'A workload selector does not match its own pod template labels.',
  'selector-has-version':
    'A workload selector contains a version label; selectors are immutable, so the next release forces a delete.',
  'ingress-missing-service': 'An Ingress backend names a Service the app does not define in that namespace.',
  'ingress-missing-port': 'An Ingress backend names a port its Service does not have.',
  'ingress-duplicate-route': 'Two Ingresses of one class (or two rules of one Ingress) route the same host and path.',
  'route-missing-service':
    'An HTTPRoute or GRPCRoute backend names a Service the app does not define in that namespace.',
  'route-missing-port': 'An HTTPRoute or GRPCRoute backend names a port number its Service does not have.',
  'route-duplicate-match':
    'Two HTTPRoutes on one parent Gateway claim the same host name and match (path, headers, query, method).',
  'hpa-missing-target': 'A HorizontalPodAutoscaler targets a workload the app does not define.',
  'hpa-missing-request': 'A utilization target without the matching resource request on every container of the target.',
  'hpa-target-sets-replicas':
    'An autoscaled workload still sets spec.replicas, so apply and GitOps fight the autoscaler.',
  'hpa-min-above-max': 'minReplicas is above maxReplicas.',
  'hpa-canary-share':
    'A Service mixes autoscaled and fixed workloads (a replica-share canary): the fixed share drifts as the autoscaler scales.',
  'servicemonitor-selects-nothing': 'A ServiceMonitor selector matches no Service of the app.',
  'servicemonitor-port-not-named': 'A ServiceMonitor endpoint port is not a named port of the Services it selects.',
  'servicemonitor-missing-prometheus-label':
    'A ServiceMonitor lacks the labels the Prometheus instance selects ServiceMonitors by.',
  'probe-undeclared-port': 'A probe targets a port the container does not declare.',
  'fixed-size-autoscaled': `A workload annotated ${FIXED_SIZE_ANNOTATION} is the target of an autoscaler.`,
  'fixed-size-replicas': `A workload annotated ${FIXED_SIZE_ANNOTATION} asks for more than one replica.`,
};

/** The policy rules, by id, with what each asks for. `pss-*` rules are the Pod Security Standards. */
export const POLICY_RULES: Readonly<Record<string, string>> = {
  'pss-privileged': 'No privileged containers (baseline).',
  'pss-host-namespaces': 'No hostNetwork, hostPID or hostIPC (baseline).',
  'pss-host-ports': 'No hostPort on container ports (baseline).',
  'pss-host-path': 'No hostPath volumes (baseline).',
  'pss-capabilities-add': 'Add no capabilities beyond NET_BIND_SERVICE (restricted; baseline allows the default set).',
  'pss-seccomp': 'seccompProfile.type RuntimeDefault or Localhost (restricted; baseline forbids only Unconfined).',
  'pss-volume-types':
    'Volumes only of the types configMap, secret, emptyDir, projected, downwardAPI, persistentVolumeClaim, csi, ephemeral (restricted).',
  'pss-allow-privilege-escalation': 'allowPrivilegeEscalation: false on every container (restricted).',
  'pss-run-as-non-root': 'runAsNonRoot: true and no runAsUser: 0 (restricted).',
  'pss-capabilities-drop': 'capabilities.drop contains ALL (restricted).',
  'image-tag': 'Images carry an explicit tag other than latest, or a digest.',
  'resource-requests': 'CPU and memory requests on every container.',
  'resource-limits': 'CPU and memory limits on every container (only with requireLimits).',
  'readiness-probe': 'A readiness probe on every serving container.',
  'liveness-probe': 'A liveness probe on every serving container.',
  'probes-differ': 'Liveness and readiness probes that differ.',
  'read-only-root-filesystem': 'readOnlyRootFilesystem: true on every container.',
  'automount-service-account-token': 'automountServiceAccountToken: false unless the pod calls the Kubernetes API.',
  'port-name': 'Port names that are IANA service names (at most 15 lower-case letters, digits and "-").',
  'pod-disruption-budget': 'A PodDisruptionBudget for workloads that can run 2 or more pods.',
  'pod-spreading': 'topologySpreadConstraints or pod anti-affinity for workloads that can run 2 or more pods.',
  'ingress-tls':
    'Every host of an Ingress with a TLS secret is covered by TLS (and, with requireIngressTls, every Ingress has TLS).',
};

/** Every rule id of both checkers. */
export const ALL_RULES: ReadonlySet<string> = new Set([...Object.keys(WIRING_RULES), ...Object.keys(POLICY_RULES)]);

const CHECKS_ITSELF = 'cdk8s-delivery:checks-itself';

/**
 * Declares that `scope` already checks wiring rule `rule` for its own object (and reports it
 * with its own message), so {@link WiringChecks} does not report the same thing a second time.
 */
export function checksItself(scope: IConstruct, rule: string): void {
  scope.node.addMetadata(CHECKS_ITSELF, rule);
}

/** True when `scope` declared with {@link checksItself} that it checks `rule` itself. */
export function isCheckedBy(scope: IConstruct, rule: string): boolean {
  return scope.node.metadata.some(m => m.type === CHECKS_ITSELF && m.data === rule);
}
