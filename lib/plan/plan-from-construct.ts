import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { planFromManifests } from './plan-from-manifests';
import { planSummary, renderPlanTable } from './render-table';
import { RolloutPlan } from './rollout-plan';

/** The kinds a Rollout's plan reads besides the Rollout itself. */
const CONTEXT_KINDS = new Set(['AnalysisTemplate', 'ClusterAnalysisTemplate', 'HorizontalPodAutoscaler']);

/**
 * The plans of Rollout manifests built in an app, with the AnalysisTemplates and autoscalers found
 * among `constructs` (the app's constructs, found once by the caller). Each Rollout is planned from its
 * rendered manifest, exactly as the CLI plans a YAML file.
 * @internal
 */
export function planRolloutObjects(rollouts: readonly ApiObject[], constructs: readonly IConstruct[]): RolloutPlan[] {
  const context = contextObjects(constructs);
  return rollouts.map(r => planFromManifests([r.toJson(), ...context])[0]);
}

/** The rendered AnalysisTemplates, ClusterAnalysisTemplates and autoscalers among `constructs`. */
function contextObjects(constructs: readonly IConstruct[]): unknown[] {
  return constructs
    .filter((c): c is ApiObject => c instanceof ApiObject && CONTEXT_KINDS.has(c.kind))
    .map(o => o.toJson());
}

/**
 * The plan of one Rollout manifest of an app (what `Rollout.plan()` returns).
 * @internal
 */
export function planRolloutObject(rollout: ApiObject): RolloutPlan {
  return planRolloutObjects([rollout], rollout.node.root.node.findAll())[0];
}

/**
 * The lines `synthesizeApp` prints about the Rollouts among `constructs`, each starting `plan: `: one
 * summary per Rollout (steps, least duration, peak canary share), or with `full` the whole table of
 * each. A Rollout that cannot be planned (a step running an external template) gets a line saying why.
 * @internal
 */
export function planReport(constructs: readonly IConstruct[], full: boolean): string[] {
  const rollouts = constructs.filter(
    (c): c is ApiObject => c instanceof ApiObject && c.apiVersion === 'argoproj.io/v1alpha1' && c.kind === 'Rollout',
  );
  if (rollouts.length === 0) return [];
  const context = contextObjects(constructs);
  return rollouts.flatMap(r => {
    let plan: RolloutPlan;
    try {
      plan = planFromManifests([r.toJson(), ...context])[0];
    } catch (e) {
      // A summary must never stop a synthesis that succeeded: whatever went wrong is reported on the line.
      return [`plan: rollout ${r.name}: cannot be planned: ${e instanceof Error ? e.message : String(e)}`];
    }
    return (full ? renderPlanTable(plan).trimEnd().split('\n') : [planSummary(plan)]).map(line => `plan: ${line}`);
  });
}
