import { BadInput } from '../bad-input-kit';

/** Bad inputs for NatsServer, PipelineStage, NatsPipeline, NatsMonitoring, GrafanaDashboard. */
export const NATS_ROWS: readonly BadInput[] = [
];
