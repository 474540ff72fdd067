import { ApiObject, Chart, DependencyGraph } from 'cdk8s';
import { IConstruct } from 'constructs';
import { describeValue, NAME_RULES, NameRule } from '../core/errors';
import { groupKind, LabelSelector, Manifest, namespaceOf, objectRef, podTemplateOf, selectorMatches } from './findings';

/** The API server's limit on one request body is 3 MiB; etcd stores at most half of that per object. */
export const MAX_OBJECT_BYTES = 1572864;
/**
 * The most data (`data` plus `binaryData`, or a Secret's `data` plus `stringData`) a ConfigMap or Secret can hold: 1
 * MiB.
 */
export const MAX_CONFIG_DATA_BYTES = 1048576;

/** Kinds (group/Kind) Kubernetes stores without a namespace: a namespace set on them is ignored. */
const CLUSTER_SCOPED = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/VolumeAttachment',
  'scheduling.k8s.io/PriorityClass',
  'node.k8s.io/RuntimeClass',
  'networking.k8s.io/IngressClass',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'certificates.k8s.io/CertificateSigningRequest',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
]);

/** Controllers that own the pods their selector matches; two of them over one pod fight. */
const CONTROLLERS = new Set([
  'apps/Deployment',
  'apps/StatefulSet',
  'apps/ReplicaSet',
  'apps/DaemonSet',
  'argoproj.io/Rollout',
  '/ReplicationController',
  'batch/Job',
]);

/** Constructs of this library: every one of them calls {@link ensureAppChecks} (through `checkProps`). */
const LIBRARY = new WeakSet<IConstruct>();
const ROOTS = new WeakSet<IConstruct>();

// ---- Once per synthesis ------------------------------------------------------------------

/**
 * What the library's validations of one app share. cdk8s validates the whole app once at the start of `app.synth()`
 * and once more for every chart it renders (N+1 passes with N charts); the app does not change between the passes
 * of one synth, so what the first pass found holds for the others. Outside `app.synth()` (`Testing.synth`,
 * `synthesizeApp`, a chart's `toJson`), every pass starts afresh.
 */
interface SynthState {
  /** Calls of the app's `synth()` now running. */
  depth: number;
  /** Whether `memo` holds: during `synth()`, or from the start of a validation pass to the end of the tick. */
  open: boolean;
  readonly memo: Map<object, unknown>;
}
const STATES = new WeakMap<IConstruct, SynthState>();

/**
 * @internal
 * Lets the validations of the app containing `scope` share work through {@link oncePerSynthesis}: marks the start
 * of every validation pass (cdk8s validates the root first), and each `synth()` of the app as one synthesis, in
 * which each chart is rendered without validating the whole app again (see `renderChartsOnce`).
 * Registers once per app; call it before adding a validation to the root that uses {@link oncePerSynthesis}.
 */
export function trackSynthesis(scope: IConstruct): void {
  const root = scope.node.root;
  if (STATES.has(root)) return;
  const state: SynthState = { depth: 0, open: false, memo: new Map() };
  STATES.set(root, state);
  root.node.addValidation({
    validate: () => {
      if (state.depth === 0) startPass(state);
      return [];
    },
  });
  for (const method of ['synth', 'synthYaml'] as const) {
    const original: unknown = (root as unknown as Record<string, unknown>)[method];
    if (typeof original !== 'function') continue;
    // On this app only (an own property): cdk8s's App class is left as it is.
    Object.defineProperty(root, method, {
      configurable: true,
      writable: true,
      value: function (this: unknown, ...args: unknown[]): unknown {
        const outermost = state.depth++ === 0;
        if (outermost) reset(state, true);
        const restore = outermost ? renderChartsOnce(root) : undefined;
        try {
          return original.apply(this, args);
        } finally {
          restore?.();
          if (--state.depth === 0) reset(state, false);
        }
      },
    });
  }
}

