import {
  containersOf,
  finishFindings,
  Finding,
  groupKind,
  join,
  Manifest,
  ManifestCheckOptions,
  namespaceOf,
  podTemplateOf,
  RawFinding,
  selectorMatches,
  Severity,
} from './findings';
import { POLICY_RULES } from './rules';
import { imageTag } from '../workloads/workload';

/** Which Pod Security Standard the `pss-*` rules check. */
export type PodSecurityLevel = 'restricted' | 'baseline';

/** Options of {@link checkPolicy}. */
export interface PolicyOptions extends ManifestCheckOptions {
  /**
   * The Pod Security Standard to check pod templates against.
   * @default 'restricted'
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Report containers without CPU and memory limits.
   * @default false
   */
  readonly requireLimits?: boolean;
  /**
   * Report Ingresses without any TLS section.
   * @default false
   */
  readonly requireIngressTls?: boolean;
}

const RESTRICTED_VOLUMES = [
  'configMap',
  'secret',
  'emptyDir',
  'projected',
  'downwardAPI',
  'persistentVolumeClaim',
  'csi',
  'ephemeral',
];
/** Capabilities the baseline standard allows to add (the container runtime's default set). */
const BASELINE_CAPABILITIES = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];
const REPLICATED = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/ReplicaSet', 'argoproj.io/Rollout']);
const BATCH = new Set(['batch/Job', 'batch/CronJob']);

/**
 * Checks manifests against the Pod Security Standard (per pod template of every workload kind,
 * Argo Rollouts included) and workload hygiene. Works on any manifests: the library's, plain
 * cdk8s-plus output, or YAML parsed from elsewhere. Suppress one finding on one object with the
 * annotation `cdk8s-delivery.io/suppress.<rule>: "<reason>"`.
 */
export function checkPolicy(manifests: readonly Manifest[], options: PolicyOptions = {}): Finding[] {
  const objects = manifests.filter(m => m && typeof m === 'object');
  const raw: RawFinding[] = [];
  const add = (
    manifest: Manifest,
    rule: string,
    severity: Severity,
    location: string,
    value: unknown,
    expected: string,
  ) => raw.push({ manifest, rule, severity, location, value, expected });
  const level = options.podSecurity ?? 'restricted';
  const availability = new AvailabilityIndex(objects, options.defaultNamespace);
  for (const m of objects) {
    const t = podTemplateOf(m);
    if (t) {
      checkPodSecurity(m, t.spec, t.at, level, add);
      checkHygiene(m, t.spec, t.at, options, add);
      if (REPLICATED.has(groupKind(m))) checkAvailability(m, t.labels, t.spec, t.at, availability, add);
    }
    if (groupKind(m) === '/Service') {
      (m.spec?.ports ?? []).forEach((p: any, i: number) => {
        if (p?.name !== undefined && !isIanaServiceName(p.name))
          add(m, 'port-name', 'error', `spec.ports[${i}].name`, p.name, ianaExpected);
      });
    }
    if (groupKind(m) === 'networking.k8s.io/Ingress') checkIngressTls(m, options, add);
  }
  return finishFindings(raw, objects, new Set(Object.keys(POLICY_RULES)), options);
}

type Add = (
  manifest: Manifest,
  rule: string,
  severity: Severity,
  location: string,
  value: unknown,
  expected: string,
) => void;
const ianaExpected =
  'must be an IANA service name: at most 15 lower-case letters, digits and single "-", with at least one letter';

