import { BadInput } from '../bad-input-kit';

/** Bad inputs for Rollout, CanaryStep, AnalysisTemplate, RestartRateAnalysis. */
export const ROLLOUT_ROWS: readonly BadInput[] = [
];
