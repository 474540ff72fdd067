// Deployments on the stable and canary tracks, the Services and Ingresses in front of them, and their autoscaling.
export type { ContainerOptions, ContainerPort, ImagePullPolicy, IWorkload, WorkloadOptions } from './workload';
export type {
  EnvVarValue,
  ExtraContainer,
  ExtraContainerPort,
  PodMetadata,
  PodOptions,
  Toleration,
  TopologySpread,
  VolumeMount,
} from './pod-spec';
export { DisruptionBudget } from './disruption-budget';
export type { DisruptionBudgetOptions, DisruptionBudgetProps } from './disruption-budget';
export { PodWorkload } from './pod-workload';
export { TrackDeployment } from './track-deployment';
export type { DeploymentUpdateOptions } from './track-deployment';
export { StableDeployment } from './stable-deployment';
export type { StableDeploymentProps } from './stable-deployment';
export { CanaryDeployment } from './canary-deployment';
export type { CanaryDeploymentProps } from './canary-deployment';
export { splitReplicas } from './replica-split';
export type { ReplicaSplit } from './replica-split';
export { desiredReplicas } from './hpa-math';
export type {
  DesiredReplicasInput,
  HpaBehavior,
  HpaPolicy,
  HpaRecommendation,
  HpaRules,
  HpaScaleEvent,
} from './hpa-math';
export { VersionedService } from './versioned-service';
export type { ServableWorkload, ServicePort, ServiceType, VersionedServiceProps } from './versioned-service';
export { HostIngress, NginxCanary } from './host-ingress';
export type { HostIngressProps, HostRule, IngressCanaryOptions, PathType } from './host-ingress';
export { Autoscaler, ScalingMetric } from './autoscaler';
export type {
  AutoscalerProps,
  AutoscalingRange,
  ContainerRequests,
  IAutoscalable,
  MetricSpec,
  ScaleTarget,
  ScalingPolicy,
  ScalingRules,
} from './autoscaler';