/**
 * For the length of one `synth()` (or `synthYaml()`) of the app: every chart renders its objects as `Chart.toJson`
 * does, minus the validation and dependency resolution of the whole app that cdk8s repeats for each chart
 * (quadratic with a chart per service). `synth()` has validated the app and resolved its dependencies before it
 * renders the first chart, and nothing changes the app in between: the manifests are the same, in the same order.
 * A chart class with a `toJson` of its own keeps it. Returns what puts the charts back.
 */
function renderChartsOnce(root: IConstruct): () => void {
  const charts = root.node
    .findAll()
    .filter(
      (c): c is Chart =>
        Chart.isChart(c) && c.toJson === Chart.prototype.toJson && !Object.prototype.hasOwnProperty.call(c, 'toJson'),
    );
  for (const chart of charts) {
    Object.defineProperty(chart, 'toJson', {
      configurable: true,
      writable: true,
      // cdk8s's order: the chart's dependency graph, the ApiObjects whose closest chart it is.
      value: () =>
        new DependencyGraph(chart.node)
          .topology()
          .filter(x => x instanceof ApiObject && Chart.of(x) === chart)
          .map(x => (x as ApiObject).toJson()),
    });
  }
  return () => {
    for (const chart of charts) delete (chart as { toJson?: unknown }).toJson;
  };
}

function startPass(state: SynthState): void {
  reset(state, true);
  // A validation called by hand later (construct.node.validate()) must see the app as it is then.
  queueMicrotask(() => {
    if (state.depth === 0) reset(state, false);
  });
}

function reset(state: SynthState, open: boolean): void {
  state.memo.clear();
  state.open = open;
}

/**
 * @internal
 * `compute()` once per synthesis of the app containing `scope` (see {@link trackSynthesis}), under `key`: the
 * first validation pass computes, the others of the same `app.synth()` reuse the result. Outside a validation
 * pass, computes every time.
 */
export function oncePerSynthesis<T>(scope: IConstruct, key: object, compute: () => T): T {
  const state = STATES.get(scope.node.root);
  if (!state?.open) return compute();
  if (state.memo.has(key)) return state.memo.get(key) as T;
  const value = compute();
  state.memo.set(key, value);
  return value;
}

/** @internal Rendered objects of an app, each with its ApiObject. */
export type Rendered = ReadonlyArray<{ readonly api: ApiObject; readonly m: Manifest }>;
const RENDERED_KEY = {};

/**
 * @internal
 * Every object of the app containing `scope`, rendered: once per synthesis during validation (so constructs that
 * look across the app do not render it again each, which is quadratic), otherwise a fresh rendering.
 */
export function renderedObjects(scope: IConstruct): Rendered {
  const root = scope.node.root;
  return oncePerSynthesis(root, RENDERED_KEY, () => renderAll(root));
}

/** @internal Every ApiObject under `root` that renders, rendered now (in construct order). */
export function renderAll(root: IConstruct): Array<{ api: ApiObject; m: Manifest }> {
  const out: Array<{ api: ApiObject; m: Manifest }> = [];
  for (const c of root.node.findAll()) {
    if (!(c instanceof ApiObject)) continue;
    let m: Manifest;
    try {
      m = c.toJson();
    } catch {
      // An object that cannot render fails synthesis with its own error.
      continue;
    }
    if (m && typeof m === 'object') out.push({ api: c, m });
  }
  return out;
}

interface SelectingService {
  readonly api: ApiObject;
  readonly selector: Readonly<Record<string, unknown>>;
}
const SERVICES_KEY = {};

/**
 * @internal
 * The construct path of the first Service of the app containing `scope` (in construct order) in `namespace` whose
 * selector catches pods carrying each of `labelSets`: looked up in an index of the Services built once per
 * synthesis, under the rarest `key=value` pair of each selector.
 */
