import { describeValue } from '../core/errors';
import { ALL_RULES } from './rules';

/** How serious a finding is: `error` fails synth (wiring checks) or the plugin; the others are reported. */
export type Severity = 'error' | 'warning' | 'info';

/** One problem found in a synthesized manifest by the wiring checks or the policy checker. */
export interface Finding {
  /** Rule id, e.g. `pss-run-as-non-root`; also the key of its suppression annotation. */
  readonly rule: string;
  readonly severity: Severity;
  /** `Kind/namespace/name`, or `Kind/name` when the manifest sets no namespace. */
  readonly object: string;
  /** Construct path of the object, when known. */
  readonly path?: string;
  /** Field at fault, e.g. `spec.template.spec.containers[0].image`. */
  readonly location?: string;
  /** What is wrong, naming the field and the bad value, and what would be valid. */
  readonly message: string;
}

/** A parsed Kubernetes object, as `ApiObject.toJson()` or a YAML parser returns it. */
export type Manifest = Record<string, any>;

/** Options shared by {@link checkWiring} and `checkPolicy`. */
export interface ManifestCheckOptions {
  /**
   * Maps a manifest to the construct path it came from; findings carry it in `path`.
   * @default - no paths
   */
  readonly pathOf?: (manifest: Manifest) => string | undefined;
  /**
   * The namespace of objects that set none (the namespace they are applied into), so that they
   * meet objects that name it explicitly, e.g. a ServiceMonitor whose namespaceSelector lists it.
   * @default 'default'
   */
  readonly defaultNamespace?: string;
}

/**
 * Annotation prefix that suppresses one rule on one object:
 * `cdk8s-delivery.io/suppress.<rule-id>: "<reason>"`. The reason is required.
 */
export const SUPPRESS_ANNOTATION_PREFIX = 'cdk8s-delivery.io/suppress.';

/** Finding rule reported for a suppression annotation with an empty reason. */
export const SUPPRESSION_REASON_RULE = 'suppression-reason';
/** Finding rule reported for a suppression annotation naming no known rule. */
export const SUPPRESSION_UNKNOWN_RULE = 'suppression-unknown-rule';

/** @internal A finding still tied to its manifest, before suppressions are applied. */
export interface RawFinding {
  readonly manifest: Manifest;
  readonly rule: string;
  readonly severity: Severity;
  readonly location: string;
  readonly value: unknown;
  readonly expected: string;
}

/** `Kind/namespace/name`, or `Kind/name` without a namespace. */
export function objectRef(m: Manifest): string {
  const ns = m?.metadata?.namespace;
  return ns ? `${m?.kind}/${ns}/${m?.metadata?.name}` : `${m?.kind}/${m?.metadata?.name}`;
}

/** An object the construct metadata describes: an `ApiObject` (its name, construct path and manifest). */
export interface ConstructMetadataSource {
  readonly name: string;
  readonly node: { readonly path: string };
  toJson(): any;
}

/**
 * The `resources` of `construct-metadata.json`, which the cdk8s CLI hands to validation plugins:
 * each object's construct path under its name (what cdk8s writes, and other plugins look up:
 * the last object wins where names are shared across kinds) and, unambiguously, under its
 * {@link objectRef} (`Kind/namespace/name`), which the cdk8s-delivery plugin looks up first.
 */
export function constructMetadataResources(
  objects: readonly ConstructMetadataSource[],
): Record<string, { path: string }> {
  const resources: Record<string, { path: string }> = {};
  for (const obj of objects) {
    resources[obj.name] = { path: obj.node.path };
    resources[objectRef(obj.toJson())] = { path: obj.node.path };
  }
  return resources;
}

/**
 * @internal
 * Drops findings whose object carries a suppression annotation with a reason, reports empty
 * reasons (for the checker's own rules) and annotations naming no rule at all, and renders the rest.
 */
