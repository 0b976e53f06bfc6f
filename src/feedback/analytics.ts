import type { Kysely } from 'kysely';
import { INSIGHT_RULES, smoothedRating, round } from '../insights/index.js';
import type { Database } from '../store/schema.js';
import { presentFeedback, type FeedbackView } from './service.js';
import { suppressedRules } from './stats.js';
import type { OrgId } from '../ids.js';

interface Distribution {
  readonly count: number;
  readonly average: number | null;
  /** Ratings 1..5 -> how many. */
  readonly distribution: Record<'1' | '2' | '3' | '4' | '5', number>;
}

function distributionOf(ratings: readonly number[]): Distribution {
  const distribution = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  for (const rating of ratings) distribution[String(rating) as keyof typeof distribution] += 1;
  return {
    count: ratings.length,
    average: ratings.length === 0 ? null : round(ratings.reduce((a, b) => a + b, 0) / ratings.length),
    distribution,
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string | null): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item) ?? 'unknown';
    const list = groups.get(name);
    if (list) list.push(item);
    else groups.set(name, [item]);
  }
  return groups;
}

/** Monday of the ISO week of an instant, as YYYY-MM-DD. */
function weekOf(at: string): string {
  const date = new Date(at);
  const day = (date.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - day))
    .toISOString()
    .slice(0, 10);
}

export interface FeedbackAnalytics {
  readonly insights: Distribution & {
    readonly byCategory: Record<string, Distribution>;
    readonly byPriority: Record<string, Distribution>;
    readonly byRule: Record<string, Distribution & { smoothed: number; suppressed: boolean }>;
  };
  readonly recommendations: {
    readonly reported: number;
    readonly implemented: number;
    readonly implementationRate: number | null;
    readonly effectiveness: Distribution;
    readonly actualImpactTotal: number;
    readonly byType: Record<
      string,
      { reported: number; implemented: number; implementationRate: number | null; effectiveness: Distribution }
    >;
    readonly byPriority: Record<string, { reported: number; implemented: number; implementationRate: number | null }>;
  };
  readonly analyses: {
    readonly count: number;
    readonly averages: Record<'overall' | 'usefulness' | 'accuracy' | 'actionability', number | null>;
  };
  /** ISO weeks (Monday) -> feedback given and the average insight rating. */
  readonly weekly: { week: string; feedback: number; insightRatings: number; averageInsightRating: number | null }[];
}

export async function organizationFeedback(db: Kysely<Database>, orgId: OrgId): Promise<FeedbackView[]> {
  return (
    await db
      .selectFrom('feedback')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('updated_at')
      .orderBy('id')
      .execute()
  ).map(presentFeedback);
}

export async function feedbackAnalytics(
  db: Kysely<Database>,
  orgId: OrgId,
  feedback?: readonly FeedbackView[],
): Promise<FeedbackAnalytics> {
  const all = feedback ?? (await organizationFeedback(db, orgId));
  const suppressed = await suppressedRules(db, orgId);
  const insightRatings = all.filter((item) => item.targetType === 'insight' && item.rating !== null);
  const ratings = (items: readonly FeedbackView[]) => items.map((item) => item.rating!);

  const byRule: FeedbackAnalytics['insights']['byRule'] = {};
  for (const [ruleId, items] of groupBy(insightRatings, (item) => item.ruleId)) {
    const values = ratings(items);
    byRule[ruleId] = {
      ...distributionOf(values),
      smoothed: round(smoothedRating({ count: values.length, sum: values.reduce((a, b) => a + b, 0) })),
      suppressed: suppressed.has(ruleId),
    };
  }
  const outcomes = all.filter((item) => item.targetType === 'recommendation');
  const implementedOf = (items: readonly FeedbackView[]) => items.filter((item) => item.implemented).length;
  const rate = (items: readonly FeedbackView[]) =>
    items.length === 0 ? null : round(implementedOf(items) / items.length, 3);
  const effectivenessOf = (items: readonly FeedbackView[]) =>
    distributionOf(
      items
        .filter((item) => item.implemented && item.effectivenessRating !== null)
        .map((item) => item.effectivenessRating!),
    );

  const analyses = all.filter((item) => item.targetType === 'analysis' && item.scores !== null);
  const averageOf = (key: 'overall' | 'usefulness' | 'accuracy' | 'actionability') => {
    const values = analyses
      .map((item) => item.scores![key])
      .filter((value): value is number => typeof value === 'number');
    return values.length === 0 ? null : round(values.reduce((a, b) => a + b, 0) / values.length);
  };

  return {
    insights: {
      ...distributionOf(ratings(insightRatings)),
      byCategory: Object.fromEntries(
        [...groupBy(insightRatings, (item) => item.category)].map(([name, items]) => [
          name,
          distributionOf(ratings(items)),
        ]),
      ),
      byPriority: Object.fromEntries(
        [...groupBy(insightRatings, (item) => item.priority)].map(([name, items]) => [
          name,
          distributionOf(ratings(items)),
        ]),
      ),
      byRule,
    },
    recommendations: {
      reported: outcomes.length,
      implemented: implementedOf(outcomes),
      implementationRate: rate(outcomes),
      effectiveness: effectivenessOf(outcomes),
      actualImpactTotal: round(
        outcomes.reduce((sum, item) => sum + (item.implemented ? (item.actualImpact ?? 0) : 0), 0),
      ),
      byType: Object.fromEntries(
        [...groupBy(outcomes, (item) => item.recommendationType)].map(([name, items]) => [
          name,
          {
            reported: items.length,
            implemented: implementedOf(items),
            implementationRate: rate(items),
            effectiveness: effectivenessOf(items),
          },
        ]),
      ),
      byPriority: Object.fromEntries(
        [...groupBy(outcomes, (item) => item.priority)].map(([name, items]) => [
          name,
          { reported: items.length, implemented: implementedOf(items), implementationRate: rate(items) },
        ]),
      ),
    },
    analyses: {
      count: analyses.length,
      averages: {
        overall: averageOf('overall'),
        usefulness: averageOf('usefulness'),
        accuracy: averageOf('accuracy'),
        actionability: averageOf('actionability'),
      },
    },
    weekly: [...groupBy(all, (item) => weekOf(item.updatedAt))]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([week, items]) => {
        const rated = items.filter((item) => item.targetType === 'insight' && item.rating !== null);
        return {
          week,
          feedback: items.length,
          insightRatings: rated.length,
          averageInsightRating: distributionOf(ratings(rated)).average,
        };
      }),
  };
}