export function serviceCatching(
  scope: IConstruct,
  namespace: string | undefined,
  labelSets: ReadonlyArray<Readonly<Record<string, string>>>,
): string | undefined {
  const index = oncePerSynthesis(scope.node.root, SERVICES_KEY, () => indexServices(renderedObjects(scope)));
  let first: SelectingService | undefined;
  let firstAt = Infinity;
  for (const [k, v] of Object.entries(labelSets[0] ?? {})) {
    for (const [at, s] of index.get(pairKey(namespace, k, v)) ?? []) {
      if (at >= firstAt) continue;
      if (labelSets.every(labels => Object.entries(s.selector).every(([sk, sv]) => labels[sk] === sv))) {
        first = s;
        firstAt = at;
      }
    }
  }
  return first && (first.api.node.id === 'Resource' ? first.api.node.scope! : first.api).node.path;
}

/** A rendered JSON object (toJson output holds no class instances). */
function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pairKey(namespace: string | undefined, k: string, v: unknown): string {
  return `${namespace ?? ''}\n${k}\n${String(v)}`;
}

/** Services with a selector, by the rarest pair of their selector, each with its position in construct order. */
function indexServices(rendered: Rendered): Map<string, Array<[number, SelectingService]>> {
  const services: Array<[number, SelectingService, string[]]> = [];
  const counts = new Map<string, number>();
  rendered.forEach(({ api, m }, at) => {
    const selector: unknown = m.spec?.selector;
    if (api.kind !== 'Service' || !isMap(selector) || Object.keys(selector).length === 0) return;
    const keys = Object.entries(selector).map(([k, v]) => pairKey(api.metadata.namespace, k, v));
    for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
    services.push([at, { api, selector }, keys]);
  });
  const index = new Map<string, Array<[number, SelectingService]>>();
  for (const [at, s, keys] of services) {
    const rarest = keys.reduce((a, b) => (counts.get(b)! < counts.get(a)! ? b : a));
    push(index, rarest, [at, s]);
  }
  return index;
}

/**
 * Makes sure the whole-app checks (duplicate objects, selectors that catch another workload's
 * pods, object size limits) run when the app containing `scope` synthesizes, whichever way it
 * synthesizes. Called by every library construct (through `checkProps`); registers once per app.
 */
export function ensureAppChecks(scope: IConstruct): void {
  const root = scope.node.root;
  if (scope !== root && !Chart.isChart(scope)) LIBRARY.add(scope);
  if (ROOTS.has(root)) return;
  ROOTS.add(root);
  trackSynthesis(root);
  const checks = new AppChecks(root);
  // cdk8s validates constructs in pre-order, so this runs first and the constructs it reports on
  // return their messages afterwards, each prefixed with its own path.
  root.node.addValidation({ validate: () => checks.pass() });
}

/**
 * The problems the whole-app checks find in the app containing `scope` as it is now, one line
 * per problem in the format synthesis reports them (`[construct path] 'field' is value: ...`).
 * Useful in tests; synthesis runs the same checks by itself.
 */
export function appCheckProblems(scope: IConstruct): string[] {
  const root = scope.node.root;
  return findProblemsIn(renderAll(root)).map(p => `[${p.at.node.path}] ${p.message}`);
}

class AppChecks {
  private readonly hooked = new WeakSet<IConstruct>();
  private current = new Map<IConstruct, string[]>();

  constructor(private readonly root: IConstruct) {}

  /** The messages at the root; those of other constructs go to validations added to them. */
  public pass(): string[] {
    const { own, byConstruct } = oncePerSynthesis(this.root, this, () => this.find());
    this.current = byConstruct;
    return own;
  }

  private find(): { own: string[]; byConstruct: Map<IConstruct, string[]> } {
    const byConstruct = new Map<IConstruct, string[]>();
    const own: string[] = [];
    for (const { at, message } of findProblemsIn(renderedObjects(this.root))) {
      if (at === this.root) {
        own.push(message);
        continue;
      }
      push(byConstruct, at, message);
      if (!this.hooked.has(at)) {
        this.hooked.add(at);
        at.node.addValidation({ validate: () => this.current.get(at) ?? [] });
      }
    }
    return { own, byConstruct };
  }
}

interface Problem {
  /** The construct the message is reported at. */
  readonly at: IConstruct;
  readonly message: string;
}

