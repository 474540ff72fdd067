import { PlanStep, RolloutPlan } from './rollout-plan';
import { formatSeconds } from './step-time';

/** What the Rollout is, in one line: `Rollout shop/web: canary, 4 replicas, traffic routing, autoscaler 2..10`. */
export function planHeading(plan: RolloutPlan): string {
  const parts = [plan.strategy === 'blueGreen' ? 'blue/green' : 'canary', `${plan.replicas} replicas`];
  if (plan.strategy === 'canary') parts.push(plan.trafficRouting ? 'traffic routing' : 'no traffic routing');
  const a = plan.autoscaler;
  if (a)
    parts.push(`autoscaler ${a.name ? `${a.name} ` : ''}${a.minReplicas}..${a.maxReplicas} (planned at ${a.replicas})`);
  return `Rollout ${plan.rollout}: ${parts.join(', ')}`;
}

/** How long the steps take at the least, in words: `at least 16m 30s`, `at least 5m plus 2 promotions by hand`. */
export function leastDuration(plan: RolloutPlan): string {
  if (plan.strategy === 'blueGreen') {
    const bg = plan.blueGreen!;
    if (!bg.autoPromotion) return 'waits for promotion by hand';
    return bg.promotionSeconds === null
      ? 'no least duration: the pre-promotion analysis never ends'
      : `promotes at least ${formatSeconds(bg.promotionSeconds)} after the preview is ready`;
  }
  if (plan.minimumSeconds !== null) return `at least ${formatSeconds(plan.minimumSeconds)}`;
  const known = plan.steps.reduce((sum, s) => sum + (s.seconds ?? 0), 0);
  const endless = plan.steps.filter(s => s.until === 'unbounded');
  if (endless.length) return `no least duration: step ${endless[0].index} (${endless[0].action}) never ends on its own`;
  const manual = plan.steps.filter(s => s.until === 'promotion').length;
  return `at least ${formatSeconds(known)} plus ${manual} ${manual === 1 ? 'promotion' : 'promotions'} by hand`;
}

/** The one line `synthesizeApp` prints per Rollout: steps, least duration, peak canary share. */
export function planSummary(plan: RolloutPlan): string {
  if (plan.strategy === 'blueGreen') {
    const bg = plan.blueGreen!;
    return `rollout ${plan.rollout}: blue/green, ${pods(bg.previewPods, 'preview pod')} beside ${bg.activePods} active, ${leastDuration(plan)}`;
  }
  const n = plan.steps.length;
  return (
    `rollout ${plan.rollout}: ${n} ${n === 1 ? 'step' : 'steps'}, ${leastDuration(plan)}, ` +
    `peak canary share ${plan.peakCanaryPercent ?? 0}%${plan.trafficRouting ? '' : ' of the pods'}`
  );
}

/** What the `holds` column shows for a step. */
export function holdsText(step: PlanStep): string {
  if (step.seconds !== null) return formatSeconds(step.seconds);
  return step.until === 'promotion' ? 'until promoted' : 'no end';
}

/** The rows of a plan's table: a header row, then one row per step. */
export function planRows(plan: RolloutPlan): string[][] {
  const a = plan.autoscaler;
  const header = ['step', 'action', 'weight', 'canary', 'stable', 'holds'];
  if (a) header.push(`at ${a.minReplicas} (min)`, `at ${a.maxReplicas} (max)`);
  const rows = plan.steps.map(s => {
    const row = [String(s.index), s.action, `${s.weight}%`, String(s.canaryPods), String(s.stablePods), holdsText(s)];
    if (a) row.push(podsText(s.atMinReplicas), podsText(s.atMaxReplicas));
    return row;
  });
  return [header, ...rows];
}

function pods(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function podsText(p: { canaryPods: number; stablePods: number } | undefined): string {
  return p ? `${p.canaryPods} + ${p.stablePods}` : '';
}

/** A plan as aligned text: the heading, one row per step, and the least duration. */
export function renderPlanTable(plan: RolloutPlan): string {
  const lines = [planHeading(plan)];
  if (plan.strategy === 'blueGreen') {
    const bg = plan.blueGreen!;
    lines.push(
      `  preview: ${pods(bg.previewPods, 'pod')} beside ${bg.activePods} active`,
      `  before promotion: ${bg.prePromotionAnalysis.length ? `analysis ${bg.prePromotionAnalysis.join(', ')}` : 'no analysis'}`,
      `  promotion: ${bg.autoPromotion ? `automatic${bg.autoPromotionSeconds ? ` after ${formatSeconds(bg.autoPromotionSeconds)}` : ''}` : 'by hand'}`,
      `  after promotion: ${bg.postPromotionAnalysis.length ? `analysis ${bg.postPromotionAnalysis.join(', ')}` : 'no analysis'}`,
    );
  } else if (plan.steps.length === 0) {
    lines.push('  no steps: Argo replaces the pods like a rolling update');
  } else {
    const rows = planRows(plan);
    const widths = rows[0].map((_, c) => Math.max(...rows.map(r => r[c].length)));
    const numeric = new Set([0, 2, 3, 4]);
    for (const row of rows) {
      const cells = row.map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])));
      lines.push(`  ${cells.join('  ').trimEnd()}`);
    }
  }
  lines.push(`  ${leastDuration(plan)}`);
  return lines.join('\n') + '\n';
}
