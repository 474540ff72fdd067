import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import {
  containersOf,
  finishFindings,
  Finding,
  groupKind,
  LabelSelector,
  Manifest,
  ManifestCheckOptions,
  namespaceOf,
  objectRef,
  podTemplateOf,
  RawFinding,
  selectorMatches,
  Severity,
} from './findings';
import { percentOf } from '../workloads/replica-split';
import { FIXED_SIZE_ANNOTATION, isCheckedBy, WIRING_RULES } from './rules';
import { addWarning } from '../core/warnings';
import { oncePerSynthesis, Rendered, renderAll, renderedObjects, trackSynthesis } from './app-checks';
import { gatewayFindings } from './gateway-wiring';

/** Options of {@link checkWiring} and {@link WiringChecks}. */
export interface WiringCheckOptions extends ManifestCheckOptions {
  /**
   * Labels the Prometheus instance selects ServiceMonitors by (its `serviceMonitorSelector.matchLabels`).
   * @default - the selectors of the Prometheus objects in the app; not checked when there are none
   */
  readonly prometheusSelector?: Readonly<Record<string, string>>;
  /**
   * Label keys that carry an app's identity, for "selects pods of another app".
   * @default ['app.kubernetes.io/name', 'app']
   */
  readonly appLabelKeys?: readonly string[];
}

const SCALABLE = new Set([
  'apps/Deployment',
  'apps/StatefulSet',
  'apps/ReplicaSet',
  '/ReplicationController',
  'argoproj.io/Rollout',
]);
const SELECTOR_KINDS = new Set([
  'apps/Deployment',
  'apps/StatefulSet',
  'apps/DaemonSet',
  'apps/ReplicaSet',
  'argoproj.io/Rollout',
]);

interface Workload {
  readonly m: Manifest;
  readonly labels: Record<string, string>;
  readonly spec: Record<string, any>;
  readonly at: string;
}

/**
 * Checks how the objects of one app refer to each other (the wiring rules of docs/guide/safety.md) and returns
 * every finding, suppressions applied. A reference is checked only where the app defines
 * objects of the referenced kind in that namespace: a Service whose pods come from elsewhere,
 * or an Ingress in front of a Service another tool manages, is not reported.
 */
export function checkWiring(manifests: readonly Manifest[], options: WiringCheckOptions = {}): Finding[] {
  const ctx = new WiringContext(
    manifests.filter(m => m && typeof m === 'object'),
    options,
  );
  ctx.run();
  return finishFindings(ctx.findings, manifests, new Set(Object.keys(WIRING_RULES)), options);
}

class WiringContext {
  public readonly findings: RawFinding[] = [];
  private readonly workloads: Workload[] = [];
  /** Workloads by namespace and by `namespace|label=value`, so selectors do not scan every workload. */
  private readonly workloadsByNs = new Map<string, Workload[]>();
  private readonly workloadOf = new Map<Manifest, Workload>();
  private readonly workloadsByLabel = new Map<string, Workload[]>();
  private readonly byRef = new Map<string, Manifest>();
  private readonly kindsByNamespace = new Set<string>();
  private readonly hpasByTarget = new Map<Manifest, Manifest[]>();
  private readonly appKeys: readonly string[];

  constructor(
    private readonly manifests: readonly Manifest[],
    private readonly options: WiringCheckOptions,
  ) {
    this.appKeys = options.appLabelKeys ?? ['app.kubernetes.io/name', 'app'];
    for (const m of manifests) {
      this.byRef.set(key(groupKind(m), this.ns(m), m.metadata?.name), m);
      this.kindsByNamespace.add(key(groupKind(m), this.ns(m)));
    }
    for (const m of manifests) {
      const t = this.templateOf(m);
      if (!t) continue;
      const w = { m, ...t };
      this.workloads.push(w);
      this.workloadOf.set(m, w);
      push(this.workloadsByNs, this.ns(m), w);
      for (const [k, v] of Object.entries(w.labels)) push(this.workloadsByLabel, key(this.ns(m), k, v), w);
    }
  }

  public run(): void {
    for (const m of this.manifests) {
      const gk = groupKind(m);
      if (gk === 'autoscaling/HorizontalPodAutoscaler') this.checkHpa(m);
    }
    this.checkCanaryShares();
    for (const m of this.manifests) {
      const gk = groupKind(m);
      if (gk === '/Service') this.checkService(m);
      else if (gk === 'networking.k8s.io/Ingress') this.checkIngressBackends(m);
      else if (gk === 'monitoring.coreos.com/ServiceMonitor') this.checkServiceMonitor(m);
    }
    this.checkDuplicateRoutes();
    this.findings.push(...gatewayFindings(this.manifests, this.options.defaultNamespace));
    for (const w of this.workloads) {
      if (SELECTOR_KINDS.has(groupKind(w.m))) this.checkWorkloadSelector(w);
      this.checkProbes(w);
      this.checkFixedSize(w);
    }
  }

