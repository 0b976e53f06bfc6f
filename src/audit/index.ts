/** The public face of audit/: what other folders may import from it (docs/ARCHITECTURE.md, "Who may import whom"). */
export { archiveExpiredEvents } from './archive.js';
export type { AuditAction } from './catalog.js';
export { advanceCursor, eventsAfter, eventsSince, headsAndCursors, totalEvents } from './cursors.js';
export type { EventSummary } from './cursors.js';
export { changesBetween } from './event.js';
export { auditOf, installAuditHooks } from './http.js';
export type { AnonymousRefusal, RouteAudit } from './http.js';
export { loadAuditKey } from './key.js';
export { systemRecorder, withAudit } from './recorder.js';
export type { AuditLog, AuditRecorder } from './recorder.js';
export { auditedOrganizations, verifyChain } from './verify.js';
export type { VerifyResult } from './verify.js';
