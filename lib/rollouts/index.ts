// Argo Rollouts: the Rollout, its canary steps and traffic routing, and analysis gated by Prometheus, web or job
// metrics.
export { Rollout, RolloutStrategy, TrafficRouting } from './rollout';
export type {
  BackgroundAnalysis,
  BlueGreenStrategyOptions,
  CanaryStrategyOptions,
  EffectiveWeight,
  GatewayApiRoutingOptions,
  NginxRoutingOptions,
  RolloutProps,
} from './rollout';
export { CanaryStep } from './canary-step';
export type { CanaryAction, CanaryScale, HeaderMatch } from './canary-step';
export {
  AnalysisTemplate,
  AnalysisTemplateBase,
  AnalysisUse,
  ClusterAnalysisTemplate,
  ExternalAnalysisTemplate,
} from './analysis-template';
export type {
  AnalysisMetric,
  AnalysisTemplateProps,
  ArgDeclaration,
  ArgDeclarations,
  ArgsParam,
  ArgValues,
  ExternalAnalysisTemplateProps,
  IAnalysisTemplate,
  MetricSummary,
  NoArgs,
  RequiredArgNames,
  SecretArgNames,
  SecretKeyRef,
} from './analysis-template';
export { Condition, MetricProvider } from './analysis-metric';
export type {
  JobProviderProps,
  MissingResult,
  PrometheusProviderProps,
  ProviderSpec,
  ResultShape,
  ScalarConditionOptions,
  VectorConditionOptions,
  WebProviderProps,
} from './analysis-metric';
export { parsePromQL, PromQLError } from './promql';
export type { PromQLType } from './promql';
export { RestartRateAnalysis } from './restart-rate-analysis';
export type { RestartRateAnalysisProps } from './restart-rate-analysis';
