// Checks over manifests and whole apps: wiring, Pod Security and hygiene policy, schemas. The whole-app checks run by
// themselves.
export { SUPPRESS_ANNOTATION_PREFIX } from './findings';
export type { Finding, Manifest, ManifestCheckOptions, Severity } from './findings';
export { FIXED_SIZE_ANNOTATION, POLICY_RULES, WIRING_RULES } from './rules';
export { checkWiring, enableWiringChecks, WiringChecks } from './wiring-checks';
export type { WiringCheckOptions } from './wiring-checks';
export { checkPolicy } from './policy-checker';
export type { PodSecurityLevel, PolicyOptions } from './policy-checker';
export { validateSchemas, validateSchemasSync } from './schema-validation';
export type { SchemaProblem, SchemaSource, SchemaValidationOptions } from './schema-validation';