  private add(
    manifest: Manifest,
    rule: string,
    location: string,
    value: unknown,
    expected: string,
    severity: Severity = 'error',
  ): void {
    this.findings.push({ manifest, rule, severity, location, value, expected });
  }

  /** The pod template of a workload; an Argo Rollout with `workloadRef` borrows its Deployment's. */
  private templateOf(m: Manifest): Omit<Workload, 'm'> | undefined {
    const t = podTemplateOf(m);
    if (t) return t;
    const ref = m.spec?.workloadRef;
    if (groupKind(m) === 'argoproj.io/Rollout' && ref?.name) {
      const group = String(ref.apiVersion ?? 'apps/v1').split('/')[0];
      const target = this.byRef.get(key(`${group}/${ref.kind ?? 'Deployment'}`, this.ns(m), ref.name));
      const tt = target ? podTemplateOf(target) : undefined;
      if (tt) return tt;
    }
    return undefined;
  }

  private ns(m: Manifest): string {
    return namespaceOf(m, this.options.defaultNamespace);
  }

  /** Workloads of the Service's namespace whose pod labels its selector matches. */
  private selectedBy(svc: Manifest): Workload[] {
    const [first] = Object.entries(svc.spec.selector as Record<string, string>);
    return (this.workloadsByLabel.get(key(this.ns(svc), first[0], first[1])) ?? []).filter(w =>
      selectorMatches({ matchLabels: svc.spec.selector }, w.labels),
    );
  }

  private has(gk: string, ns: string): boolean {
    return this.kindsByNamespace.has(key(gk, ns));
  }

  private namesOf(gk: string, ns: string): string {
    const names = this.manifests.filter(m => groupKind(m) === gk && this.ns(m) === ns).map(m => m.metadata?.name);
    return names.length ? names.join(', ') : 'none';
  }

  // 13: a Service must select pods of the app, and of one app.
  private checkService(svc: Manifest): void {
    const selector = svc.spec?.selector;
    if (!selector || typeof selector !== 'object' || Object.keys(selector).length === 0) return;
    const ns = this.ns(svc);
    const candidates = this.workloadsByNs.get(ns) ?? [];
    if (candidates.length === 0) return;
    const matched = this.selectedBy(svc);
    if (matched.length === 0) {
      const seen = candidates
        .slice(0, 3)
        .map(w => `${objectRef(w.m)} ${JSON.stringify(w.labels)}`)
        .join('; ');
      this.add(
        svc,
        'service-selects-nothing',
        'spec.selector',
        selector,
        `matches no pod template in this app's namespace "${ns}"; pod labels there: ${seen}`,
      );
      return;
    }
    const appKey = this.appKeys.find(k => matched.some(w => w.labels[k] !== undefined));
    if (appKey === undefined) return;
    const apps = new Map<string, string>();
    for (const w of matched) apps.set(w.labels[appKey] ?? '(none)', objectRef(w.m));
    const own = svc.metadata?.labels?.[appKey];
    if (apps.size > 1) {
      this.add(
        svc,
        'service-selects-other-app',
        'spec.selector',
        selector,
        `selects pods of several apps by "${appKey}": ${[...apps].map(([a, o]) => `${a} (${o})`).join(', ')}; add the app label to the selector`,
      );
    } else if (own !== undefined && !apps.has(own)) {
      const [[other, where]] = [...apps];
      this.add(
        svc,
        'service-selects-other-app',
        'spec.selector',
        selector,
        `selects pods of app "${other}" (${where}), but the Service belongs to app "${own}"`,
      );
    }
  }

