// Errors, labels, quantities, probes, update strategies and pod security: the values every construct shares.
export { DeliveryError } from './errors';
export { DEFAULT_LABEL_KEYS } from './labels';
export type { LabelKeys, ResolvedLabelKeys, Track } from './labels';
export { Cpu, Memory, Quantity } from './quantity';
export type { ContainerResources, ResourceRange } from './quantity';
export { Probe } from './probe';
export type { HttpProbeOptions, ProbeKind, ProbeTiming, TcpProbeOptions } from './probe';
export { IntOrPercent, UpdateStrategy } from './update-strategy';
export type { RollingUpdateOptions } from './update-strategy';
export { PodSecurity } from './pod-security';
export { PodVolume } from './pod-volume';
export type { EmptyDirOptions, ProjectedVolumeOptions, ServiceAccountTokenProjection } from './pod-volume';
export type { PodSecurityOptions } from './pod-security';
export { warningsOf } from './warnings';
