import type { Kysely, Selectable } from 'kysely';
import { AppError } from '../errors.js';
import { newId, type Id, type OrgId, type UserId } from '../ids.js';
import { fromJson, toJson } from '../store/json.js';
import { decodeCursor, pastCursor, toPage, type Page } from '../store/pagination.js';
import type { AskQuestionTable, Database } from '../store/schema.js';
import type { Answer } from './answer.js';
import { describeColumns } from './columns.js';
import { words } from './text.js';

export type AskQuestionId = Id<'ask'>;
export type AskRating = 'useful' | 'wrong';
export type AskOutcome = 'answered' | 'clarification' | 'unreadable';

/** A stored answer keeps its first rows: enough for a reviewer to see what was shown, bounded in size. */
const STORED_ROWS = 50;

export interface AskScopeRef {
  readonly datasetIds?: readonly string[];
  readonly analysisId?: string;
}

export interface AskRecord {
  readonly id: string;
  readonly userId: UserId;
  readonly question: string;
  readonly scope: AskScopeRef;
  readonly outcome: AskOutcome;
  readonly interpretation: string | null;
  readonly query: Record<string, unknown> | null;
  readonly answer: Answer | null;
  readonly createdAt: string;
  readonly rating: AskRating | null;
  readonly comment: string | null;
  readonly correction: string | null;
  readonly ratedAt: string | null;
}

/** The question in one normal form: case, accents, punctuation and spacing do not make another question. */
export function questionKey(question: string): string {
  return words(question)
    .filter((word) => word !== '?')
    .join(' ');
}

/** A query in one normal form (keys sorted at every level): two readings are the same when their keys are. */
export function queryKey(query: object): string {
  const sorted = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sorted)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value as Record<string, unknown>)
              .filter(([, entry]) => entry !== undefined)
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([key, entry]) => [key, sorted(entry)]),
          )
        : value;
  return JSON.stringify(sorted(query));
}

/** An answer as stored: those stored before columns carried labels have none, and are described from their keys. */
function storedAnswer(json: string | null): Answer | null {
  const answer = fromJson<(Omit<Answer, 'fields'> & { fields?: Answer['fields'] }) | null>(json, null);
  return answer && { ...answer, fields: answer.fields ?? describeColumns(answer.columns) };
}

function present(row: Selectable<AskQuestionTable>): AskRecord {
  return {
    id: row.id,
    userId: row.user_id as UserId,
    question: row.question,
    scope: fromJson<AskScopeRef>(row.scope, {}),
    outcome: row.outcome as AskOutcome,
    interpretation: row.interpretation,
    query: fromJson<Record<string, unknown> | null>(row.query, null),
    answer: storedAnswer(row.answer),
    createdAt: row.created_at,
    rating: row.rating as AskRating | null,
    comment: row.comment,
    correction: row.correction,
    ratedAt: row.rated_at,
  };
}

export interface NewAskRecord {
  readonly orgId: OrgId;
  readonly userId: UserId;
  readonly question: string;
  readonly scope: AskScopeRef;
  readonly outcome: AskOutcome;
  readonly interpretation: string | null;
  readonly query: object | null;
  readonly answer: Answer | undefined;
  readonly now: Date;
}

export async function recordQuestion(db: Kysely<Database>, record: NewAskRecord): Promise<AskQuestionId> {
  const id = newId('ask');
  const answer = record.answer ? { ...record.answer, rows: record.answer.rows.slice(0, STORED_ROWS) } : null;
  await db
    .insertInto('ask_questions')
    .values({
      id,
      org_id: record.orgId,
      user_id: record.userId,
      question: record.question,
      question_key: questionKey(record.question),
      scope: toJson(record.scope),
      outcome: record.outcome,
      interpretation: record.interpretation,
      query: record.query ? toJson(record.query) : null,
      query_key: record.query ? queryKey(record.query) : null,
      answer: answer ? toJson(answer) : null,
      created_at: record.now.toISOString(),
      rating: null,
      comment: null,
      correction: null,
      rated_at: null,
    })
    .execute();
  return id;
}