export function finishFindings(
  raw: readonly RawFinding[],
  manifests: readonly Manifest[],
  ownRules: ReadonlySet<string>,
  options: ManifestCheckOptions,
): Finding[] {
  const out: RawFinding[] = [];
  for (const m of manifests) {
    for (const [key, reason] of Object.entries(annotationsOf(m))) {
      if (!key.startsWith(SUPPRESS_ANNOTATION_PREFIX)) continue;
      const rule = key.slice(SUPPRESS_ANNOTATION_PREFIX.length);
      const location = `metadata.annotations.${key}`;
      if (!ALL_RULES.has(rule)) {
        out.push({
          manifest: m,
          rule: SUPPRESSION_UNKNOWN_RULE,
          severity: 'warning',
          location,
          value: rule,
          expected: `names no known rule, so it suppresses nothing; known rules: ${[...ALL_RULES].sort().join(', ')}`,
        });
      } else if (ownRules.has(rule) && (typeof reason !== 'string' || reason.trim() === '')) {
        out.push({
          manifest: m,
          rule: SUPPRESSION_REASON_RULE,
          severity: 'error',
          location,
          value: reason ?? '',
          expected: `must give the reason ${rule} does not apply here; an empty reason suppresses nothing`,
        });
      }
    }
  }
  for (const f of raw) {
    const reason = annotationsOf(f.manifest)[SUPPRESS_ANNOTATION_PREFIX + f.rule];
    if (typeof reason === 'string' && reason.trim() !== '') continue;
    out.push(f);
  }
  return out.map(f => ({
    rule: f.rule,
    severity: f.severity,
    object: objectRef(f.manifest),
    path: options.pathOf?.(f.manifest),
    location: f.location,
    message: `'${f.location}' is ${describeValue(f.value)}: ${f.expected}`,
  }));
}

function annotationsOf(m: Manifest): Record<string, unknown> {
  const a = m?.metadata?.annotations;
  return a && typeof a === 'object' ? a : {};
}

/** A pod template inside a workload manifest, with the field path that leads to it. */
export interface PodTemplate {
  readonly labels: Record<string, string>;
  readonly spec: Record<string, any>;
  /** e.g. `spec.template` or `spec.jobTemplate.spec.template`; `''` for a Pod. */
  readonly at: string;
}

/** Kinds (group/kind) whose manifests hold a pod template, and where. */
const TEMPLATE_AT: Record<string, string> = {
  'apps/Deployment': 'spec.template',
  'apps/StatefulSet': 'spec.template',
  'apps/DaemonSet': 'spec.template',
  'apps/ReplicaSet': 'spec.template',
  '/ReplicationController': 'spec.template',
  'batch/Job': 'spec.template',
  'batch/CronJob': 'spec.jobTemplate.spec.template',
  'argoproj.io/Rollout': 'spec.template',
};

/** `group/Kind` of a manifest (`/Service` for the core group). */
export function groupKind(m: Manifest): string {
  const apiVersion = String(m?.apiVersion ?? '');
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return `${group}/${m?.kind}`;
}

/** The pod template of a workload manifest (or the Pod itself), or undefined for other kinds. */
export function podTemplateOf(m: Manifest): PodTemplate | undefined {
  const gk = groupKind(m);
  if (gk === '/Pod') return { labels: m.metadata?.labels ?? {}, spec: m.spec ?? {}, at: '' };
  const at = TEMPLATE_AT[gk];
  if (at === undefined) return undefined;
  const template = at.split('.').reduce<any>((o, k) => o?.[k], m);
  if (!template) return undefined;
  return { labels: template.metadata?.labels ?? {}, spec: template.spec ?? {}, at };
}

/** Joins field path segments: `join('spec.template', 'spec')` is `spec.template.spec`. */
export function join(...parts: string[]): string {
  return parts.filter(p => p !== '').join('.');
}

/** Every container of a pod spec (init and ephemeral ones too), with its field path. */
export function containersOf(
  spec: Record<string, any>,
  at: string,
): Array<{ container: Record<string, any>; at: string }> {
  const out: Array<{ container: Record<string, any>; at: string }> = [];
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = spec?.[field];
    if (!Array.isArray(list)) continue;
    list.forEach((container, i) => out.push({ container: container ?? {}, at: join(at, `spec.${field}[${i}]`) }));
  }
  return out;
}

/** A Kubernetes label selector: `matchLabels` and `matchExpressions`. */
export interface LabelSelector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: ReadonlyArray<{ key: string; operator: string; values?: string[] }>;
}

/** True when `labels` satisfy the selector. An empty selector matches everything, as in Kubernetes. */
export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector?.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const values = e.values ?? [];
    const ok =
      e.operator === 'In'
        ? has && values.includes(l[e.key])
        : e.operator === 'NotIn'
          ? !has || !values.includes(l[e.key])
          : e.operator === 'Exists'
            ? has
            : e.operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

/** The namespace a manifest lands in; objects without one land in `unset` (where they are applied). */
export function namespaceOf(m: Manifest, unset: string = 'default'): string {
  return m?.metadata?.namespace || unset;
}
