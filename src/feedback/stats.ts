import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import {
  type FeedbackContext,
  type CategoryGuidance,
  type OutcomeStats,
  type RuleRatingStats,
  round,
} from '../insights/index.js';
import type { OrgId } from '../ids.js';

/** Insight ratings per rule in one organisation (ratings updated after a restore only, for `since`), with each person's share. */
export async function ruleRatings(
  db: Kysely<Database>,
  orgId: OrgId,
  options: { ruleId?: string; since?: string | null } = {},
): Promise<Map<string, RuleRatingStats>> {
  let query = db
    .selectFrom('feedback')
    .select([
      'rule_id',
      'user_id',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.sum<number>('rating').as('total'),
    ])
    .where('org_id', '=', orgId)
    .where('target_type', '=', 'insight')
    .where('rating', 'is not', null)
    .groupBy(['rule_id', 'user_id']);
  if (options.ruleId !== undefined) query = query.where('rule_id', '=', options.ruleId);
  if (options.since) query = query.where('updated_at', '>', options.since);
  const byRule = new Map<string, { count: number; sum: number; raters: number; personMeans: number }>();
  for (const row of await query.execute()) {
    const key = row.rule_id ?? '';
    const n = Number(row.n);
    const total = Number(row.total);
    const entry = byRule.get(key) ?? { count: 0, sum: 0, raters: 0, personMeans: 0 };
    byRule.set(key, {
      count: entry.count + n,
      sum: entry.sum + total,
      raters: entry.raters + 1,
      personMeans: entry.personMeans + total / n,
    });
  }
  return new Map(
    [...byRule].map(([rule, entry]) => [
      rule,
      { count: entry.count, sum: entry.sum, raters: entry.raters, personMean: entry.personMeans / entry.raters },
    ]),
  );
}

/** Reported outcomes per recommendation type in one organisation. */
export async function recommendationOutcomes(db: Kysely<Database>, orgId: OrgId): Promise<Map<string, OutcomeStats>> {
  const rows = await db
    .selectFrom('feedback')
    .select([
      'recommendation_type',
      (eb) => eb.fn.countAll<number>().as('reported'),
      (eb) => eb.fn.sum<number>('implemented').as('implemented'),
      (eb) => eb.fn.count<number>('effectiveness').as('rated'),
      (eb) => eb.fn.sum<number>('effectiveness').as('effectiveness'),
    ])
    .where('org_id', '=', orgId)
    .where('target_type', '=', 'recommendation')
    .groupBy('recommendation_type')
    .execute();
  return new Map(
    rows.map((row) => [
      row.recommendation_type ?? '',
      {
        reported: Number(row.reported),
        implemented: Number(row.implemented ?? 0),
        effectiveness: { count: Number(row.rated), sum: Number(row.effectiveness ?? 0) },
      },
    ]),
  );
}

/** Rules the organisation's feedback has suppressed (and no admin has restored since). */
export async function suppressedRules(db: Kysely<Database>, orgId: OrgId): Promise<Set<string>> {
  const rows = await db
    .selectFrom('rule_preferences')
    .select('rule_id')
    .where('org_id', '=', orgId)
    .where('suppressed_at', 'is not', null)
    .execute();
  return new Set(rows.map((row) => row.rule_id));
}

/** Everything generation needs to know about the organisation's feedback. */
export async function feedbackContext(db: Kysely<Database>, orgId: OrgId): Promise<FeedbackContext> {
  const [ratings, outcomes, suppressed] = await Promise.all([
    ruleRatings(db, orgId),
    recommendationOutcomes(db, orgId),
    suppressedRules(db, orgId),
  ]);
  return { ruleRatings: ratings, outcomes, suppressed };
}

/** Average insight rating per category (with 3+ ratings): the guidance an LLM summary is given. */
export async function categoryGuidance(db: Kysely<Database>, orgId: OrgId): Promise<CategoryGuidance[]> {
  const rows = await db
    .selectFrom('feedback')
    .select(['category', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.avg<number>('rating').as('average')])
    .where('org_id', '=', orgId)
    .where('target_type', '=', 'insight')
    .where('rating', 'is not', null)
    .groupBy('category')
    .execute();
  return rows
    .filter((row) => row.category !== null && Number(row.n) >= 3)
    .map((row) => ({ category: row.category!, ratings: Number(row.n), average: round(Number(row.average)) }))
    .sort((a, b) => b.average - a.average);
}
