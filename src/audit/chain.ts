import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { AuditEventTable, AuditHeadTable } from '../store/schema.js';
import { hmacHex, sha256Hex } from './hmac.js';

/** The `prevHash` of an organisation's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** Format version of the canonical serialisation; part of every hash. */
const VERSION = 'pca-audit-1';

type HashedFields = Omit<Selectable<AuditEventTable>, 'hash'>;

/** The fields an event's hash covers, in order: every field but the hash itself. */
const CANONICAL_FIELDS = [
  'org_id',
  'seq',
  'id',
  'occurred_at',
  'actor_type',
  'actor_id',
  'actor_name',
  'actor_ip',
  'actor_user_agent',
  'action',
  'target_type',
  'target_id',
  'target_name',
  'outcome',
  'reason',
  'severity',
  'request_id',
  'details',
  'prev_hash',
] as const satisfies readonly (keyof HashedFields)[];

/**
 * The bytes an event's hash covers: the version, then the fields in a fixed
 * order, as a JSON array (unambiguous, whatever the values contain).
 */
export function canonicalEvent(row: HashedFields): string {
  return JSON.stringify([
    VERSION,
    ...CANONICAL_FIELDS.map((field) => (field === 'seq' ? Number(row.seq) : row[field])),
  ]);
}

/**
 * The same array built by SQLite's json_array, so verification need not
 * materialise every column; a row whose SQL form does not verify is
 * re-checked from its columns before it is called altered.
 */
export function canonicalEventSql(): RawBuilder<string> {
  return sql<string>`json_array(${VERSION}, ${sql.join(CANONICAL_FIELDS.map((field) => sql.ref(field)))})`;
}

/**
 * Every this many events the chain carries a keyed link. Between two of them
 * an event's hash is the SHA-256 of its canonical form, which covers the hash
 * before it: rewriting any event means rewriting every link up to the next
 * keyed one (or the sealed head), which needs the key. So verification costs
 * one digest an event and one HMAC a checkpoint, and a rewrite is placed
 * within one interval.
 */
export const CHECKPOINT_INTERVAL = 100;

export const isCheckpoint = (seq: number): boolean => seq % CHECKPOINT_INTERVAL === 0;

/** The hash a new event gets: an HMAC at a checkpoint, the SHA-256 digest elsewhere. */
export function eventHash(key: Buffer, row: HashedFields): string {
  const canonical = canonicalEvent(row);
  return isCheckpoint(Number(row.seq)) ? hmacHex(key, canonical) : sha256Hex(canonical);
}

/**
 * How an event's stored hash holds against its canonical form:
 * - `linked`: the bare digest, vouched for by the next keyed link;
 * - `keyed`: the HMAC, as at every checkpoint and on every event written
 *   before checkpoints existed (each of those was keyed), so older chains
 *   verify as they are;
 * - `unsealed`: a checkpoint carrying only the bare digest: the links before
 *   it were recomputed by someone without the key;
 * - `altered`: neither.
 * Accepting either digest is safe: whichever the stored hash is, a rewritten
 * run of events must end in a keyed link, which only the key can make.
 */
export type Seal = 'linked' | 'keyed' | 'unsealed' | 'altered';

export function sealOf(key: Buffer, seq: number, canonical: string | Buffer, stored: string): Seal {
  const checkpoint = isCheckpoint(seq);
  if (!checkpoint && sha256Hex(canonical) === stored) return 'linked';
  if (hmacHex(key, canonical) === stored) return 'keyed';
  return checkpoint && sha256Hex(canonical) === stored ? 'unsealed' : 'altered';
}

type HeadFields = Omit<Selectable<AuditHeadTable>, 'mac'>;

/** Seals the head row, so that moving it back (to hide a truncated tail), or rewriting the links after the last checkpoint, needs the key. */
export function headMac(key: Buffer, head: HeadFields): string {
  return hmacHex(
    key,
    JSON.stringify([
      VERSION,
      'head',
      head.org_id,
      Number(head.seq),
      head.hash,
      Number(head.archived_seq),
      head.archived_hash,
    ]),
  );
}
