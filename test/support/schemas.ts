import { validateSchemasSync } from '../../lib';

/**
 * Validates synthesized objects the way `validateSchemas` does (newest Kubernetes, Argo Rollouts
 * 1.9, prometheus-operator, Kubernetes 1.27 kinds, and unknown or misspelt fields anywhere in an
 * object, metadata included). Returns one line per problem; [] when all are valid.
 */
export function schemaProblems(objects: readonly unknown[]): string[] {
  return validateSchemasSync(objects as any[]).map(p => `${p.object}: ${p.source} ${p.message}`);
}