  // 14: a workload selector must select its own template, by stable labels only.
  private checkWorkloadSelector(w: Workload): void {
    const selector: LabelSelector | undefined = w.m.spec?.selector;
    if (!selector) return;
    if (!selectorMatches(selector, w.labels)) {
      this.add(
        w.m,
        'selector-not-in-template',
        'spec.selector',
        selector,
        `must match the pod template's labels ${JSON.stringify(w.labels)}; Kubernetes refuses a selector that does not select its own pods`,
      );
    }
    const versionKeys = [
      ...Object.entries(selector.matchLabels ?? {}).map(([k, v]) => ({
        k,
        at: `spec.selector.matchLabels.${k}`,
        value: v as unknown,
      })),
      ...(selector.matchExpressions ?? []).map((e, i) => ({
        k: e.key,
        at: `spec.selector.matchExpressions[${i}].key`,
        value: e.key as unknown,
      })),
    ].filter(({ k }) => isVersionKey(k));
    for (const { at, value } of versionKeys) {
      this.add(
        w.m,
        'selector-has-version',
        at,
        value,
        'must not be in the selector: selectors are immutable, so the next version would force deleting the workload; select by app (and track) only and keep the version on the pods',
      );
    }
  }

  // 15: Ingress backends must exist.
  private checkIngressBackends(ing: Manifest): void {
    const ns = this.ns(ing);
    const backends: Array<{ backend: any; at: string }> = [];
    if (ing.spec?.defaultBackend) backends.push({ backend: ing.spec.defaultBackend, at: 'spec.defaultBackend' });
    (ing.spec?.rules ?? []).forEach((r: any, i: number) =>
      (r?.http?.paths ?? []).forEach((p: any, j: number) =>
        backends.push({ backend: p?.backend, at: `spec.rules[${i}].http.paths[${j}].backend` }),
      ),
    );
    if (!this.has('/Service', ns)) return;
    for (const { backend, at } of backends) {
      const ref = backend?.service;
      if (!ref?.name) continue;
      const svc = this.byRef.get(key('/Service', ns, ref.name));
      if (!svc) {
        this.add(
          ing,
          'ingress-missing-service',
          `${at}.service.name`,
          ref.name,
          `names no Service in namespace "${ns}" of this app (Services there: ${this.namesOf('/Service', ns)})`,
        );
        continue;
      }
      const ports: any[] = svc.spec?.ports ?? [];
      const port = ref.port ?? {};
      const ok =
        port.number !== undefined
          ? ports.some(p => p.port === port.number)
          : port.name !== undefined
            ? ports.some(p => p.name === port.name)
            : ports.length === 1;
      if (!ok) {
        const field = port.number !== undefined ? 'number' : 'name';
        this.add(
          ing,
          'ingress-missing-port',
          `${at}.service.port.${field}`,
          port[field],
          `must be a port of Service "${ref.name}" (it has ${ports.map(p => `${p.name ?? '(unnamed)'}/${p.port}`).join(', ') || 'no ports'})`,
        );
      }
    }
  }

  // 15: one host and path, one backend, per IngressClass. ingress-nginx canaries repeat routes on purpose.
  private checkDuplicateRoutes(): void {
    const seen = new Map<string, string>();
    for (const ing of this.manifests.filter(m => groupKind(m) === 'networking.k8s.io/Ingress')) {
      if (ing.metadata?.annotations?.['nginx.ingress.kubernetes.io/canary'] === 'true') continue;
      const cls =
        ing.spec?.ingressClassName ?? ing.metadata?.annotations?.['kubernetes.io/ingress.class'] ?? '(default)';
      (ing.spec?.rules ?? []).forEach((r: any, i: number) =>
        (r?.http?.paths ?? []).forEach((p: any, j: number) => {
          const route = `${r.host ?? '*'}${p?.path ?? '/'}`;
          const k = `${cls}|${route}`;
          const first = seen.get(k);
          if (first) {
            this.add(
              ing,
              'ingress-duplicate-route',
              `spec.rules[${i}].http.paths[${j}].path`,
              route,
              `is already routed by ${first} (IngressClass ${cls}); the controller picks one of them, so give each host and path one backend`,
            );
          } else {
            seen.set(k, objectRef(ing));
          }
        }),
      );
    }
  }

