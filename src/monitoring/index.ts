/** The public face of monitoring/: what other folders may import from it (docs/ARCHITECTURE.md, "Who may import whom"). */
export type { Alert } from './alerts/alerts.js';
export { getChannel, notifyChannels, postToChannel } from './alerts/channels.js';
export type { EgressPolicy } from './alerts/egress.js';
export { instanceMetrics, startAlertEvaluator } from './alerts/evaluator.js';
export type { AlertEvaluator } from './alerts/evaluator.js';
export { diskSpaceCheck, duckdbCheck, schedulerCheck, storeCheck } from './core-checks.js';
export { HealthRegistry } from './health.js';
export { createMetrics, registerAuditEventsGauge, registerWorkerPoolGauges } from './metrics.js';
export type { Metrics } from './metrics.js';
export { OrgRequestStats, RequestStats } from './request-stats.js';
export { startSystemSampler } from './system.js';
export type { SystemSampler } from './system.js';
