import type { InsightInput } from './input.js';

export const INSIGHT_CATEGORIES = [
  'performance',
  'efficiency',
  'budget',
  'creative',
  'audience',
  'pacing',
  'anomaly',
  'data_quality',
] as const;
export type InsightCategory = (typeof INSIGHT_CATEGORIES)[number];
export const PRIORITIES = ['high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const RECOMMENDATION_TYPES = [
  'scale',
  'cut',
  'shift_budget',
  'refresh_creative',
  'fix_landing_page',
  'fix_tracking',
  'fix_data',
  'rebalance_schedule',
  'bid_review',
] as const;
export type RecommendationType = (typeof RECOMMENDATION_TYPES)[number];

/** The numbers behind an insight and the rows they come from. */
export interface Evidence {
  readonly figures: Readonly<Record<string, number | string | null>>;
  readonly rows: readonly {
    readonly dimension: string;
    readonly key: string;
    readonly values: Readonly<Record<string, number | null>>;
  }[];
}

export interface RecommendationDraft {
  readonly type: RecommendationType;
  readonly action: string;
  /**
   * Computed from the data; null when the data cannot say. `revenue` is the net money gained (revenue gained
   * less any extra spend, or spend saved less the revenue it returned), `conversions` the conversions gained,
   * `spend` the spend a change saves or sets right. A negative value is a loss: never recommended.
   */
  readonly expectedImpact: {
    readonly metric: 'revenue' | 'conversions' | 'spend';
    readonly value: number;
    readonly currency: string | null;
  } | null;
  readonly assumptions: readonly string[];
}

/** What one rule found: stable by (ruleId, subject) so repeated analyses name the same thing the same way. */
export interface Finding {
  readonly ruleId: string;
  readonly category: InsightCategory;
  readonly priority: Priority;
  /** What the finding is about (a campaign, a platform, "all"): part of its identity. */
  readonly subject: string;
  readonly title: string;
  /** One plain sentence, every number in it from the evidence. */
  readonly sentence: string;
  readonly evidence: Evidence;
  /** How much of the account it concerns, 0-1 (e.g. its share of spend): a tie-breaker in ranking. */
  readonly weight: number;
  readonly recommendation?: RecommendationDraft;
}

export interface InsightRule {
  readonly id: string;
  readonly category: InsightCategory;
  readonly priority: Priority;
  /** What it looks for, for the catalog. */
  readonly description: string;
  evaluate(input: InsightInput): Finding[];
}