  // 16, 17, 20: an autoscaler needs its target, the requests it divides by, and the replica count to itself.
  private checkHpa(hpa: Manifest): void {
    const min = hpa.spec?.minReplicas ?? 1;
    const max = hpa.spec?.maxReplicas;
    if (typeof max === 'number' && min > max) {
      this.add(hpa, 'hpa-min-above-max', 'spec.minReplicas', min, `must be less than or equal to maxReplicas (${max})`);
    }
    const ref = hpa.spec?.scaleTargetRef;
    if (!ref?.name || !ref?.kind) return;
    const ns = this.ns(hpa);
    const gk = `${String(ref.apiVersion ?? '').includes('/') ? ref.apiVersion.split('/')[0] : ''}/${ref.kind}`;
    if (!this.has(gk, ns)) return;
    const target = this.byRef.get(key(gk, ns, ref.name));
    if (!target) {
      this.add(
        hpa,
        'hpa-missing-target',
        'spec.scaleTargetRef.name',
        ref.name,
        `names no ${ref.kind} in namespace "${ns}" of this app (${ref.kind}s there: ${this.namesOf(gk, ns)})`,
      );
      return;
    }
    this.hpasByTarget.set(target, [...(this.hpasByTarget.get(target) ?? []), hpa]);
    if (target.spec?.replicas !== undefined) {
      this.add(
        target,
        'hpa-target-sets-replicas',
        'spec.replicas',
        target.spec.replicas,
        `must be left unset: ${objectRef(hpa)} owns the replica count, and a fixed count makes kubectl apply and GitOps fight it`,
      );
    }
    if (target.metadata?.annotations?.[FIXED_SIZE_ANNOTATION] === 'true') {
      this.add(
        hpa,
        'fixed-size-autoscaled',
        'spec.scaleTargetRef.name',
        ref.name,
        `is fixed-size (annotated ${FIXED_SIZE_ANNOTATION}) and must run exactly one pod; remove the autoscaler`,
      );
    }
    const t = this.workloadOf.get(target);
    if (!t) return;
    for (const { resource, at, text, container } of utilizationTargets(hpa)) {
      const measured = (t.spec.containers ?? []).filter((c: any) => container === undefined || c?.name === container);
      const missing = measured.find(
        (c: any) => !c?.resources?.requests?.[resource] && !c?.resources?.limits?.[resource],
      );
      if (missing) {
        this.add(
          hpa,
          'hpa-missing-request',
          at,
          text,
          `needs a ${resource} request on every container of ${objectRef(target)}; container "${missing.name}" has none, so the autoscaler cannot compute utilization and never scales`,
        );
      }
    }
  }

  // 18: a ServiceMonitor must find Services, by named port, and be found by Prometheus.
  private checkServiceMonitor(sm: Manifest): void {
    const nsSel = sm.spec?.namespaceSelector;
    const inScope = (m: Manifest) =>
      nsSel?.any === true ||
      (Array.isArray(nsSel?.matchNames) ? nsSel.matchNames.includes(this.ns(m)) : this.ns(m) === this.ns(sm));
    const services = this.manifests.filter(m => groupKind(m) === '/Service' && inScope(m));
    if (services.length > 0) {
      const matched = services.filter(s => selectorMatches(sm.spec?.selector, s.metadata?.labels));
      if (matched.length === 0) {
        this.add(
          sm,
          'servicemonitor-selects-nothing',
          'spec.selector',
          sm.spec?.selector ?? {},
          `matches no Service of this app by its labels (Services: ${services
            .slice(0, 3)
            .map(s => `${objectRef(s)} ${JSON.stringify(s.metadata?.labels ?? {})}`)
            .join('; ')}), so Prometheus scrapes nothing`,
        );
      }
      (sm.spec?.endpoints ?? []).forEach((e: any, i: number) => {
        if (e?.port === undefined) return;
        const without = matched.find(s => !(s.spec?.ports ?? []).some((p: any) => p.name === e.port));
        if (without) {
          this.add(
            sm,
            'servicemonitor-port-not-named',
            `spec.endpoints[${i}].port`,
            e.port,
            `must be the name of a port of ${objectRef(without)} (its ports: ${(without.spec?.ports ?? []).map((p: any) => `${p.name ?? '(unnamed)'}/${p.port}`).join(', ')})`,
          );
        }
      });
    }
    const selectors = this.options.prometheusSelector
      ? [{ by: 'the Prometheus instance', sel: { matchLabels: { ...this.options.prometheusSelector } } }]
      : this.manifests
          .filter(m => groupKind(m) === 'monitoring.coreos.com/Prometheus' && m.spec?.serviceMonitorSelector)
          .map(p => ({ by: objectRef(p), sel: p.spec.serviceMonitorSelector as LabelSelector }));
    if (selectors.length && !selectors.some(s => selectorMatches(s.sel, sm.metadata?.labels))) {
      this.add(
        sm,
        'servicemonitor-missing-prometheus-label',
        'metadata.labels',
        sm.metadata?.labels ?? {},
        `must carry the labels ${selectors.map(s => `${s.by} selects ServiceMonitors by (${JSON.stringify(s.sel)})`).join(' or ')}; otherwise Prometheus ignores it`,
      );
    }
  }

