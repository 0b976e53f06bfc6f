import type { Insertable, Kysely, Selectable } from 'kysely';
import { newId } from '../ids.js';
import type { AuditEventTable, Database } from '../store/schema.js';
import { GENESIS_HASH, eventHash, headMac } from './chain.js';

/** An event before the chain places it: everything but sequence and hashes. */
export type UnchainedEvent = Omit<Insertable<AuditEventTable>, 'id' | 'seq' | 'prev_hash' | 'hash'>;

/** A seal that can never verify: a head found tampered with stays visibly broken. */
const BROKEN_SEAL = 'broken';

async function claimNextSeq(db: Kysely<Database>, key: Buffer, orgId: string) {
  // Raising seq first takes the head's row lock (PostgreSQL) or the write lock (SQLite),
  // so appends to one organisation's chain queue up, across processes too.
  const bump = () =>
    db
      .updateTable('audit_heads')
      .set((eb) => ({ seq: eb('seq', '+', 1) }))
      .where('org_id', '=', orgId)
      .returning(['seq', 'hash', 'archived_seq', 'archived_hash', 'mac'])
      .executeTakeFirst();
  const head = await bump();
  if (head) return head;
  const genesis = { org_id: orgId, seq: 0, hash: GENESIS_HASH, archived_seq: 0, archived_hash: GENESIS_HASH };
  await db
    .insertInto('audit_heads')
    .values({ ...genesis, mac: headMac(key, genesis) })
    .onConflict((oc) => oc.column('org_id').doNothing())
    .execute();
  const created = await bump();
  if (!created) throw new Error(`audit head of ${orgId} could not be created`);
  return created;
}

/**
 * Appends one event to its organisation's chain, inside the caller's
 * transaction: it commits or rolls back together with the change it describes.
 */
export async function appendEvent(db: Kysely<Database>, key: Buffer, event: UnchainedEvent): Promise<Selectable<AuditEventTable>> {
  const head = await claimNextSeq(db, key, event.org_id);
  const seq = Number(head.seq);
  const sealed =
    head.mac === headMac(key, { org_id: event.org_id, seq: seq - 1, hash: head.hash, archived_seq: head.archived_seq, archived_hash: head.archived_hash });
  const unhashed = {
    id: newId('aud'),
    seq,
    ...event,
    actor_id: event.actor_id ?? null,
    actor_name: event.actor_name ?? null,
    actor_ip: event.actor_ip ?? null,
    actor_user_agent: event.actor_user_agent ?? null,
    target_type: event.target_type ?? null,
    target_id: event.target_id ?? null,
    target_name: event.target_name ?? null,
    reason: event.reason ?? null,
    request_id: event.request_id ?? null,
    prev_hash: head.hash,
  };
  const row = { ...unhashed, hash: eventHash(key, unhashed) };
  await db.insertInto('audit_events').values(row).execute();
  const next = { org_id: event.org_id, seq, hash: row.hash, archived_seq: head.archived_seq, archived_hash: head.archived_hash };
  await db
    .updateTable('audit_heads')
    .set({ hash: row.hash, mac: sealed ? headMac(key, next) : BROKEN_SEAL })
    .where('org_id', '=', event.org_id)
    .execute();
  return row;
}

/**
 * Moves the archive anchor after events up to `toSeq` left the table (in the
 * caller's transaction); the head stays sealed, or stays visibly broken.
 */
export async function advanceArchiveAnchor(db: Kysely<Database>, key: Buffer, orgId: string, toSeq: number, lastHash: string): Promise<void> {
  const head = await db
    .updateTable('audit_heads')
    .set((eb) => ({ seq: eb.ref('seq') }))
    .where('org_id', '=', orgId)
    .returning(['seq', 'hash', 'archived_seq', 'archived_hash', 'mac'])
    .executeTakeFirstOrThrow();
  const sealed = head.mac === headMac(key, { org_id: orgId, ...head });
  const next = { org_id: orgId, seq: head.seq, hash: head.hash, archived_seq: toSeq, archived_hash: lastHash };
  await db
    .updateTable('audit_heads')
    .set({ archived_seq: toSeq, archived_hash: lastHash, mac: sealed ? headMac(key, next) : BROKEN_SEAL })
    .where('org_id', '=', orgId)
    .execute();
}
