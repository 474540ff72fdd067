/**
 * The public API of cdk8s-delivery, by name. Everything else under lib/ is internal; test/api-report.test.ts
 * fails when this list (or any public signature) changes without api/cdk8s-delivery.api.md being updated.
 */
export {
  Cpu, DEFAULT_LABEL_KEYS, DeliveryError, IntOrPercent, Memory, PodSecurity, Probe, Quantity, UpdateStrategy,
  warningsOf,
} from './core';
export type {
  ContainerResources, HttpProbeOptions, LabelKeys, PodSecurityOptions, ProbeKind, ProbeTiming, ResolvedLabelKeys,
  ResourceRange, RollingUpdateOptions, TcpProbeOptions, Track,
} from './core';
export {
  Autoscaler, CanaryDeployment, desiredReplicas, HostIngress, NginxCanary, PodWorkload, ScalingMetric, splitReplicas,
  StableDeployment, TrackDeployment, VersionedService,
} from './workloads';
export type {
  AutoscalerProps, AutoscalingRange, CanaryDeploymentProps, ContainerOptions, ContainerPort, DeploymentUpdateOptions,
  DesiredReplicasInput, HostIngressProps, HostRule, IAutoscalable, ImagePullPolicy, IngressCanaryOptions, IWorkload,
  MetricSpec, PathType, ReplicaSplit, ScaleTarget, ScalingPolicy, ScalingRules, ServicePort, ServiceType,
  StableDeploymentProps, VersionedServiceProps,
} from './workloads';
export {
  AnalysisTemplate, AnalysisTemplateBase, AnalysisUse, CanaryStep, ClusterAnalysisTemplate, Condition,
  ExternalAnalysisTemplate, MetricProvider, parsePromQL, PromQLError, RestartRateAnalysis, Rollout, RolloutStrategy,
  TrafficRouting,
} from './rollouts';
export type {
  AnalysisMetric, AnalysisTemplateProps, ArgDeclaration, ArgDeclarations, ArgsParam, ArgValues, BackgroundAnalysis,
  BlueGreenStrategyOptions, CanaryAction, CanaryScale, CanaryStrategyOptions, EffectiveWeight,
  ExternalAnalysisTemplateProps,
  HeaderMatch, IAnalysisTemplate, JobProviderProps, MetricSummary, MissingResult, NginxRoutingOptions,
  PrometheusProviderProps, PromQLType, ProviderSpec, RequiredArgNames, RestartRateAnalysisProps, ResultShape,
  RolloutProps, ScalarConditionOptions, SecretArgNames, SecretKeyRef, VectorConditionOptions, WebProviderProps,
} from './rollouts';
export { GrafanaDashboard, NatsCredentials, NatsMonitoring, NatsPipeline, NatsServer, PipelineStage } from './nats';
export type {
  DashboardPanel, DashboardQuery, GrafanaDashboardProps, JetStreamOptions, NatsCredsFileOptions,
  NatsMonitoringOptions, NatsMonitoringProps, NatsPipelineMonitoring, NatsPipelineProps,
  NatsSecretCredentialsOptions, NatsServerProps, PipelineStageOptions, PipelineStageProps,
} from './nats';
export {
  checkPolicy, checkWiring, enableWiringChecks, FIXED_SIZE_ANNOTATION, POLICY_RULES, SUPPRESS_ANNOTATION_PREFIX,
  validateSchemas, validateSchemasSync, WiringChecks, WIRING_RULES,
} from './safety';
export type {
  Finding, Manifest, ManifestCheckOptions, PodSecurityLevel, PolicyOptions, SchemaProblem, SchemaSource,
  SchemaValidationOptions, Severity, WiringCheckOptions,
} from './safety';
export { finishOutput, KUSTOMIZATION_FILE, OUTPUT_MARKER, synthesizeApp, ValidationFailedError } from './output';
export type { ChartSummary, SynthesizeOptions, ValidationProblem } from './output';
