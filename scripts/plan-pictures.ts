/**
 * Draws the pictures of docs/guide/plan.md into docs/guide/images/plan-*.svg: the plan of every Rollout of the
 * example charts (main.ts) and of the hand-written Rollouts in Argo's documented forms (test/fixtures/plan/).
 * Run: node -r ./scripts/swc-register.js scripts/plan-pictures.ts
 * test/plan-pictures.test.ts fails when a picture is out of date.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App } from 'cdk8s';
import { buildExamples } from '../main';
import { planFromManifests, renderPlanSvg, RolloutPlan } from '../lib';
import { planRolloutObjects } from '../lib/plan/plan-from-construct';
import { readManifestFile } from '../lib/plan/read-yaml';

export const PICTURES_DIR = path.join(__dirname, '..', 'docs', 'guide', 'images');
const FIXTURES = path.join(__dirname, '..', 'test', 'fixtures', 'plan');
/** The hand-written Rollouts drawn for the guide. */
export const FIXTURE_PICTURES = ['basic-canary.yaml', 'routed-canary.yaml', 'dynamic-stable.yaml'];

/** `plan-<rollout>.svg` -> the picture, for every example Rollout and every fixture above. */
export function planPictures(): Map<string, string> {
  const app = new App();
  buildExamples(app);
  const all = app.node.findAll();
  const rollouts = all.filter(
    (c): c is ApiObject => c instanceof ApiObject && c.apiVersion === 'argoproj.io/v1alpha1' && c.kind === 'Rollout',
  );
  const plans: RolloutPlan[] = [
    ...planRolloutObjects(rollouts, all),
    ...FIXTURE_PICTURES.flatMap(f => planFromManifests(readManifestFile(path.join(FIXTURES, f)))),
  ];
  return new Map(plans.map(p => [`plan-${p.rollout.replace(/[^a-z0-9.-]/g, '-')}.svg`, renderPlanSvg([p])]));
}

if (require.main === module) {
  fs.mkdirSync(PICTURES_DIR, { recursive: true });
  const pictures = planPictures();
  for (const old of fs.readdirSync(PICTURES_DIR)) {
    if (/^plan-.*\.svg$/.test(old) && !pictures.has(old)) fs.rmSync(path.join(PICTURES_DIR, old));
  }
  for (const [file, svg] of pictures) fs.writeFileSync(path.join(PICTURES_DIR, file), svg);
  process.stdout.write(`${[...pictures.keys()].map(f => `docs/guide/images/${f}`).join('\n')}\n`);
}
