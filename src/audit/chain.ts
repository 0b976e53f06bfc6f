import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { AuditEventTable, AuditHeadTable } from '../store/schema.js';
import { hmacHex } from './hmac.js';

/** The `prevHash` of an organisation's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** Format version of the canonical serialisation; part of every hash. */
const VERSION = 'pca-audit-1';

type HashedFields = Omit<Selectable<AuditEventTable>, 'hash'>;

/** The fields an event's HMAC covers, in order: every field but the hash itself. */
const CANONICAL_FIELDS = [
  'org_id', 'seq', 'id', 'occurred_at', 'actor_type', 'actor_id', 'actor_name', 'actor_ip', 'actor_user_agent', 'action',
  'target_type', 'target_id', 'target_name', 'outcome', 'reason', 'severity', 'request_id', 'details', 'prev_hash',
] as const satisfies readonly (keyof HashedFields)[];

/**
 * The bytes an event's HMAC covers: the version, then the fields in a fixed
 * order, as a JSON array (unambiguous, whatever the values contain).
 */
export function canonicalEvent(row: HashedFields): string {
  return JSON.stringify([VERSION, ...CANONICAL_FIELDS.map((field) => (field === 'seq' ? Number(row.seq) : row[field]))]);
}

/**
 * The same array built by SQLite's json_array, so verification need not
 * materialise every column; a row whose SQL form does not verify is
 * re-checked from its columns before it is called altered.
 */
export function canonicalEventSql(): RawBuilder<string> {
  return sql<string>`json_array(${VERSION}, ${sql.join(CANONICAL_FIELDS.map((field) => sql.ref(field)))})`;
}

export function eventHash(key: Buffer, row: HashedFields): string {
  return hmacHex(key, canonicalEvent(row));
}

type HeadFields = Omit<Selectable<AuditHeadTable>, 'mac'>;

/** Seals the head row, so that moving it back (to hide a truncated tail) needs the key. */
export function headMac(key: Buffer, head: HeadFields): string {
  return hmacHex(key, JSON.stringify([VERSION, 'head', head.org_id, Number(head.seq), head.hash, Number(head.archived_seq), head.archived_hash]));
}
