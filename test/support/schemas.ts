import { execFileSync } from 'child_process';
import * as path from 'path';

/**
 * Validates synthesized objects against the independent schema packages (newest Kubernetes,
 * Argo Rollouts 1.9, prometheus-operator). Returns one line per problem; [] when all are valid.
 */
export function schemaProblems(objects: readonly unknown[]): string[] {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'validate-schemas.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
  });
  return JSON.parse(out);
}
