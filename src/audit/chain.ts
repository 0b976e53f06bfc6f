import { createHmac } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { AuditEventTable, AuditHeadTable } from '../store/schema.js';

/** The `prevHash` of an organisation's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** Format version of the canonical serialisation; part of every hash. */
const VERSION = 'pca-audit-1';

type HashedFields = Omit<Selectable<AuditEventTable>, 'hash'>;

/**
 * The bytes an event's HMAC covers: every field but the hash itself, in a
 * fixed order, as a JSON array (unambiguous, whatever the values contain).
 */
export function canonicalEvent(row: HashedFields): string {
  return JSON.stringify([
    VERSION,
    row.org_id,
    Number(row.seq),
    row.id,
    row.occurred_at,
    row.actor_type,
    row.actor_id,
    row.actor_name,
    row.actor_ip,
    row.actor_user_agent,
    row.action,
    row.target_type,
    row.target_id,
    row.target_name,
    row.outcome,
    row.reason,
    row.severity,
    row.request_id,
    row.details,
    row.prev_hash,
  ]);
}

export function eventHash(key: Buffer, row: HashedFields): string {
  return createHmac('sha256', key).update(canonicalEvent(row)).digest('hex');
}

type HeadFields = Omit<Selectable<AuditHeadTable>, 'mac'>;

/** Seals the head row, so that moving it back (to hide a truncated tail) needs the key. */
export function headMac(key: Buffer, head: HeadFields): string {
  return createHmac('sha256', key)
    .update(JSON.stringify([VERSION, 'head', head.org_id, Number(head.seq), head.hash, Number(head.archived_seq), head.archived_hash]))
    .digest('hex');
}