/** One object of the app, rendered once per pass. */
interface Obj {
  readonly api: ApiObject;
  readonly m: Manifest;
  readonly gk: string;
  readonly ns: string;
  /** Where the problem is reported: the construct a user wrote (the parent of an L1 `Resource`). */
  readonly owner: IConstruct;
  /** The innermost library construct the object was made by, if any. */
  readonly maker?: IConstruct;
  /** Pod labels, for objects that run pods (a Rollout with `workloadRef` borrows its Deployment's). */
  labels?: Record<string, string>;
}

function findProblemsIn(rendered: ReadonlyArray<{ readonly api: ApiObject; readonly m: Manifest }>): Problem[] {
  const makerCache = new Map<IConstruct, IConstruct | undefined>();
  const objects: Obj[] = rendered.map(({ api, m }) => {
    const gk = groupKind(m);
    return {
      api,
      m,
      gk,
      ns: CLUSTER_SCOPED.has(gk) ? '' : namespaceOf(m),
      owner: ownerOf(api),
      maker: makerOf(api, makerCache),
    };
  });
  const problems: Problem[] = [];
  checkMetadata(objects, problems);
  checkSizes(objects, problems);
  checkDuplicates(objects, problems);
  new SelectorChecks(objects, problems).run();
  return problems;
}

/** The construct a user wrote: the parent of an L1 `Resource` child (our constructs and cdk8s-plus name it so). */
function ownerOf(obj: ApiObject): IConstruct {
  return obj.node.id === 'Resource' && obj.node.scope ? obj.node.scope : obj;
}

function makerOf(c: IConstruct, cache: Map<IConstruct, IConstruct | undefined>): IConstruct | undefined {
  if (cache.has(c)) return cache.get(c);
  const maker = LIBRARY.has(c) ? c : c.node.scope ? makerOf(c.node.scope, cache) : undefined;
  cache.set(c, maker);
  return maker;
}

function pathOf(o: Obj): string {
  return o.owner.node.path;
}

// ---- Names, labels and annotations ------------------------------------------------------

/** The most bytes all annotations of one object may hold, keys and values together (256 KiB). */
export const MAX_ANNOTATION_BYTES = 262144;

/** Kinds whose names the API server checks as DNS labels rather than subdomains. */
const NAME_RULE_BY_KIND: Readonly<Record<string, NameRule>> = {
  '/Service': NAME_RULES.dns1035Label,
  '/Namespace': NAME_RULES.dnsLabel,
};

/**
 * apimachinery's rules for what every object carries, whoever made it: the name, the namespace,
 * label keys and values, annotation keys and the annotations' total size.
 */
function checkMetadata(objects: readonly Obj[], problems: Problem[]): void {
  const report = (o: Obj, field: string, value: unknown, expected: string) =>
    problems.push({ at: o.owner, message: `'${field}' is ${describeValue(value)}: ${objectRef(o.m)} ${expected}` });
  for (const o of objects) {
    const metadata = o.m.metadata;
    if (!metadata || typeof metadata !== 'object') continue;
    const nameRule = NAME_RULE_BY_KIND[o.gk] ?? NAME_RULES.dnsSubdomain;
    if (metadata.name !== undefined && !nameRule.test(metadata.name))
      report(o, 'metadata.name', metadata.name, nameRule.expected);
    if (metadata.namespace !== undefined && !NAME_RULES.dnsLabel.test(metadata.namespace)) {
      report(o, 'metadata.namespace', metadata.namespace, NAME_RULES.dnsLabel.expected);
    }
    for (const [key, value] of Object.entries(metadata.labels ?? {})) {
      if (!NAME_RULES.labelKey.test(key)) report(o, 'metadata.labels', key, NAME_RULES.labelKey.expected);
      else if (!NAME_RULES.labelValue.test(value))
        report(o, `metadata.labels.${key}`, value, NAME_RULES.labelValue.expected);
    }
    let annotationBytes = 0;
    for (const [key, value] of Object.entries(metadata.annotations ?? {})) {
      if (!NAME_RULES.labelKey.test(key))
        report(
          o,
          'metadata.annotations',
          key,
          NAME_RULES.labelKey.expected.replace('a label key', 'an annotation key'),
        );
      annotationBytes +=
        Buffer.byteLength(key, 'utf8') + (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);
    }
    if (annotationBytes > MAX_ANNOTATION_BYTES) {
      report(
        o,
        'metadata.annotations',
        `${annotationBytes} bytes`,
        `must hold at most ${MAX_ANNOTATION_BYTES} bytes (256 KiB) of keys and values, or the API server refuses it`,
      );
    }
  }
}