export interface Suggestion {
  readonly kind:
    | 'low_rated_rule'
    | 'suppressed_rule'
    | 'weak_category'
    | 'unimplemented_recommendations'
    | 'ineffective_recommendations'
    | 'weak_analysis_dimension'
    | 'missing_insights';
  readonly subject: string;
  readonly suggestion: string;
  readonly figures: Record<string, number | string | null>;
}

/** Improvement suggestions, each with the figures behind it. */
export async function feedbackSuggestions(db: Kysely<Database>, orgId: OrgId): Promise<Suggestion[]> {
  const feedback = await organizationFeedback(db, orgId);
  const analytics = await feedbackAnalytics(db, orgId, feedback);
  const out: Suggestion[] = [];
  const describe = (ruleId: string) => INSIGHT_RULES.find((rule) => rule.id === ruleId)?.description ?? ruleId;
  for (const [ruleId, stats] of Object.entries(analytics.insights.byRule).sort(
    ([, a], [, b]) => (a.average ?? 0) - (b.average ?? 0),
  )) {
    if (stats.suppressed) {
      out.push({
        kind: 'suppressed_rule',
        subject: ruleId,
        suggestion: `Rule ${ruleId} is suppressed after averaging ${stats.average}/5 over ${stats.count} ratings; rework it (${describe(ruleId)}) or restore it.`,
        figures: { average: stats.average, ratings: stats.count, smoothed: stats.smoothed },
      });
    } else if (stats.count >= 5 && stats.smoothed <= 2.5) {
      out.push({
        kind: 'low_rated_rule',
        subject: ruleId,
        suggestion: `Rule ${ruleId} averages ${stats.average}/5 over ${stats.count} ratings: review its threshold or wording.`,
        figures: { average: stats.average, ratings: stats.count, smoothed: stats.smoothed },
      });
    }
  }
  const categories = Object.entries(analytics.insights.byCategory).filter(
    ([, stats]) => stats.count >= 5 && stats.average !== null,
  );
  const weakest = categories.sort(([, a], [, b]) => a.average! - b.average!)[0];
  if (weakest && weakest[1].average! < 3) {
    out.push({
      kind: 'weak_category',
      subject: weakest[0],
      suggestion: `${weakest[0]} insights are rated lowest: ${weakest[1].average}/5 over ${weakest[1].count} ratings.`,
      figures: { average: weakest[1].average, ratings: weakest[1].count },
    });
  }
  for (const [type, stats] of Object.entries(analytics.recommendations.byType)) {
    if (stats.reported >= 5 && stats.implementationRate !== null && stats.implementationRate < 0.3) {
      out.push({
        kind: 'unimplemented_recommendations',
        subject: type,
        suggestion: `Only ${Math.round(stats.implementationRate * 100)}% of ${type} recommendations are implemented (${stats.implemented} of ${stats.reported}): make them more specific or drop them.`,
        figures: { implemented: stats.implemented, reported: stats.reported, rate: stats.implementationRate },
      });
    }
    if (stats.effectiveness.count >= 3 && stats.effectiveness.average !== null && stats.effectiveness.average <= 2.5) {
      out.push({
        kind: 'ineffective_recommendations',
        subject: type,
        suggestion: `Implemented ${type} recommendations rate ${stats.effectiveness.average}/5 for effectiveness over ${stats.effectiveness.count} outcomes: revisit their expected impact.`,
        figures: { average: stats.effectiveness.average, outcomes: stats.effectiveness.count },
      });
    }
  }
  if (analytics.analyses.count >= 3) {
    const dimensions = Object.entries(analytics.analyses.averages).filter(
      (entry): entry is [string, number] => entry[1] !== null,
    );
    const lowest = dimensions.sort(([, a], [, b]) => a - b)[0];
    if (lowest && lowest[1] < 3.5) {
      out.push({
        kind: 'weak_analysis_dimension',
        subject: lowest[0],
        suggestion: `Analyses score lowest on ${lowest[0]}: ${lowest[1]}/5 over ${analytics.analyses.count} ratings.`,
        figures: { average: lowest[1], ratings: analytics.analyses.count },
      });
    }
  }
  const missing = feedback.filter((item) => item.notes.missingInsights);
  if (missing.length > 0) {
    out.push({
      kind: 'missing_insights',
      subject: 'analyses',
      suggestion: `${missing.length} analysis rating(s) name missing insights; the latest: "${missing.at(-1)!.notes.missingInsights!.slice(0, 200)}".`,
      figures: { mentions: missing.length },
    });
  }
  return out;
}