  // 19: probes must target declared ports.
  private checkProbes(w: Workload): void {
    for (const { container, at } of containersOf(w.spec, w.at)) {
      const declared: any[] = container.ports ?? [];
      for (const kind of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        const probe = container[kind];
        const action = ['httpGet', 'tcpSocket', 'grpc'].find(a => probe?.[a]?.port !== undefined);
        if (!action) continue;
        const port = probe[action].port;
        const ok =
          typeof port === 'number' ? declared.some(p => p.containerPort === port) : declared.some(p => p.name === port);
        if (!ok) {
          this.add(
            w.m,
            'probe-undeclared-port',
            `${at}.${kind}.${action}.port`,
            port,
            `must be a port container "${container.name}" declares (${declared.map(p => `${p.name ?? '(unnamed)'}/${p.containerPort}`).join(', ') || 'none'}); declare it under ports or probe a declared one`,
          );
        }
      }
    }
  }

  // 20: fixed-size workloads run one pod. The autoscaler side is in checkHpa.
  private checkFixedSize(w: Workload): void {
    if (w.m.metadata?.annotations?.[FIXED_SIZE_ANNOTATION] !== 'true') return;
    const replicas = w.m.spec?.replicas;
    if (typeof replicas === 'number' && replicas > 1) {
      this.add(
        w.m,
        'fixed-size-replicas',
        'spec.replicas',
        replicas,
        `must be 1: the workload is fixed-size (annotated ${FIXED_SIZE_ANNOTATION})`,
      );
    }
  }

  // 17: a replica-share canary beside an autoscaled track; runs once every autoscaler is known.
  private checkCanaryShares(): void {
    for (const svc of this.manifests.filter(
      m => groupKind(m) === '/Service' && m.spec?.selector && Object.keys(m.spec.selector).length,
    )) {
      const behind = this.selectedBy(svc).filter(w => SCALABLE.has(groupKind(w.m)));
      const scaled = behind.filter(w => this.hpasByTarget.has(w.m));
      const fixed = behind.filter(w => !this.hpasByTarget.has(w.m));
      if (!scaled.length || !fixed.length) continue;
      const hpas = scaled.map(w => this.hpasByTarget.get(w.m)![0]);
      const min = hpas.reduce((s, h) => s + (h.spec?.minReplicas ?? 1), 0);
      const max = hpas.reduce((s, h) => s + (h.spec?.maxReplicas ?? 1), 0);
      for (const w of fixed) {
        const own = w.m.spec?.replicas ?? 1;
        const others = fixed.filter(o => o !== w).reduce((s, o) => s + (o.m.spec?.replicas ?? 1), 0);
        this.add(
          w.m,
          'hpa-canary-share',
          'spec.replicas',
          own,
          `is a share of Service "${svc.metadata?.name}" that drifts while ${hpas.map(objectRef).join(', ')} scale(s) ${scaled.map(s => objectRef(s.m)).join(', ')}: ` +
            `${own} pod(s) beside ${min}..${max} autoscaled pods is ${percentOf(own, own + others + min)}% down to ${percentOf(own, own + others + max)}% of the traffic; use ingress weights for a fixed share`,
          'warning',
        );
      }
    }
  }
}

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}

function key(...parts: unknown[]): string {
  return parts.map(p => String(p ?? '')).join('|');
}

function isVersionKey(k: string): boolean {
  return k === 'app.kubernetes.io/version' || /version/i.test(k);
}

/** Utilization targets of an autoscaling/v1 or v2 HPA; v2 without metrics defaults to 80% CPU. */
function utilizationTargets(hpa: Manifest): Array<{ resource: string; at: string; text: string; container?: string }> {
  if (String(hpa.apiVersion).endsWith('/v1')) {
    const pct = hpa.spec?.targetCPUUtilizationPercentage;
    return [{ resource: 'cpu', at: 'spec.targetCPUUtilizationPercentage', text: `cpu utilization ${pct ?? 80}%` }];
  }
  const metrics: any[] = hpa.spec?.metrics ?? [];
  if (metrics.length === 0) return [{ resource: 'cpu', at: 'spec.metrics', text: 'cpu utilization 80% (the default)' }];
  return metrics.flatMap((m, i) => {
    const r = m?.type === 'Resource' ? m.resource : m?.type === 'ContainerResource' ? m.containerResource : undefined;
    if (r?.target?.type !== 'Utilization') return [];
    // A ContainerResource metric divides by the request of its one container only.
    return [
      {
        resource: r.name,
        at: `spec.metrics[${i}]`,
        text: `${r.name} utilization ${r.target.averageUtilization}%`,
        container: m.type === 'ContainerResource' ? r.container : undefined,
      },
    ];
  });
}