// ---- Size limits -------------------------------------------------------------------------

function checkSizes(objects: readonly Obj[], problems: Problem[]): void {
  for (const o of objects) {
    if (o.gk === '/ConfigMap' || o.gk === '/Secret') {
      const { fields, bytes } = configDataBytes(o);
      if (bytes > MAX_CONFIG_DATA_BYTES) {
        problems.push({
          at: o.owner,
          message: `'${fields}' is ${bytes} bytes: ${objectRef(o.m)} can hold at most ${MAX_CONFIG_DATA_BYTES} bytes (1 MiB) of data, so the API server refuses it; split the data over several ${o.m.kind}s or ship it another way (an image, a volume)`,
        });
      }
    }
    const bytes = Buffer.byteLength(JSON.stringify(o.m), 'utf8');
    if (bytes > MAX_OBJECT_BYTES) {
      problems.push({
        at: o.owner,
        message: `'${objectRef(o.m)}' is ${bytes} bytes as JSON: must be at most ${MAX_OBJECT_BYTES} bytes (1.5 MiB), the largest object the API server stores; split it into several objects`,
      });
    }
  }
}

/**
 * Bytes of data as the API server counts them: a ConfigMap's keys and values of `data` and
 * (decoded) `binaryData`; a Secret's (decoded) `data` values and `stringData` values.
 */
function configDataBytes(o: Obj): { fields: string; bytes: number } {
  const secret = o.gk === '/Secret';
  const [plain, encoded] = secret ? ['stringData', 'data'] : ['data', 'binaryData'];
  let bytes = 0;
  const present: string[] = [];
  for (const field of secret ? [encoded, plain] : [plain, encoded]) {
    const map = o.m[field];
    if (!map || typeof map !== 'object') continue;
    present.push(field);
    for (const [k, v] of Object.entries(map)) {
      if (!secret) bytes += Buffer.byteLength(k, 'utf8');
      const text = typeof v === 'string' ? v : '';
      bytes += field === encoded ? Buffer.from(text, 'base64').length : Buffer.byteLength(text, 'utf8');
    }
  }
  return { fields: present.join(' + ') || 'data', bytes };
}

// ---- Duplicates --------------------------------------------------------------------------

/**
 * Two objects with the same API group, kind, namespace and name are one object to the API server:
 * `kubectl apply` merges them silently and kustomize refuses them. An unset namespace counts as
 * `default`, as kubectl (default context) and kustomize count it; cluster-scoped kinds have none.
 */
function checkDuplicates(objects: readonly Obj[], problems: Problem[]): void {
  const first = new Map<string, Obj>();
  for (const o of objects) {
    const name = o.m.metadata?.name;
    if (typeof name !== 'string' || name === '') continue;
    const key = `${o.gk}|${o.ns}|${name}`;
    const seen = first.get(key);
    if (!seen) {
      first.set(key, o);
      continue;
    }
    const unset = !o.m.metadata?.namespace || !seen.m.metadata?.namespace;
    const where = o.ns ? ` in namespace "${o.ns}"${unset ? ' (an unset namespace counts as "default")' : ''}` : '';
    problems.push({
      at: o.owner,
      message: `'metadata.name' is ${describeValue(name)}: ${pathOf(seen)} already makes ${o.m.kind} "${name}"${where}, so kubectl apply would merge the two into one object and kustomize refuses the pair; give one of them another name`,
    });
  }
}

// ---- Selectors ---------------------------------------------------------------------------

interface Workload extends Obj {
  labels: Record<string, string>;
}