function checkPodSecurity(m: Manifest, spec: Record<string, any>, at: string, level: PodSecurityLevel, add: Add): void {
  const podAt = join(at, 'spec');
  const podSc = spec.securityContext ?? {};
  for (const ns of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[ns] === true)
      add(
        m,
        'pss-host-namespaces',
        'error',
        `${podAt}.${ns}`,
        true,
        "must not be true: the pod would share the node's namespace",
      );
  }
  (spec.volumes ?? []).forEach((v: any, i: number) => {
    const type = Object.keys(v ?? {}).find(k => k !== 'name');
    if (type === 'hostPath')
      add(
        m,
        'pss-host-path',
        'error',
        `${podAt}.volumes[${i}].hostPath`,
        v.hostPath?.path ?? '',
        "must not be used: hostPath volumes expose the node's filesystem",
      );
    else if (level === 'restricted' && type !== undefined && !RESTRICTED_VOLUMES.includes(type)) {
      add(
        m,
        'pss-volume-types',
        'error',
        `${podAt}.volumes[${i}]`,
        type,
        `must be one of ${RESTRICTED_VOLUMES.join(', ')} under the restricted standard`,
      );
    }
  });
  const podSeccomp = podSc.seccompProfile?.type;
  if (podSeccomp === 'Unconfined')
    add(
      m,
      'pss-seccomp',
      'error',
      `${podAt}.securityContext.seccompProfile.type`,
      podSeccomp,
      'must be RuntimeDefault or Localhost',
    );
  if (podSc.runAsUser === 0 && level === 'restricted')
    add(
      m,
      'pss-run-as-non-root',
      'error',
      `${podAt}.securityContext.runAsUser`,
      0,
      'must not be 0 (root) under the restricted standard',
    );

  for (const { container: c, at: cAt } of containersOf(spec, at)) {
    const sc = c.securityContext ?? {};
    const scAt = `${cAt}.securityContext`;
    if (sc.privileged === true)
      add(
        m,
        'pss-privileged',
        'error',
        `${scAt}.privileged`,
        true,
        'must not be true: a privileged container controls the node',
      );
    (c.ports ?? []).forEach((p: any, i: number) => {
      if (p?.hostPort)
        add(
          m,
          'pss-host-ports',
          'error',
          `${cAt}.ports[${i}].hostPort`,
          p.hostPort,
          'must not be set: host ports tie pods to nodes and bypass network policy; use a Service',
        );
    });
    const added: string[] = sc.capabilities?.add ?? [];
    const allowed = level === 'restricted' ? ['NET_BIND_SERVICE'] : BASELINE_CAPABILITIES;
    const extra = added.filter(cap => !allowed.includes(cap));
    if (extra.length)
      add(
        m,
        'pss-capabilities-add',
        'error',
        `${scAt}.capabilities.add`,
        extra,
        `must add nothing beyond ${level === 'restricted' ? 'NET_BIND_SERVICE' : "the runtime's default set"} under the ${level} standard`,
      );
    const seccomp = sc.seccompProfile?.type;
    if (seccomp === 'Unconfined')
      add(m, 'pss-seccomp', 'error', `${scAt}.seccompProfile.type`, seccomp, 'must be RuntimeDefault or Localhost');
    if (level === 'baseline') continue;
    if (seccomp === undefined && podSeccomp === undefined) {
      add(
        m,
        'pss-seccomp',
        'error',
        `${podAt}.securityContext.seccompProfile.type`,
        undefined,
        `must be RuntimeDefault (or Localhost) on the pod or on container "${c.name}"`,
      );
    }
    if (sc.allowPrivilegeEscalation !== false)
      add(
        m,
        'pss-allow-privilege-escalation',
        'error',
        `${scAt}.allowPrivilegeEscalation`,
        sc.allowPrivilegeEscalation,
        'must be false',
      );
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true)
      add(
        m,
        'pss-run-as-non-root',
        'error',
        `${scAt}.runAsNonRoot`,
        sc.runAsNonRoot ?? podSc.runAsNonRoot,
        'must be true on the container or the pod',
      );
    if (sc.runAsUser === 0) add(m, 'pss-run-as-non-root', 'error', `${scAt}.runAsUser`, 0, 'must not be 0 (root)');
    if (!(sc.capabilities?.drop ?? []).includes('ALL'))
      add(m, 'pss-capabilities-drop', 'error', `${scAt}.capabilities.drop`, sc.capabilities?.drop, 'must contain ALL');
  }
}

function checkHygiene(m: Manifest, spec: Record<string, any>, at: string, options: PolicyOptions, add: Add): void {
  const podAt = join(at, 'spec');
  if (spec.automountServiceAccountToken !== false) {
    add(
      m,
      'automount-service-account-token',
      'warning',
      `${podAt}.automountServiceAccountToken`,
      spec.automountServiceAccountToken,
      'should be false unless the pod calls the Kubernetes API: a mounted token is a credential an attacker can use',
    );
  }
  const serving = !BATCH.has(groupKind(m));
  for (const { container: c, at: cAt } of containersOf(spec, at)) {
    const init = cAt.includes('.initContainers[') || cAt.includes('.ephemeralContainers[');
    const image = c.image;
    const tag = typeof image === 'string' ? imageTag(image) : undefined;
    if (typeof image !== 'string' || (tag === undefined && !image.includes('@')) || tag === 'latest') {
      add(
        m,
        'image-tag',
        'error',
        `${cAt}.image`,
        image,
        'must carry an explicit tag other than "latest", or a digest: an untagged image changes under you',
      );
    }
    (c.ports ?? []).forEach((p: any, i: number) => {
      if (p?.name !== undefined && !isIanaServiceName(p.name))
        add(m, 'port-name', 'error', `${cAt}.ports[${i}].name`, p.name, ianaExpected);
    });
    if (c.securityContext?.readOnlyRootFilesystem !== true) {
      add(
        m,
        'read-only-root-filesystem',
        'warning',
        `${cAt}.securityContext.readOnlyRootFilesystem`,
        c.securityContext?.readOnlyRootFilesystem,
        'should be true, with an emptyDir mounted where the app writes (e.g. /tmp)',
      );
    }
    for (const kind of ['cpu', 'memory']) {
      if (!c.resources?.requests?.[kind])
        add(
          m,
          'resource-requests',
          'warning',
          `${cAt}.resources.requests.${kind}`,
          undefined,
          `should be set: the scheduler places pods by requests${kind === 'cpu' ? ' and CPU autoscaling divides by it' : ''}`,
        );
      if (options.requireLimits && !c.resources?.limits?.[kind])
        add(
          m,
          'resource-limits',
          'warning',
          `${cAt}.resources.limits.${kind}`,
          undefined,
          'should be set (requireLimits)',
        );
    }
    if (!serving || init) continue;
    if (!c.readinessProbe)
      add(
        m,
        'readiness-probe',
        'warning',
        `${cAt}.readinessProbe`,
        undefined,
        'should be set: without it, pods get traffic before they are ready',
      );
    if (!c.livenessProbe)
      add(
        m,
        'liveness-probe',
        'info',
        `${cAt}.livenessProbe`,
        undefined,
        'should be set, so a hung container is restarted',
      );
    if (c.readinessProbe && c.livenessProbe && JSON.stringify(c.readinessProbe) === JSON.stringify(c.livenessProbe)) {
      add(
        m,
        'probes-differ',
        'warning',
        `${cAt}.livenessProbe`,
        'same as readinessProbe',
        'should differ from the readiness probe (later start, higher failureThreshold or another endpoint): an identical one restarts pods that are merely busy',
      );
    }
  }
}