/** One of the caller's own questions; anyone else's (same organisation or not) is not found. */
export async function ownQuestion(db: Kysely<Database>, orgId: OrgId, userId: UserId, id: string): Promise<AskRecord> {
  const row = await db
    .selectFrom('ask_questions')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row) throw new AppError('not-found', 'No such question.');
  return present(row);
}

export interface RatingChange {
  readonly rating: AskRating;
  readonly comment: string | null;
  readonly correction: string | null;
  readonly now: Date;
}

export async function storeRating(db: Kysely<Database>, orgId: OrgId, id: string, change: RatingChange): Promise<void> {
  await db
    .updateTable('ask_questions')
    .set({
      rating: change.rating,
      comment: change.comment,
      correction: change.correction,
      rated_at: change.now.toISOString(),
    })
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .execute();
}

/** The newest correction a colleague gave for this question in the organisation, if any. */
export async function correctionFor(
  db: Kysely<Database>,
  orgId: OrgId,
  question: string,
): Promise<{ id: string; correction: string } | undefined> {
  const row = await db
    .selectFrom('ask_questions')
    .select(['id', 'correction'])
    .where('org_id', '=', orgId)
    .where('question_key', '=', questionKey(question))
    .where('rating', '=', 'wrong')
    .where('correction', 'is not', null)
    .orderBy('rated_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.correction ? { id: row.id, correction: row.correction } : undefined;
}

export interface WrongReports {
  readonly count: number;
  /** The newest comments, at most three. */
  readonly comments: string[];
}

/** How often this exact reading was rated wrong in the organisation, and what the raters said. */
export async function wrongReportsFor(
  db: Kysely<Database>,
  orgId: OrgId,
  query: object,
): Promise<WrongReports | undefined> {
  const rows = await db
    .selectFrom('ask_questions')
    .select(['comment'])
    .where('org_id', '=', orgId)
    .where('query_key', '=', queryKey(query))
    .where('rating', '=', 'wrong')
    .orderBy('rated_at', 'desc')
    .limit(100)
    .execute();
  if (rows.length === 0) return undefined;
  return { count: rows.length, comments: rows.flatMap((row) => (row.comment ? [row.comment] : [])).slice(0, 3) };
}

export interface ListOptions {
  readonly limit: number;
  readonly cursor?: string;
}

/** The caller's own questions, newest first. */
export async function userHistory(
  db: Kysely<Database>,
  orgId: OrgId,
  userId: UserId,
  options: ListOptions,
): Promise<Page<AskRecord>> {
  const cursor = decodeCursor(options.cursor);
  let query = db.selectFrom('ask_questions').selectAll().where('org_id', '=', orgId).where('user_id', '=', userId);
  if (cursor) query = query.where(pastCursor(cursor, 'desc'));
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  return toPage(rows, options.limit, (row) => row.created_at, present);
}

/** The organisation's rated answers of one rating (wrong ones for review), newest question first. */
export async function ratedAnswers(
  db: Kysely<Database>,
  orgId: OrgId,
  rating: AskRating,
  options: ListOptions,
): Promise<Page<AskRecord>> {
  const cursor = decodeCursor(options.cursor);
  let query = db.selectFrom('ask_questions').selectAll().where('org_id', '=', orgId).where('rating', '=', rating);
  if (cursor) query = query.where(pastCursor(cursor, 'desc'));
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  return toPage(rows, options.limit, (row) => row.created_at, present);
}

/** Removes the organisation's questions asked before `before` (retention); returns how many. */
export async function deleteQuestionsBefore(db: Kysely<Database>, orgId: OrgId, before: string): Promise<number> {
  const result = await db
    .deleteFrom('ask_questions')
    .where('org_id', '=', orgId)
    .where('created_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