/**
 * Selectors that catch another workload's pods:
 * - a workload controller whose selector matches another workload's pod template in its
 *   namespace: both controllers claim the pods (always an error; Argo's Deployment-to-Rollout
 *   migration, a Rollout beside the Deployment it names in `workloadRef` or shares its name with, is the exception);
 * - a Service, PodDisruptionBudget, NetworkPolicy or ServiceMonitor made by a library construct
 *   that catches pods (Services) of unrelated workloads: see docs/guide/safety.md.
 */
class SelectorChecks {
  private readonly workloads: Workload[] = [];
  /** Workloads by `namespace|key=value` of their pod labels, and by namespace. */
  private readonly byLabel = new Map<string, Workload[]>();
  private readonly byNs = new Map<string, Workload[]>();
  private readonly servicesByLabel = new Map<string, Obj[]>();
  private readonly servicesByNs = new Map<string, Obj[]>();
  private readonly family = new UnionFind<IConstruct>();
  /** Families that hold at least one workload. */
  private readonly workloadFamilies = new Set<IConstruct>();

  constructor(
    private readonly objects: readonly Obj[],
    private readonly problems: Problem[],
  ) {
    const byRef = new Map<string, Obj>();
    for (const o of objects) byRef.set(`${o.gk}|${o.ns}|${o.m.metadata?.name}`, o);
    for (const o of objects) {
      const t = podTemplateOf(o.m);
      let labels = t?.labels;
      const ref = o.m.spec?.workloadRef;
      if (!t && o.gk === 'argoproj.io/Rollout' && ref?.name) {
        const group = String(ref.apiVersion ?? 'apps/v1').split('/')[0];
        const target = byRef.get(`${group}/${ref.kind ?? 'Deployment'}|${o.ns}|${ref.name}`);
        labels = target ? podTemplateOf(target.m)?.labels : undefined;
      }
      if (!labels || typeof labels !== 'object') continue;
      o.labels = labels;
      const w = o as Workload;
      this.workloads.push(w);
      push(this.byNs, w.ns, w);
      for (const [k, v] of Object.entries(labels)) push(this.byLabel, `${w.ns}|${k}=${v}`, w);
    }
    for (const o of objects) {
      if (o.gk !== '/Service') continue;
      push(this.servicesByNs, o.ns, o);
      for (const [k, v] of Object.entries(o.m.metadata?.labels ?? {}))
        push(this.servicesByLabel, `${o.ns}|${k}=${v}`, o);
    }
    this.linkFamilies();
  }

  public run(): void {
    for (const w of this.workloads) if (this.isController(w)) this.checkController(w);
    for (const o of this.objects) {
      if (!o.maker) continue;
      const selector = this.podSelectorOf(o);
      if (selector) this.checkShared(o, selector.at, selector.value, this.caught(o.ns, selector.selector));
      else if (o.gk === 'monitoring.coreos.com/ServiceMonitor') this.checkServiceMonitor(o);
    }
  }

  /**
   * Library constructs that make workloads or selecting objects, joined with the workloads they
   * keep a reference to outside their own subtree (a canary's stable, the workloads a Service
   * serves, a Rollout's workloadRef): one family is one app's deliberate set of pods.
   */
  private linkFamilies(): void {
    const workloadMakers = new Set<IConstruct>();
    for (const w of this.workloads) if (w.maker) workloadMakers.add(w.maker);
    const linkers = new Set<IConstruct>(workloadMakers);
    for (const o of this.objects)
      if (o.maker && (this.podSelectorOf(o) || o.gk === 'monitoring.coreos.com/ServiceMonitor')) linkers.add(o.maker);
    for (const l of linkers) {
      for (const ref of referencesOf(l)) if (workloadMakers.has(ref)) this.family.union(l, ref);
      // A selecting construct a workload made as its child (its disruption budget) belongs to that workload.
      const owner = l.node.scopes
        .slice(0, -1)
        .reverse()
        .find(s => workloadMakers.has(s));
      if (owner && owner !== l) this.family.union(l, owner);
    }
    for (const w of this.workloads) this.workloadFamilies.add(this.familyOf(w));
  }

