import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { inTransaction } from '../store/transactions.js';
import { appendEvent } from './append.js';
import { severityFor, type AuditAction } from './catalog.js';
import { canonicalDetails, type AuditActor, type AuditEntry } from './event.js';
import type { OrgId } from '../ids.js';

/** What appending needs, built once per process. The key never reaches the database. */
export interface AuditLog {
  readonly key: Buffer;
  readonly clock: () => Date;
  /**
   * The platform's organisation, resolved once at start (after bootstrap):
   * events that name no organisation of their own are recorded there.
   */
  readonly platformOrgId?: OrgId;
}

/** Writes events for one origin (a request, a CLI command, the scheduler) into the caller's transaction. */
export interface AuditRecorder {
  record(db: Kysely<Database>, entry: AuditEntry): Promise<void>;
  /** Successful events written by this recorder. */
  readonly successes: number;
  /** Refusal and failure events written by this recorder. */
  readonly refusals: number;
}

export interface AuditOrigin {
  /** Read when an event is written: a request's principal is known only after authentication. */
  readonly actor: () => AuditActor;
  readonly orgId: () => string | undefined;
  readonly requestId: string | null;
  /** The actions this origin may record (a route's declaration); any when absent. */
  readonly declared?: readonly AuditAction[];
}

const MAX_FIELD = 512;
/** Client-supplied headers are kept short: enough to recognise a client, not to store what it chose to send. */
const MAX_HEADER = 200;
const cut = (value: string | null | undefined, max = MAX_FIELD): string | null =>
  value === null || value === undefined ? null : value.length > max ? value.slice(0, max) : value;

export function auditRecorder(log: AuditLog, origin: AuditOrigin): AuditRecorder {
  let successes = 0;
  let refusals = 0;
  return {
    get successes() {
      return successes;
    },
    get refusals() {
      return refusals;
    },
    async record(db, entry) {
      if (origin.declared && !origin.declared.includes(entry.action)) {
        throw new Error(`audit action ${entry.action} is not declared by this route`);
      }
      const orgId = entry.orgId ?? origin.orgId() ?? log.platformOrgId;
      if (orgId === undefined) throw new Error('audit event without an organisation');
      const actor = origin.actor();
      const outcome = entry.outcome ?? 'success';
      const event = {
        org_id: orgId,
        occurred_at: log.clock().toISOString(),
        actor_type: entry.actor?.type ?? actor.type,
        actor_id: cut(entry.actor?.id !== undefined ? entry.actor.id : actor.id),
        actor_name: cut(entry.actor?.name !== undefined ? entry.actor.name : actor.name),
        actor_ip: cut(actor.ip, 64),
        actor_user_agent: cut(actor.userAgent, MAX_HEADER),
        action: entry.action,
        target_type: cut(entry.target?.type),
        target_id: cut(entry.target?.id),
        target_name: cut(entry.target?.name),
        outcome,
        reason: cut(entry.reason),
        severity: entry.severity ?? severityFor(entry.action, outcome),
        request_id: origin.requestId,
        details: canonicalDetails(entry.details),
      };
      await inTransaction(db, (trx) => appendEvent(trx, log.key, event));
      if (outcome === 'success') successes += 1;
      else refusals += 1;
    },
  };
}

/** A recorder for work no request started: CLI commands, the scheduler, bootstrap. */
export function systemRecorder(log: AuditLog, name: string, orgId?: OrgId): AuditRecorder {
  return auditRecorder(log, {
    actor: () => ({ type: 'system', id: null, name, ip: null, userAgent: null }),
    orgId: () => orgId,
    requestId: null,
  });
}

/** Runs a change and records the event describing its result in the same transaction. */
export function withAudit<T>(
  db: Kysely<Database>,
  audit: AuditRecorder,
  change: (trx: Kysely<Database>) => Promise<T>,
  describe: (result: T) => AuditEntry,
): Promise<T> {
  return inTransaction(db, async (trx) => {
    const result = await change(trx);
    await audit.record(trx, describe(result));
    return result;
  });
}
