import { BadInput } from '../bad-input-kit';

/** Bad inputs for StableDeployment, CanaryDeployment, VersionedService, HostIngress, Autoscaler and the shared pod template. */
export const WORKLOAD_ROWS: readonly BadInput[] = [
];
