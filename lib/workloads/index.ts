// Deployments on the stable and canary tracks, the Services and Ingresses in front of them, and their autoscaling.
export type { ContainerOptions, ContainerPort, ImagePullPolicy, IWorkload } from './workload';
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
export type { DesiredReplicasInput } from './hpa-math';
export { VersionedService } from './versioned-service';
export type { ServicePort, ServiceType, VersionedServiceProps } from './versioned-service';
export { HostIngress, NginxCanary } from './host-ingress';
export type { HostIngressProps, HostRule, IngressCanaryOptions, PathType } from './host-ingress';
export { Autoscaler, ScalingMetric } from './autoscaler';
export type {
  AutoscalerProps,
  AutoscalingRange,
  IAutoscalable,
  MetricSpec,
  ScaleTarget,
  ScalingPolicy,
  ScalingRules,
} from './autoscaler';