/** Autoscalers by target and PodDisruptionBudgets by namespace, built once per check. */
class AvailabilityIndex {
  private readonly maxByTarget = new Map<string, number>();
  private readonly pdbsByNs = new Map<string, Manifest[]>();
  constructor(
    all: readonly Manifest[],
    private readonly unsetNs: string | undefined,
  ) {
    for (const m of all) {
      const gk = groupKind(m);
      if (gk === 'autoscaling/HorizontalPodAutoscaler') {
        const ref = m.spec?.scaleTargetRef;
        const k = `${this.ns(m)}|${ref?.kind}|${ref?.name}`;
        this.maxByTarget.set(k, Math.max(this.maxByTarget.get(k) ?? 0, m.spec?.maxReplicas ?? 1));
      } else if (gk === 'policy/PodDisruptionBudget') {
        this.pdbsByNs.set(this.ns(m), [...(this.pdbsByNs.get(this.ns(m)) ?? []), m]);
      }
    }
  }
  public ns(m: Manifest): string {
    return namespaceOf(m, this.unsetNs);
  }
  /** The most pods a workload runs: its autoscaler's maxReplicas, else spec.replicas (default 1). */
  public mostPods(m: Manifest): number {
    return this.maxByTarget.get(`${this.ns(m)}|${m.kind}|${m.metadata?.name}`) ?? m.spec?.replicas ?? 1;
  }
  public hasPdbFor(m: Manifest, labels: Record<string, string>): boolean {
    return (this.pdbsByNs.get(this.ns(m)) ?? []).some(p => selectorMatches(p.spec?.selector, labels));
  }
}

// A workload that can run 2+ pods needs a PodDisruptionBudget and spreading, or a node drain takes them all.
function checkAvailability(
  m: Manifest,
  labels: Record<string, string>,
  spec: Record<string, any>,
  at: string,
  index: AvailabilityIndex,
  add: Add,
): void {
  const most = index.mostPods(m);
  if (most < 2) return;
  if (!index.hasPdbFor(m, labels))
    add(
      m,
      'pod-disruption-budget',
      'warning',
      'spec.replicas',
      most,
      'runs 2 or more pods: add a PodDisruptionBudget selecting them, so a node drain keeps some running',
    );
  const spread = (spec.topologySpreadConstraints ?? []).length > 0 || spec.affinity?.podAntiAffinity !== undefined;
  if (!spread)
    add(
      m,
      'pod-spreading',
      'info',
      `${join(at, 'spec')}.topologySpreadConstraints`,
      undefined,
      `should be set: ${most} pods may land on one node`,
    );
}

function checkIngressTls(m: Manifest, options: PolicyOptions, add: Add): void {
  const tls: any[] = m.spec?.tls ?? [];
  if (tls.length === 0) {
    if (options.requireIngressTls)
      add(
        m,
        'ingress-tls',
        'warning',
        'spec.tls',
        undefined,
        'should be set: traffic is served without TLS (requireIngressTls)',
      );
    return;
  }
  const covered = new Set(tls.flatMap(t => t?.hosts ?? []));
  (m.spec?.rules ?? []).forEach((r: any, i: number) => {
    if (r?.host && !covered.has(r.host))
      add(
        m,
        'ingress-tls',
        'warning',
        `spec.rules[${i}].host`,
        r.host,
        'is served without TLS although the Ingress has a TLS secret; add it to a spec.tls[].hosts list',
      );
  });
  tls.forEach((t, i) => {
    if (!t?.secretName)
      add(
        m,
        'ingress-tls',
        'info',
        `spec.tls[${i}].secretName`,
        undefined,
        'is not set: the controller falls back to its default certificate',
      );
  });
}

/** IANA service names (RFC 6335), as Kubernetes requires for named ports. */
function isIanaServiceName(name: unknown): boolean {
  return (
    typeof name === 'string' &&
    name.length >= 1 &&
    name.length <= 15 &&
    /^[a-z0-9-]+$/.test(name) &&
    /[a-z]/.test(name) &&
    !name.startsWith('-') &&
    !name.endsWith('-') &&
    !name.includes('--')
  );
}
