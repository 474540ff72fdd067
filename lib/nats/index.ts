// A NATS server, the pipeline stages that talk to it, and their monitoring.
export { NatsServer } from './nats-server';
export type { JetStreamOptions, NatsServerPodOptions, NatsServerProps } from './nats-server';
export { NatsCredentials, PipelineStage } from './pipeline-stage';
export type {
  NatsCredsFileOptions,
  NatsSecretCredentialsOptions,
  PipelineStageOptions,
  PipelineStageProps,
} from './pipeline-stage';
export { NatsMonitoring } from './nats-monitoring';
export type { NatsMonitoringOptions, NatsMonitoringProps } from './nats-monitoring';
export { GrafanaDashboard } from './grafana-dashboard';
export type { DashboardPanel, DashboardQuery, GrafanaDashboardProps } from './grafana-dashboard';
export { NatsPipeline } from './nats-pipeline';
export type { NatsPipelineMonitoring, NatsPipelineProps } from './nats-pipeline';
