import type { Kysely, Selectable } from 'kysely';
import type { AuditEventTable, Database } from '../store/schema.js';
import type { OrgId } from '../ids.js';

/** What a reader of the trail sees of an event: enough to raise an alert, nothing of its details. */
export const EVENT_SUMMARY_COLUMNS = [
  'seq',
  'occurred_at',
  'action',
  'target_id',
  'target_name',
  'actor_ip',
  'reason',
] as const;
export type EventSummary = Pick<Selectable<AuditEventTable>, (typeof EVENT_SUMMARY_COLUMNS)[number]>;

/** Every organisation's trail head beside where the named reader stopped (0 when it never read). */
export async function headsAndCursors(
  db: Kysely<Database>,
  cursor: string,
): Promise<{ readonly orgId: OrgId; readonly seq: number; readonly cursor: number }[]> {
  const rows = await db
    .selectFrom('audit_heads')
    .leftJoin('audit_cursors', (join) =>
      join.onRef('audit_cursors.org_id', '=', 'audit_heads.org_id').on('audit_cursors.name', '=', cursor),
    )
    .select(['audit_heads.org_id', 'audit_heads.seq', 'audit_cursors.seq as cursor'])
    .execute();
  return rows.map((row) => ({ orgId: row.org_id as OrgId, seq: Number(row.seq), cursor: Number(row.cursor ?? 0) }));
}

/** An organisation's events of some actions after a sequence number, oldest first, at most `limit`. */
export function eventsAfter(
  db: Kysely<Database>,
  orgId: OrgId,
  afterSeq: number,
  actions: readonly string[],
  limit: number,
): Promise<EventSummary[]> {
  return db
    .selectFrom('audit_events')
    .select(EVENT_SUMMARY_COLUMNS)
    .where('org_id', '=', orgId)
    .where('seq', '>', afterSeq)
    .where('action', 'in', actions)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/** An organisation's events of one action that occurred after a time, up to a sequence number. */
export function eventsSince(
  db: Kysely<Database>,
  orgId: OrgId,
  action: string,
  occurredAfter: string,
  upToSeq: number,
): Promise<EventSummary[]> {
  return db
    .selectFrom('audit_events')
    .select(EVENT_SUMMARY_COLUMNS)
    .where('org_id', '=', orgId)
    .where('action', '=', action)
    .where('occurred_at', '>', occurredAfter)
    .where('seq', '<=', upToSeq)
    .execute();
}

/** Moves the named reader's cursor, in the caller's transaction (with what it did with the events). */
export async function advanceCursor(trx: Kysely<Database>, cursor: string, orgId: OrgId, seq: number): Promise<void> {
  await trx
    .insertInto('audit_cursors')
    .values({ name: cursor, org_id: orgId, seq })
    .onConflict((oc) => oc.columns(['name', 'org_id']).doUpdateSet({ seq }))
    .execute();
}

/** Events ever appended, over every organisation (archived ones included: heads count them). */
export async function totalEvents(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('audit_heads')
    .select((eb) => eb.fn.sum<number | null>('seq').as('total'))
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}
