import type { Kysely, Selectable } from 'kysely';
import { AppError } from '../errors.js';
import { fromJson, toJson } from '../store/json.js';
import type { Database, InsightTable } from '../store/schema.js';
import type { GeneratedItem, InsightKind } from './generate.js';
import type { OrgId } from '../ids.js';

export interface StoredItem extends GeneratedItem {
  readonly analysisId: string;
  readonly createdAt: string;
}

export function presentItem(row: Selectable<InsightTable>): StoredItem {
  return {
    id: row.id,
    analysisId: row.analysis_id,
    kind: row.kind as InsightKind,
    ruleId: row.rule_id,
    category: row.category as GeneratedItem['category'],
    priority: row.priority as GeneratedItem['priority'],
    subject: row.subject,
    title: row.title,
    sentence: row.sentence,
    evidence: fromJson(row.evidence, { figures: {}, rows: [] }),
    payload: fromJson(row.payload, {}),
    sourceId: row.source_id,
    rank: row.rank,
    score: row.score,
    suppressed: row.suppressed === 1,
    createdAt: row.created_at,
  };
}

/** Stores an analysis's items in the caller's transaction (the one that stores the analysis). */
export async function storeItems(
  db: Kysely<Database>,
  orgId: OrgId,
  analysisId: string,
  items: readonly GeneratedItem[],
  now: Date,
): Promise<void> {
  const rows = items.map((item) => ({
    id: item.id,
    org_id: orgId,
    analysis_id: analysisId,
    kind: item.kind,
    rule_id: item.ruleId,
    category: item.category,
    priority: item.priority,
    subject: item.subject.slice(0, 500),
    title: item.title.slice(0, 500),
    sentence: item.sentence.slice(0, 2000),
    evidence: toJson(item.evidence),
    payload: toJson(item.payload),
    source_id: item.sourceId,
    rank: item.rank,
    score: item.score,
    suppressed: item.suppressed ? 1 : 0,
    created_at: now.toISOString(),
  }));
  // Batches keep each statement under the drivers' parameter limits.
  for (let start = 0; start < rows.length; start += 100)
    await db
      .insertInto('insights')
      .values(rows.slice(start, start + 100))
      .execute();
}

export async function analysisItems(
  db: Kysely<Database>,
  orgId: OrgId,
  analysisId: string,
  includeSuppressed: boolean,
): Promise<StoredItem[]> {
  let query = db.selectFrom('insights').selectAll().where('org_id', '=', orgId).where('analysis_id', '=', analysisId);
  if (!includeSuppressed) query = query.where('suppressed', '=', 0);
  return (await query.orderBy('kind').orderBy('rank').execute()).map(presentItem);
}

/** One item of the caller's organisation, of the expected kind; anything else is "not found". */
export async function requireItem(
  db: Kysely<Database>,
  orgId: OrgId,
  id: string,
  kind: InsightKind,
): Promise<StoredItem> {
  const row = await db
    .selectFrom('insights')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (!row) throw new AppError('not-found', `No such ${kind}.`);
  return presentItem(row);
}
