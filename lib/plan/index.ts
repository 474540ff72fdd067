// Rollout plans: the pods, weight and least time of every canary step, from a Rollout construct or any Rollout
// manifest, as a table, Markdown (with a Mermaid timeline) or an SVG picture.
export { PlanError, planRollout } from './rollout-plan';
export type {
  BlueGreenPlan,
  ManifestObject,
  PlanAutoscaler,
  PlanContext,
  PlanPods,
  PlanStep,
  PlanStepKind,
  RolloutPlan,
} from './rollout-plan';
export { planFromManifests } from './plan-from-manifests';
export { planSummary, renderPlanTable } from './render-table';
export { renderPlanMarkdown } from './render-markdown';
export { renderPlanSvg } from './render-svg';
