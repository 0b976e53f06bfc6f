import { CompiledQuery, sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import { isSqlite } from '../store/dialect.js';
import { newId, type OrgId } from '../ids.js';
import type { AuditEventTable, AuditHeadTable, Database } from '../store/schema.js';
import { GENESIS_HASH, eventHash, headMac } from './chain.js';

/** An event before the chain places it: everything but id, sequence and hashes. */
export type UnchainedEvent = Omit<Selectable<AuditEventTable>, 'id' | 'seq' | 'prev_hash' | 'hash'>;

/** A seal that can never verify: a head found tampered with stays visibly broken. */
const BROKEN_SEAL = 'broken';

type HeadFields = Omit<Selectable<AuditHeadTable>, 'mac'>;

/** The head's seal after a change: a fresh one when its current seal holds, else one that never verifies. */
function resealed(key: Buffer, mac: string, before: HeadFields, after: HeadFields): string {
  return mac === headMac(key, before) ? headMac(key, after) : BROKEN_SEAL;
}

type HeadRow = Omit<Selectable<AuditHeadTable>, 'org_id'>;
type EventRow = Selectable<AuditEventTable>;

const EVENT_COLUMNS = [
  'id',
  'org_id',
  'seq',
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
  'hash',
] as const satisfies readonly (keyof EventRow)[];

interface AppendSql {
  readonly claim: string;
  readonly insert: string;
  readonly advance: string;
}

/**
 * The append path's SQL, compiled once per dialect: every request that
 * changes anything appends, and building a query costs more than running it.
 */
const compiled = new WeakMap<object, AppendSql>();
function appendSql(db: Kysely<Database>): AppendSql {
  const adapter = db.getExecutor().adapter;
  let texts = compiled.get(adapter.constructor);
  if (texts === undefined) {
    const text = (query: RawBuilder<unknown>) => query.compile(db).sql;
    // SQLite has no row locks and needs none: every write transaction begins IMMEDIATE, holding the write lock.
    const lock = isSqlite(db) ? sql`` : sql` for update`;
    texts = {
      claim: text(sql`select seq, hash, archived_seq, archived_hash, mac from audit_heads where org_id = ${''}${lock}`),
      insert: text(
        sql`insert into audit_events (${sql.join(EVENT_COLUMNS.map((column) => sql.id(column)))}) values (${sql.join(EVENT_COLUMNS.map(() => ''))})`,
      ),
      advance: text(sql`update audit_heads set seq = ${0}, hash = ${''}, mac = ${''} where org_id = ${''}`),
    };
    compiled.set(adapter.constructor, texts);
  }
  return texts;
}

const run = <R>(db: Kysely<Database>, text: string, parameters: readonly unknown[]) =>
  db.executeQuery<R>(CompiledQuery.raw(text, [...parameters]));

/** The organisation's head, locked until the caller's transaction ends, so appends to one chain queue up across processes. */
async function lockHead(db: Kysely<Database>, key: Buffer, orgId: string): Promise<HeadRow> {
  const claim = async () => (await run<HeadRow>(db, appendSql(db).claim, [orgId])).rows[0];
  const head = await claim();
  if (head) return head;
  const genesis = { org_id: orgId, seq: 0, hash: GENESIS_HASH, archived_seq: 0, archived_hash: GENESIS_HASH };
  await db
    .insertInto('audit_heads')
    .values({ ...genesis, mac: headMac(key, genesis) })
    .onConflict((oc) => oc.column('org_id').doNothing())
    .execute();
  const created = await claim();
  if (!created) throw new Error(`audit head of ${orgId} could not be created`);
  return created;
}

/**
 * Appends one event to its organisation's chain, inside the caller's
 * transaction: it commits or rolls back together with the change it describes.
 */
export async function appendEvent(
  db: Kysely<Database>,
  key: Buffer,
  event: UnchainedEvent,
): Promise<Selectable<AuditEventTable>> {
  const head = await lockHead(db, key, event.org_id);
  const before = {
    org_id: event.org_id,
    seq: Number(head.seq),
    hash: head.hash,
    archived_seq: head.archived_seq,
    archived_hash: head.archived_hash,
  };
  const seq = before.seq + 1;
  const unhashed = { id: newId('aud'), seq, ...event, prev_hash: head.hash };
  const row: EventRow = { ...unhashed, hash: eventHash(key, unhashed) };
  const texts = appendSql(db);
  await run(
    db,
    texts.insert,
    EVENT_COLUMNS.map((column) => row[column]),
  );
  await run(db, texts.advance, [
    seq,
    row.hash,
    resealed(key, head.mac, before, { ...before, seq, hash: row.hash }),
    event.org_id,
  ]);
  return row;
}

/**
 * Moves the archive anchor after events up to `toSeq` left the table (in the
 * caller's transaction); the head stays sealed, or stays visibly broken.
 */
export async function advanceArchiveAnchor(
  db: Kysely<Database>,
  key: Buffer,
  orgId: OrgId,
  toSeq: number,
  lastHash: string,
): Promise<void> {
  const head = await db
    .updateTable('audit_heads')
    .set((eb) => ({ seq: eb.ref('seq') }))
    .where('org_id', '=', orgId)
    .returning(['seq', 'hash', 'archived_seq', 'archived_hash', 'mac'])
    .executeTakeFirstOrThrow();
  const before = {
    org_id: orgId,
    seq: head.seq,
    hash: head.hash,
    archived_seq: head.archived_seq,
    archived_hash: head.archived_hash,
  };
  await db
    .updateTable('audit_heads')
    .set({
      archived_seq: toSeq,
      archived_hash: lastHash,
      mac: resealed(key, head.mac, before, { ...before, archived_seq: toSeq, archived_hash: lastHash }),
    })
    .where('org_id', '=', orgId)
    .execute();
}