const INSTANCES = new WeakMap<IConstruct, WiringChecks>();

/**
 * Turns the wiring checks on for every object under a scope (usually the App), the library's
 * and plain cdk8s / cdk8s-plus ones alike. At `app.synth()` each error fails synthesis with a
 * message prefixed by the construct path of the object at fault, all reported together; warnings
 * are recorded with `addWarning`. Idempotent: a second call returns the same instance.
 *
 * ```ts
 * const app = new App();
 * new MyChart(app, 'my-app');
 * WiringChecks.of(app);
 * app.synth();
 * ```
 */
export class WiringChecks {
  /** Enables the checks on `scope` (an App, or one Chart) and returns them. */
  public static of(scope: IConstruct, options: WiringCheckOptions = {}): WiringChecks {
    const existing = INSTANCES.get(scope);
    if (existing) return existing;
    const checks = new WiringChecks(scope, options);
    INSTANCES.set(scope, checks);
    return checks;
  }

  private readonly hooked = new WeakSet<IConstruct>();
  private current = new Map<IConstruct, string[]>();

  private constructor(
    private readonly scope: IConstruct,
    private readonly options: WiringCheckOptions,
  ) {
    trackSynthesis(scope);
    // cdk8s validates constructs in pre-order, so this runs before the constructs it reports on;
    // each of them gets a validation of its own, and the messages carry its path.
    scope.node.addValidation({ validate: () => this.validatePass() });
  }

  /** Every finding for the objects under the scope as they are now, suppressions applied. */
  public findings(): Finding[] {
    return this.collect(renderAll(this.scope)).findings;
  }

  private collect(rendered: Rendered): { findings: Finding[]; owners: Map<Manifest, IConstruct> } {
    const owners = new Map<Manifest, IConstruct>();
    for (const { api, m } of rendered) owners.set(m, ownerOf(api));
    const findings = checkWiring([...owners.keys()], { ...this.options, pathOf: m => owners.get(m)?.node.path });
    return { findings, owners };
  }

  /** The errors at the scope; those of other constructs go to validations added to them. */
  private validatePass(): string[] {
    // cdk8s validates once more per chart: the findings of one synthesis are computed (and warned about) once.
    const { own, byOwner } = oncePerSynthesis(this.scope, this, () => this.report());
    this.current = byOwner;
    return own;
  }

  private report(): { own: string[]; byOwner: Map<IConstruct, string[]> } {
    const { findings, owners } = this.collect(this.renderedUnderScope());
    const byPath = new Map<string, IConstruct>([...owners.values()].map(c => [c.node.path, c]));
    const byOwner = new Map<IConstruct, string[]>();
    const own: string[] = [];
    for (const f of findings) {
      const owner = byPath.get(f.path ?? '') ?? this.scope;
      if (isCheckedBy(owner, f.rule)) continue;
      const text = `${f.object} ${f.message} [${f.rule}]`;
      if (f.severity !== 'error') {
        addWarning(owner, text);
        continue;
      }
      if (owner === this.scope) {
        own.push(text);
        continue;
      }
      byOwner.set(owner, [...(byOwner.get(owner) ?? []), text]);
      if (!this.hooked.has(owner)) {
        this.hooked.add(owner);
        owner.node.addValidation({ validate: () => this.current.get(owner) ?? [] });
      }
    }
    return { own, byOwner };
  }

  /** The app's objects as this pass rendered them (shared with the whole-app checks), those under the scope. */
  private renderedUnderScope(): Rendered {
    const all = renderedObjects(this.scope);
    if (this.scope === this.scope.node.root) return all;
    const prefix = this.scope.node.path + '/';
    return all.filter(({ api }) => api === this.scope || api.node.path.startsWith(prefix));
  }
}

/** Turns on {@link WiringChecks} for a whole app with one call. */
export function enableWiringChecks(scope: IConstruct, options: WiringCheckOptions = {}): WiringChecks {
  return WiringChecks.of(scope, options);
}

/** The construct a user wrote: the parent of an L1 `Resource` child (our constructs and cdk8s-plus name it so). */
function ownerOf(obj: ApiObject): IConstruct {
  return obj.node.id === 'Resource' && obj.node.scope ? obj.node.scope : obj;
}
