import { ManifestObject, PlanError, planRollout, record, RolloutPlan } from './rollout-plan';

const ROLLOUT_API = 'argoproj.io/v1alpha1';

/**
 * The plan of every `argoproj.io/v1alpha1` Rollout among `objects` (parsed Kubernetes manifests, in
 * any order; `kind: List` objects are opened), with the AnalysisTemplates, ClusterAnalysisTemplates
 * and the HorizontalPodAutoscaler targeting each Rollout found among the same objects. Works on
 * Rollouts written by hand, by Helm or kustomize, not only on this library's.
 *
 * Throws a {@link PlanError} naming the object it cannot plan (a missing template, an unknown step, ...).
 */
export function planFromManifests(objects: readonly unknown[]): RolloutPlan[] {
  const all = flatten(objects);
  const rollouts = all.filter(o => o.apiVersion === ROLLOUT_API && o.kind === 'Rollout');
  return rollouts.map(rollout => {
    const namespace = namespaceOf(rollout);
    const sameNamespace = (o: ManifestObject) => {
      const ns = namespaceOf(o);
      return ns === undefined || namespace === undefined || ns === namespace;
    };
    return planRollout(rollout, {
      findTemplate: (name, clusterScope) =>
        all.find(o =>
          clusterScope
            ? o.kind === 'ClusterAnalysisTemplate' && nameOf(o) === name
            : o.kind === 'AnalysisTemplate' && nameOf(o) === name && sameNamespace(o),
        ),
      autoscaler: autoscalerOf(rollout, all.filter(sameNamespace)),
    });
  });
}

/** The `kind namespace/name` text a {@link PlanError} uses for an object. */
export function objectLabel(o: ManifestObject): string {
  const ns = namespaceOf(o);
  return `${String(o.kind)} ${ns ? `${ns}/` : ''}${nameOf(o) ?? '(unnamed)'}`;
}

function autoscalerOf(
  rollout: ManifestObject,
  candidates: readonly ManifestObject[],
): { name?: string; minReplicas: number; maxReplicas: number } | undefined {
  const name = nameOf(rollout);
  const hpas = candidates.filter(o => {
    if (o.kind !== 'HorizontalPodAutoscaler' || !String(o.apiVersion ?? '').startsWith('autoscaling/')) return false;
    const ref = record(record(o.spec)?.scaleTargetRef);
    return (
      ref?.kind === 'Rollout' && ref.name === name && String(ref.apiVersion ?? ROLLOUT_API).startsWith('argoproj.io/')
    );
  });
  if (hpas.length === 0) return undefined;
  if (hpas.length > 1)
    throw new PlanError(
      objectLabel(rollout),
      `is targeted by ${hpas.length} HorizontalPodAutoscalers (${hpas.map(nameOf).join(', ')}); they would fight over its replicas`,
    );
  const hpa = hpas[0];
  const spec = record(hpa.spec) ?? {};
  const min = spec.minReplicas ?? 1;
  const max = spec.maxReplicas;
  const whole = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
  if (!whole(min) || !whole(max) || min > max)
    throw new PlanError(
      objectLabel(hpa),
      `spec.minReplicas (${JSON.stringify(min)}) and spec.maxReplicas (${JSON.stringify(max)}) must be whole numbers, min <= max`,
    );
  return { name: nameOf(hpa), minReplicas: min, maxReplicas: max };
}

/** Objects, with `kind: List` items taken out of their lists; anything not an object is skipped. */
function flatten(objects: readonly unknown[]): ManifestObject[] {
  const out: ManifestObject[] = [];
  for (const o of objects) {
    const r = record(o);
    if (!r) continue;
    if (typeof r.kind === 'string' && r.kind.endsWith('List') && Array.isArray(r.items)) out.push(...flatten(r.items));
    else out.push(r);
  }
  return out;
}

function nameOf(o: ManifestObject): string | undefined {
  const name = record(o.metadata)?.name;
  return typeof name === 'string' ? name : undefined;
}

function namespaceOf(o: ManifestObject): string | undefined {
  const ns = record(o.metadata)?.namespace;
  return typeof ns === 'string' && ns !== '' ? ns : undefined;
}