  private familyOf(o: Obj): IConstruct {
    return this.family.find(o.maker ?? o.owner);
  }

  private isController(w: Workload): boolean {
    if (!CONTROLLERS.has(w.gk)) return false;
    // A Job picks its own unique selector unless told otherwise.
    return w.gk !== 'batch/Job' || w.m.spec?.manualSelector === true;
  }

  private checkController(c: Workload): void {
    const raw = c.m.spec?.selector;
    // ReplicationController selectors are plain label maps.
    const selector = labelSelector(c.gk === '/ReplicationController' ? { matchLabels: raw } : raw);
    if (!selector) return;
    for (const w of this.caught(c.ns, selector)) {
      if (w === c || isRolloutMigration(c, w) || isRolloutMigration(w, c)) continue;
      this.problems.push({
        at: c.owner,
        message: `'spec.selector' is ${describeValue(raw)}: also matches the pods of ${pathOf(w)} (${objectRef(w.m)}), so two controllers claim the same pods and fight over them; give each workload a label the other's pods lack and select on it`,
      });
    }
  }

  /** The pod selector of a Service, PodDisruptionBudget or NetworkPolicy, as a LabelSelector. */
  private podSelectorOf(o: Obj): { at: string; value: unknown; selector: LabelSelector } | undefined {
    const spec = o.m.spec;
    if (!spec || typeof spec !== 'object') return undefined;
    if (o.gk === '/Service') {
      // A Service without a selector selects nothing: its endpoints are managed by hand.
      const s = spec.selector;
      const selector =
        s && typeof s === 'object' && Object.keys(s).length ? labelSelector({ matchLabels: s }) : undefined;
      return selector && { at: 'spec.selector', value: s, selector };
    }
    const at =
      o.gk === 'policy/PodDisruptionBudget'
        ? 'selector'
        : o.gk === 'networking.k8s.io/NetworkPolicy'
          ? 'podSelector'
          : undefined;
    const selector = at ? labelSelector(spec[at]) : undefined;
    return at && selector && { at: `spec.${at}`, value: spec[at], selector };
  }

  /** Workloads of `ns` whose pods `selector` matches; looks up the rarest label of the selector, not every workload. */
  private caught(ns: string, selector: LabelSelector): Workload[] {
    return candidates(this.byLabel, this.byNs, ns, selector).filter(w => selectorMatches(selector, w.labels));
  }

  /**
   * A selecting object made by a library construct may catch the pods of one family: the
   * family of the construct that made it (its own workloads and those it was given), or, when
   * that construct has none, any single family. Pods of a second family are someone else's.
   */
  private checkShared(o: Obj, at: string, value: unknown, caught: readonly Obj[]): void {
    if (caught.length === 0) return;
    const own = this.family.find(o.maker!);
    // A maker with workloads of its own (or given to it) was made for those; any other maker for the first family it
    // catches.
    const target = this.workloadFamilies.has(own) ? own : this.familyOf(caught[0]);
    const foreign = caught.filter(w => this.familyOf(w) !== target);
    if (foreign.length === 0) return;
    const madeFor = caught.filter(w => this.familyOf(w) === target);
    const what = o.gk === 'monitoring.coreos.com/ServiceMonitor' ? 'Services' : 'pods';
    const list = (ws: readonly Obj[]) => ws.map(w => `${pathOf(w)} (${objectRef(w.m)})`).join(', ');
    const besides = madeFor.length ? ` (it was made for ${list(madeFor)})` : '';
    this.problems.push({
      at: o.owner,
      message: `'${at}' is ${describeValue(value)}: also catches the ${what} of ${list(foreign)}, which it was not made for${besides}; rename one of them or give them labels that tell them apart`,
    });
  }

