// Writing an app to disk: the safe synthesis, its YAML and the GitOps finish (document markers, kustomization).
export { OUTPUT_MARKER, synthesizeApp, ValidationFailedError } from './synthesize';
export type { ChartSummary, SynthesizeOptions, ValidationProblem } from './synthesize';
export { finishOutput, KUSTOMIZATION_FILE } from './kustomization';
