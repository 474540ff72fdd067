import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App } from 'cdk8s';
import { buildExamples } from '../main';
import { planFromManifests, planSummary, renderPlanTable } from '../lib';
import { planRolloutObjects } from '../lib/plan/plan-from-construct';
import { readManifestFile } from '../lib/plan/read-yaml';
import { PICTURES_DIR, planPictures } from '../scripts/plan-pictures';

const GUIDE = path.join(__dirname, '..', 'docs', 'guide', 'plan.md');

describe('docs/guide/plan.md and its pictures are up to date (node -r ./scripts/swc-register.js scripts/plan-pictures.ts)', () => {
  const pictures = planPictures();
  const guide = fs.readFileSync(GUIDE, 'utf8');

  test('every picture is on disk as drawn now, and no stale one is left', () => {
    const onDisk = fs.readdirSync(PICTURES_DIR).filter(f => /^plan-.*\.svg$/.test(f));
    expect(onDisk.sort()).toEqual([...pictures.keys()].sort());
    for (const [file, svg] of pictures) {
      expect({ file, same: fs.readFileSync(path.join(PICTURES_DIR, file), 'utf8') === svg }).toEqual({
        file,
        same: true,
      });
    }
  });

  test('the guide shows every picture, and only those', () => {
    const shown = [...guide.matchAll(/!\[[^\]]*\]\(images\/(plan-[^)]+\.svg)\)/g)].map(m => m[1]);
    expect(shown.sort()).toEqual([...pictures.keys()].sort());
  });

  test("the guide's sample output is what the command prints and what synth prints for the example", () => {
    const plan = planFromManifests(readManifestFile(path.join(__dirname, 'fixtures', 'plan', 'basic-canary.yaml')))[0];
    expect(guide).toContain('```text\n' + renderPlanTable(plan) + '```');
    const line = /^plan: (rollout flaky-update-dep: .*)$/m.exec(guide)?.[1];
    // The summary of the example's Rollout, planned as synthesizeApp plans it.
    const app = new App();
    buildExamples(app);
    const all = app.node.findAll();
    const rollout = all.find(
      (c): c is ApiObject => c instanceof ApiObject && c.kind === 'Rollout' && c.name === 'flaky-update-dep',
    );
    expect(planSummary(planRolloutObjects([rollout!], all)[0])).toBe(line);
  });
});
