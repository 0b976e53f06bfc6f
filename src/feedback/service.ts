import type { Kysely, Selectable } from 'kysely';
import type { AuditRecorder } from '../audit/index.js';
import { findAnalysisName } from '../analysis/index.js';
import { AppError } from '../errors.js';
import { newId, type OrgId, type UserId } from '../ids.js';
import {
  ruleById,
  requireItem,
  type StoredItem,
  DEFAULT_SUPPRESS_MIN_RATERS,
  shouldSuppress,
  round,
} from '../insights/index.js';
import { fromJson, toJson } from '../store/json.js';
import type { Database, FeedbackTable } from '../store/schema.js';
import { inTransaction } from '../store/transactions.js';
import { ruleRatings } from './stats.js';

export interface Rater {
  readonly orgId: OrgId;
  readonly userId: UserId;
}

export interface FeedbackView {
  readonly id: string;
  readonly targetType: string;
  readonly targetId: string;
  readonly analysisId: string;
  readonly userId: UserId;
  readonly ruleId: string | null;
  readonly category: string | null;
  readonly priority: string | null;
  readonly recommendationType: string | null;
  readonly rating: number | null;
  readonly implemented: boolean | null;
  readonly effectivenessRating: number | null;
  readonly actualImpact: number | null;
  readonly measuredValue: string | null;
  readonly scores: Record<string, number> | null;
  readonly notes: Record<string, string>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function presentFeedback(row: Selectable<FeedbackTable>): FeedbackView {
  return {
    id: row.id,
    targetType: row.target_type,
    targetId: row.target_id,
    analysisId: row.analysis_id,
    userId: row.user_id as UserId,
    ruleId: row.rule_id,
    category: row.category,
    priority: row.priority,
    recommendationType: row.recommendation_type,
    rating: row.rating,
    implemented: row.implemented === null ? null : row.implemented === 1,
    effectivenessRating: row.effectiveness,
    actualImpact: row.actual_impact,
    measuredValue: row.measured_value,
    scores: fromJson<Record<string, number> | null>(row.scores, null),
    notes: fromJson<Record<string, string>>(row.notes, {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

type FeedbackFields = Omit<
  FeedbackTable,
  'id' | 'org_id' | 'user_id' | 'target_type' | 'target_id' | 'created_at' | 'updated_at'
>;

/** One row per user and target: inserted the first time, updated after. */
async function upsert(
  db: Kysely<Database>,
  rater: Rater,
  target: { type: string; id: string },
  fields: FeedbackFields,
  now: string,
): Promise<{ view: FeedbackView; created: boolean }> {
  const existing = await db
    .selectFrom('feedback')
    .selectAll()
    .where('user_id', '=', rater.userId)
    .where('target_type', '=', target.type)
    .where('target_id', '=', target.id)
    .executeTakeFirst();
  if (existing) {
    await db
      .updateTable('feedback')
      .set({ ...fields, updated_at: now })
      .where('id', '=', existing.id)
      .execute();
    return { view: presentFeedback({ ...existing, ...fields, updated_at: now }), created: false };
  }
  const row = {
    id: newId('fbk'),
    org_id: rater.orgId,
    user_id: rater.userId,
    target_type: target.type,
    target_id: target.id,
    ...fields,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('feedback').values(row).execute();
  return { view: presentFeedback(row), created: true };
}

const notesOf = (notes: Record<string, string | undefined>): string =>
  toJson(
    Object.fromEntries(
      Object.entries(notes).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
    ),
  );

/**
 * After an insight rating: when the rule's ratings (since an admin last
 * restored it) fall to the suppression point, the rule is suppressed for the
 * organisation, in the same transaction, and that is recorded.
 */
async function reconsiderRule(
  db: Kysely<Database>,
  orgId: OrgId,
  ruleId: string,
  now: string,
  minRaters: number,
  audit: AuditRecorder,
): Promise<boolean> {
  const preference = await db
    .selectFrom('rule_preferences')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('rule_id', '=', ruleId)
    .executeTakeFirst();
  if (preference?.suppressed_at) return true;
  const stats = (await ruleRatings(db, orgId, { ruleId, since: preference?.restored_at ?? null })).get(ruleId);
  if (!shouldSuppress(stats, minRaters)) return false;
  await db
    .insertInto('rule_preferences')
    .values({
      org_id: orgId,
      rule_id: ruleId,
      suppressed_at: now,
      restored_at: preference?.restored_at ?? null,
      restored_by: preference?.restored_by ?? null,
    })
    .onConflict((oc) => oc.columns(['org_id', 'rule_id']).doUpdateSet({ suppressed_at: now }))
    .execute();
  await audit.record(db, {
    action: 'insight.rule_suppressed',
    orgId,
    target: { type: 'insight_rule', id: ruleId },
    details: {
      ratings: stats?.count ?? 0,
      raters: stats?.raters ?? 0,
      average: stats ? round(stats.sum / stats.count) : null,
    },
  });
  return true;
}

export async function rateInsight(
  db: Kysely<Database>,
  rater: Rater,
  insightId: string,
  input: { rating: number; comment?: string },
  now: Date,
  audit: AuditRecorder,
  /** Distinct people it takes to suppress a rule (PCA_FEEDBACK_SUPPRESS_MIN_RATERS). */
  minRaters = DEFAULT_SUPPRESS_MIN_RATERS,
): Promise<FeedbackView & { ruleSuppressed: boolean }> {
  return inTransaction(db, async (trx) => {
    const insight = await requireItem(trx, rater.orgId, insightId, 'insight');
    const at = now.toISOString();
    const { view, created } = await upsert(
      trx,
      rater,
      { type: 'insight', id: insight.id },
      {
        analysis_id: insight.analysisId,
        rule_id: insight.ruleId,
        category: insight.category,
        priority: insight.priority,
        recommendation_type: null,
        rating: input.rating,
        implemented: null,
        effectiveness: null,
        actual_impact: null,
        measured_value: null,
        scores: null,
        notes: notesOf({ comment: input.comment }),
      },
      at,
    );
    await audit.record(trx, {
      action: 'feedback.given',
      target: { type: 'insight', id: insight.id, name: insight.ruleId },
      details: { rating: input.rating, updated: !created },
    });
    const ruleSuppressed = await reconsiderRule(trx, rater.orgId, insight.ruleId, at, minRaters, audit);
    return { ...view, ruleSuppressed };
  });
}

export async function unrateInsight(
  db: Kysely<Database>,
  rater: Rater,
  insightId: string,
  audit: AuditRecorder,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const insight = await requireItem(trx, rater.orgId, insightId, 'insight');
    const result = await trx
      .deleteFrom('feedback')
      .where('user_id', '=', rater.userId)
      .where('target_type', '=', 'insight')
      .where('target_id', '=', insight.id)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new AppError('not-found', 'You have not rated this insight.');
    await audit.record(trx, {
      action: 'feedback.removed',
      target: { type: 'insight', id: insight.id, name: insight.ruleId },
    });
  });
}

export interface OutcomeInput {
  readonly implemented: boolean;
  readonly effectivenessRating?: number;
  readonly actualImpact?: number;
  readonly measuredValue?: string;
  readonly comment?: string;
}

export async function reportOutcome(
  db: Kysely<Database>,
  rater: Rater,
  recommendationId: string,
  input: OutcomeInput,
  now: Date,
  audit: AuditRecorder,
): Promise<FeedbackView> {
  if (!input.implemented && input.effectivenessRating !== undefined) {
    throw new AppError('validation', 'Effectiveness can only be rated for an implemented recommendation.', {}, [
      { field: '/body/effectivenessRating', message: 'needs implemented: true' },
    ]);
  }
  return inTransaction(db, async (trx) => {
    const recommendation: StoredItem = await requireItem(trx, rater.orgId, recommendationId, 'recommendation');
    const type = typeof recommendation.payload.type === 'string' ? recommendation.payload.type : null;
    const { view, created } = await upsert(
      trx,
      rater,
      { type: 'recommendation', id: recommendation.id },
      {
        analysis_id: recommendation.analysisId,
        rule_id: recommendation.ruleId,
        category: recommendation.category,
        priority: recommendation.priority,
        recommendation_type: type,
        rating: null,
        implemented: input.implemented ? 1 : 0,
        effectiveness: input.effectivenessRating ?? null,
        actual_impact: input.actualImpact ?? null,
        measured_value: input.measuredValue ?? null,
        scores: null,
        notes: notesOf({ comment: input.comment }),
      },
      now.toISOString(),
    );
    await audit.record(trx, {
      action: 'feedback.given',
      target: { type: 'recommendation', id: recommendation.id, name: type },
      details: {
        implemented: input.implemented,
        effectivenessRating: input.effectivenessRating ?? null,
        actualImpact: input.actualImpact ?? null,
        updated: !created,
      },
    });
    return view;
  });
}

export interface AnalysisRatingInput {
  readonly overall: number;
  readonly usefulness: number;
  readonly accuracy: number;
  readonly actionability: number;
  readonly mostValuable?: string;
  readonly leastValuable?: string;
  readonly missingInsights?: string;
  readonly comment?: string;
}

export async function rateAnalysis(
  db: Kysely<Database>,
  rater: Rater,
  analysisId: string,
  input: AnalysisRatingInput,
  now: Date,
  audit: AuditRecorder,
): Promise<FeedbackView> {
  return inTransaction(db, async (trx) => {
    const analysis = await findAnalysisName(trx, rater.orgId, analysisId);
    if (!analysis) throw new AppError('not-found', 'No such analysis.');
    const scores = {
      overall: input.overall,
      usefulness: input.usefulness,
      accuracy: input.accuracy,
      actionability: input.actionability,
    };
    const { view, created } = await upsert(
      trx,
      rater,
      { type: 'analysis', id: analysis.id },
      {
        analysis_id: analysis.id,
        rule_id: null,
        category: null,
        priority: null,
        recommendation_type: null,
        rating: input.overall,
        implemented: null,
        effectiveness: null,
        actual_impact: null,
        measured_value: null,
        scores: toJson(scores),
        notes: notesOf({
          mostValuable: input.mostValuable,
          leastValuable: input.leastValuable,
          missingInsights: input.missingInsights,
          comment: input.comment,
        }),
      },
      now.toISOString(),
    );
    await audit.record(trx, {
      action: 'feedback.given',
      target: { type: 'analysis', id: analysis.id, name: analysis.name },
      details: { ...scores, updated: !created },
    });
    return view;
  });
}

/** An admin puts a suppressed rule back; only ratings given after this can suppress it again. */
export async function restoreRule(
  db: Kysely<Database>,
  orgId: OrgId,
  ruleId: string,
  by: string,
  now: Date,
  audit: AuditRecorder,
): Promise<void> {
  if (!ruleById(ruleId)) throw new AppError('not-found', 'No such insight rule.');
  await inTransaction(db, async (trx) => {
    const result = await trx
      .updateTable('rule_preferences')
      .set({ suppressed_at: null, restored_at: now.toISOString(), restored_by: by })
      .where('org_id', '=', orgId)
      .where('rule_id', '=', ruleId)
      .where('suppressed_at', 'is not', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new AppError('conflict', 'This rule is not suppressed.');
    await audit.record(trx, { action: 'insight.rule_restored', target: { type: 'insight_rule', id: ruleId } });
  });
}
