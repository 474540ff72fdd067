import { RolloutPlan } from './rollout-plan';
import { holdsText, leastDuration, planHeading } from './render-table';
import { formatSeconds } from './step-time';

const WIDTH = 760;
const PANEL = 300;
const LEFT = 64;
const RIGHT = WIDTH - 64;
const TOP = 58;
const BOTTOM = 218;
const COLORS = { canary: '#e8702a', stable: '#3b6fb6', weight: '#2a9d4b', open: '#8a8a8a', text: '#222', grid: '#ddd' };

/**
 * Plans drawn as one SVG picture, a panel per Rollout: a bar per step (stable pods below, canary pods
 * above, right axis) and the canary traffic weight as a stepped line (left axis), over the least time
 * of the steps. Instant steps get a narrow slot and steps without end a wide hatched one, so every step
 * is visible. Each step is one `<g class="step">` mark. Deterministic: the same plans draw the same bytes.
 */
export function renderPlanSvg(plans: readonly RolloutPlan[]): string {
  const height = Math.max(1, plans.length) * PANEL;
  const body = plans.map((p, i) => panel(p, i * PANEL)).join('');
  const title = plans.map(p => `Rollout ${p.rollout}`).join(', ') || 'no Rollout';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ` +
    `font-family="Helvetica, Arial, sans-serif" font-size="12">\n` +
    `<title>${esc(title)}</title>\n` +
    `<defs><pattern id="open" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
    `<rect width="6" height="6" fill="#f4f4f4"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c8c8c8" stroke-width="2"/></pattern></defs>\n` +
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>\n` +
    body +
    '</svg>\n'
  );
}

function panel(plan: RolloutPlan, y0: number): string {
  const out: string[] = [`<g class="plan" transform="translate(0 ${y0})">`];
  out.push(text(LEFT, 22, planHeading(plan), { weight: 'bold', size: 14 }));
  out.push(text(LEFT, 40, leastDuration(plan), { fill: '#555' }));
  if (plan.strategy === 'blueGreen' || plan.steps.length === 0) {
    out.push(blueGreenOrEmpty(plan), '</g>\n');
    return out.join('\n');
  }
  const slots = slotWidths(plan);
  const maxPods = Math.max(1, ...plan.steps.map(s => s.canaryPods + s.stablePods));
  const podY = (n: number) => BOTTOM - ((BOTTOM - TOP) * n) / maxPods;
  const weightY = (w: number) => BOTTOM - ((BOTTOM - TOP) * w) / 100;
  out.push(axes(maxPods, podY, weightY));

  let x = LEFT;
  let elapsed = 0;
  let lastLabelX = -Infinity;
  const line: string[] = [`M ${n(LEFT)} ${n(weightY(0))}`];
  plan.steps.forEach((s, i) => {
    const w = slots[i];
    const barW = Math.max(3, Math.min(28, w * 0.6));
    const bx = x + (w - barW) / 2;
    const mark = [`<g class="step" data-step="${s.index}">`, `<title>${esc(stepTitle(plan, i))}</title>`];
    if (s.seconds === null) {
      mark.push(`<rect x="${n(x)}" y="${TOP}" width="${n(w)}" height="${BOTTOM - TOP}" fill="url(#open)"/>`);
      mark.push(
        text(x + w / 2, TOP + 12, s.until === 'promotion' ? 'until promoted' : 'no end', {
          anchor: 'middle',
          fill: COLORS.open,
          size: 10,
        }),
      );
    }
    mark.push(
      `<rect x="${n(bx)}" y="${n(podY(s.stablePods))}" width="${n(barW)}" height="${n(BOTTOM - podY(s.stablePods))}" fill="${COLORS.stable}"/>`,
    );
    const top = podY(s.stablePods + s.canaryPods);
    mark.push(
      `<rect x="${n(bx)}" y="${n(top)}" width="${n(barW)}" height="${n(podY(s.stablePods) - top)}" fill="${COLORS.canary}"/>`,
    );
    mark.push(text(x + w / 2, BOTTOM + 14, String(s.index), { anchor: 'middle', size: 10, fill: '#555' }));
    mark.push('</g>');
    out.push(mark.join(''));
    line.push(`V ${n(weightY(s.weight))}`, `H ${n(x + w)}`);
    x += w;
    if (s.seconds !== null && s.seconds > 0) {
      elapsed += s.seconds;
      if (x - lastLabelX >= 44) {
        out.push(`<line x1="${n(x)}" y1="${BOTTOM}" x2="${n(x)}" y2="${BOTTOM + 20}" stroke="${COLORS.grid}"/>`);
        out.push(text(x, BOTTOM + 32, formatSeconds(elapsed), { anchor: 'middle', size: 10, fill: '#555' }));
        lastLabelX = x;
      }
    }
  });
  out.push(`<path d="${line.join(' ')}" fill="none" stroke="${COLORS.weight}" stroke-width="2.5"/>`);
  out.push(legend());
  out.push('</g>\n');
  return out.join('\n');
}

/** Slot widths: a step's least seconds, at least a sliver for instant steps and a wide slot for steps without end. */
function slotWidths(plan: RolloutPlan): number[] {
  const known = plan.steps.reduce((sum, s) => sum + (s.seconds ?? 0), 0);
  const unit = known > 0 ? known : 1;
  const raw = plan.steps.map(s =>
    s.seconds === null ? unit * 0.18 : Math.max(s.seconds, unit * (plan.steps.length > 12 ? 0.02 : 0.04)),
  );
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map(r => ((RIGHT - LEFT) * r) / total);
}

function axes(maxPods: number, podY: (n: number) => number, weightY: (w: number) => number): string {
  const out: string[] = [];
  for (const w of [0, 25, 50, 75, 100]) {
    out.push(`<line x1="${LEFT}" y1="${n(weightY(w))}" x2="${RIGHT}" y2="${n(weightY(w))}" stroke="${COLORS.grid}"/>`);
    out.push(text(LEFT - 6, weightY(w) + 4, `${w}%`, { anchor: 'end', size: 10, fill: COLORS.weight }));
  }
  const step = Math.max(1, Math.ceil(maxPods / 5));
  for (let p = 0; p <= maxPods; p += step) {
    out.push(text(RIGHT + 6, podY(p) + 4, String(p), { size: 10, fill: COLORS.stable }));
  }
  out.push(text(LEFT - 6, TOP - 8, 'weight', { anchor: 'end', size: 10, fill: COLORS.weight }));
  out.push(text(RIGHT + 6, TOP - 8, 'pods', { size: 10, fill: COLORS.stable }));
  out.push(text(LEFT, BOTTOM + 46, 'step, and the least time elapsed at its end', { size: 10, fill: '#555' }));
  return out.join('\n');
}

function legend(): string {
  const y = BOTTOM + 64;
  return [
    `<rect x="${LEFT}" y="${y - 9}" width="10" height="10" fill="${COLORS.stable}"/>`,
    text(LEFT + 14, y, 'stable pods', { size: 11 }),
    `<rect x="${LEFT + 100}" y="${y - 9}" width="10" height="10" fill="${COLORS.canary}"/>`,
    text(LEFT + 114, y, 'canary pods', { size: 11 }),
    `<line x1="${LEFT + 200}" y1="${y - 4}" x2="${LEFT + 222}" y2="${y - 4}" stroke="${COLORS.weight}" stroke-width="2.5"/>`,
    text(LEFT + 228, y, 'canary traffic weight', { size: 11 }),
    `<rect x="${LEFT + 370}" y="${y - 9}" width="10" height="10" fill="url(#open)" stroke="#c8c8c8"/>`,
    text(LEFT + 384, y, 'waits for a person or has no end', { size: 11 }),
  ].join('\n');
}

function blueGreenOrEmpty(plan: RolloutPlan): string {
  if (plan.strategy !== 'blueGreen')
    return text(LEFT, TOP + 30, 'no steps: Argo replaces the pods like a rolling update');
  const bg = plan.blueGreen!;
  const max = Math.max(1, bg.previewPods, bg.activePods);
  const h = (pods: number) => ((BOTTOM - TOP) * pods) / max;
  return [
    `<rect x="${LEFT + 40}" y="${n(BOTTOM - h(bg.activePods))}" width="60" height="${n(h(bg.activePods))}" fill="${COLORS.stable}"/>`,
    text(LEFT + 70, BOTTOM + 16, `active: ${bg.activePods}`, { anchor: 'middle' }),
    `<rect x="${LEFT + 140}" y="${n(BOTTOM - h(bg.previewPods))}" width="60" height="${n(h(bg.previewPods))}" fill="${COLORS.canary}"/>`,
    text(LEFT + 170, BOTTOM + 16, `preview: ${bg.previewPods}`, { anchor: 'middle' }),
    text(LEFT + 240, TOP + 30, `before promotion: ${bg.prePromotionAnalysis.join(', ') || 'no analysis'}`),
    text(
      LEFT + 240,
      TOP + 50,
      `promotion: ${bg.autoPromotion ? `automatic after ${formatSeconds(bg.autoPromotionSeconds)}` : 'by hand'}`,
    ),
    text(LEFT + 240, TOP + 70, `after promotion: ${bg.postPromotionAnalysis.join(', ') || 'no analysis'}`),
  ].join('\n');
}

function stepTitle(plan: RolloutPlan, i: number): string {
  const s = plan.steps[i];
  return `step ${s.index}: ${s.action}; weight ${s.weight}%; ${s.canaryPods} canary + ${s.stablePods} stable pods; holds ${holdsText(s)}`;
}

function text(
  x: number,
  y: number,
  content: string,
  o: { anchor?: 'middle' | 'end'; size?: number; fill?: string; weight?: 'bold' } = {},
): string {
  const attrs = [
    `x="${n(x)}"`,
    `y="${n(y)}"`,
    o.anchor ? `text-anchor="${o.anchor}"` : '',
    o.size ? `font-size="${o.size}"` : '',
    `fill="${o.fill ?? COLORS.text}"`,
    o.weight ? `font-weight="${o.weight}"` : '',
  ].filter(Boolean);
  return `<text ${attrs.join(' ')}>${esc(content)}</text>`;
}

/** A coordinate with at most one decimal, so the output is stable across platforms. */
function n(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
