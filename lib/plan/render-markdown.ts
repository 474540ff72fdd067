import { RolloutPlan } from './rollout-plan';
import { leastDuration, planHeading, planRows } from './render-table';

/**
 * A plan as Markdown: a heading, the table of steps, and a Mermaid gantt diagram of the timeline
 * (each step a bar as long as its least time; instant steps and steps without end as milestones).
 */
export function renderPlanMarkdown(plan: RolloutPlan): string {
  const out = [`### ${escapeMd(planHeading(plan))}`, ''];
  if (plan.strategy === 'blueGreen') {
    const bg = plan.blueGreen!;
    out.push(
      '| preview pods | active pods | before promotion | promotion | after promotion |',
      '|---:|---:|---|---|---|',
      `| ${bg.previewPods} | ${bg.activePods} | ${bg.prePromotionAnalysis.join(', ') || 'no analysis'} | ` +
        `${bg.autoPromotion ? `automatic after ${bg.autoPromotionSeconds}s` : 'by hand'} | ${bg.postPromotionAnalysis.join(', ') || 'no analysis'} |`,
      '',
      `${escapeMd(leastDuration(plan))}.`,
      '',
    );
    return out.join('\n');
  }
  if (plan.steps.length > 0) {
    const [header, ...rows] = planRows(plan);
    out.push(
      `| ${header.join(' | ')} |`,
      `|${header.map((_, c) => ([0, 2, 3, 4].includes(c) ? '---:' : '---')).join('|')}|`,
    );
    for (const row of rows) out.push(`| ${row.map(escapeMd).join(' | ')} |`);
    out.push('');
  }
  out.push(`${escapeMd(leastDuration(plan))}.`, '');
  if (plan.steps.length > 0) out.push('```mermaid', ...gantt(plan), '```', '');
  return out.join('\n');
}

function gantt(plan: RolloutPlan): string[] {
  const lines = ['gantt', `  title ${mermaidText(`Rollout ${plan.rollout}`)}`, '  dateFormat X', '  axisFormat %M:%S'];
  let at = 0;
  let section = -1;
  for (const s of plan.steps) {
    if (s.weight !== section) {
      lines.push(`  section weight ${s.weight}%`);
      section = s.weight;
    }
    const name = mermaidText(`${s.index} ${s.action} (${s.canaryPods} canary, ${s.stablePods} stable)`);
    if (s.seconds === null) {
      lines.push(
        `  ${name} ${s.until === 'promotion' ? 'until promoted' : 'no end'} :milestone, s${s.index}, ${at}, 0s`,
      );
    } else if (s.seconds === 0) {
      lines.push(`  ${name} :milestone, s${s.index}, ${at}, 0s`);
    } else {
      lines.push(`  ${name} :s${s.index}, ${at}, ${s.seconds}s`);
      at += s.seconds;
    }
  }
  return lines;
}

/** Text Mermaid takes in a title or task name: no colon, hash or semicolon. */
function mermaidText(text: string): string {
  return text.replace(/[:#;]/g, ' ').replace(/\s+/g, ' ').trim();
}

function escapeMd(text: string): string {
  return text.replace(/([|\\*_`[\]<>])/g, '\\$1');
}