  /** A ServiceMonitor made by a library construct must not pick up the Services of unrelated constructs. */
  private checkServiceMonitor(o: Obj): void {
    const selector = labelSelector(o.m.spec?.selector);
    if (!selector) return;
    const nsSel = o.m.spec?.namespaceSelector;
    const namespaces: string[] | undefined =
      nsSel?.any === true ? undefined : Array.isArray(nsSel?.matchNames) ? nsSel.matchNames : [o.ns];
    const caught = (namespaces ?? [...this.servicesByNs.keys()])
      .flatMap(ns => candidates(this.servicesByLabel, this.servicesByNs, ns, selector))
      .filter(s => selectorMatches(selector, s.m.metadata?.labels));
    this.checkShared(o, 'spec.selector', selector, caught);
  }
}

/**
 * A selector the checks can evaluate: `matchLabels` a map of strings, `matchExpressions` a list;
 * anything else is left to schema validation, which names the malformed field.
 */
function labelSelector(value: unknown): LabelSelector | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { matchLabels, matchExpressions } = value as Record<string, unknown>;
  if (
    matchLabels !== undefined &&
    (!matchLabels ||
      typeof matchLabels !== 'object' ||
      Array.isArray(matchLabels) ||
      Object.values(matchLabels).some(v => typeof v !== 'string'))
  )
    return undefined;
  if (
    matchExpressions !== undefined &&
    (!Array.isArray(matchExpressions) ||
      matchExpressions.some(
        e =>
          !e ||
          typeof e !== 'object' ||
          typeof e.key !== 'string' ||
          (e.values !== undefined && !Array.isArray(e.values)),
      ))
  )
    return undefined;
  return value as LabelSelector;
}

/**
 * Argo's documented migration: a Rollout beside the Deployment it names in `workloadRef`, or that it replaces under the
 * same name.
 */
function isRolloutMigration(rollout: Obj, deployment: Obj): boolean {
  if (rollout.gk !== 'argoproj.io/Rollout' || deployment.gk !== 'apps/Deployment') return false;
  const ref = rollout.m.spec?.workloadRef;
  const name = deployment.m.metadata?.name;
  return (ref?.name === name && (ref?.kind ?? 'Deployment') === 'Deployment') || rollout.m.metadata?.name === name;
}

/**
 * The candidates a selector can match in `ns`: the bucket of its rarest `matchLabels` pair, or of
 * an `In` expression's values; every object of the namespace only for a selector with neither.
 */
function candidates<T>(byLabel: Map<string, T[]>, byNs: Map<string, T[]>, ns: string, selector: LabelSelector): T[] {
  let best: T[] | undefined;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    const bucket = byLabel.get(`${ns}|${k}=${v}`) ?? [];
    if (!best || bucket.length < best.length) best = bucket;
  }
  for (const e of selector.matchExpressions ?? []) {
    if (e?.operator !== 'In' || !Array.isArray(e.values)) continue;
    const bucket = [...new Set(e.values.flatMap((v: string) => byLabel.get(`${ns}|${e.key}=${v}`) ?? []))];
    if (!best || bucket.length < best.length) best = bucket;
  }
  return best ?? byNs.get(ns) ?? [];
}

/** Constructs a library construct keeps in its own fields (alone or in arrays) that lie outside its subtree. */
function referencesOf(c: IConstruct): IConstruct[] {
  const out: IConstruct[] = [];
  const prefix = c.node.path + '/';
  const add = (v: unknown) => {
    if (!isConstruct(v) || v === c) return;
    const p = v.node.path;
    // Its own children and its ancestors are not references to another tree.
    if (p.startsWith(prefix) || prefix.startsWith(p + '/') || p === '') return;
    out.push(v);
  };
  for (const v of Object.values(c)) {
    if (Array.isArray(v)) v.forEach(add);
    else add(v);
  }
  return out;
}

function isConstruct(v: unknown): v is IConstruct {
  return typeof v === 'object' && v !== null && 'node' in v && typeof (v as IConstruct).node?.path === 'string';
}

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}

class UnionFind<T> {
  private readonly parent = new Map<T, T>();
  public find(x: T): T {
    let p = this.parent.get(x);
    if (p === undefined || p === x) return x;
    p = this.find(p);
    this.parent.set(x, p);
    return p;
  }
  public union(a: T, b: T): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
}
