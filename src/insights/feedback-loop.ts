/**
 * How ratings change what the product produces next, as pure functions:
 * a smoothed rating per rule (a prior, so one vote does not swing it), a
 * ranking that uses it, and the point where a rule is suppressed.
 */

/** The prior: every rule starts as if it had PRIOR_VOTES ratings of PRIOR_MEAN. */
export const PRIOR_MEAN = 3;
export const PRIOR_VOTES = 5;
/** A rule is suppressed when its smoothed rating is at or below this with at least this many ratings. */
export const SUPPRESS_AT = 2;
export const SUPPRESS_MIN_VOTES = 8;

export interface RatingStats {
  readonly count: number;
  readonly sum: number;
}

export function smoothedRating(stats: RatingStats | undefined): number {
  const count = stats?.count ?? 0;
  const sum = stats?.sum ?? 0;
  return (PRIOR_MEAN * PRIOR_VOTES + sum) / (PRIOR_VOTES + count);
}

/** A rule's ratings, and how they fall per person: one person's many votes count once there. */
export interface RuleRatingStats extends RatingStats {
  /** Distinct people who rated the rule. */
  readonly raters: number;
  /** The mean, over those people, of each one's mean rating. */
  readonly personMean: number;
}

export const DEFAULT_SUPPRESS_MIN_RATERS = 3;

/**
 * Suppression needs enough ratings, low on the whole and low person by
 * person, from at least `minRaters` distinct people: one unhappy viewer
 * rating many insights cannot switch a rule off for everyone.
 */
export function shouldSuppress(stats: RuleRatingStats | undefined, minRaters = DEFAULT_SUPPRESS_MIN_RATERS): boolean {
  if (stats === undefined) return false;
  return (
    stats.raters >= minRaters &&
    stats.count >= SUPPRESS_MIN_VOTES &&
    smoothedRating(stats) <= SUPPRESS_AT &&
    stats.personMean <= SUPPRESS_AT
  );
}

const PRIORITY_BASE = { high: 3, medium: 2, low: 1 } as const;

/**
 * An insight's score: its priority, scaled by how its rule is rated here
 * (a rule at the prior keeps its priority; 5/5 raises it by up to 5/3, 1/5
 * lowers it towards 1/3), nudged by how much of the account it concerns.
 */
export function insightScore(
  priority: keyof typeof PRIORITY_BASE,
  weight: number,
  rule: RatingStats | undefined,
): number {
  return PRIORITY_BASE[priority] * (smoothedRating(rule) / PRIOR_MEAN) * (1 + Math.min(1, Math.max(0, weight)) * 0.25);
}

export interface OutcomeStats {
  /** Outcomes reported for recommendations of this type. */
  readonly reported: number;
  readonly implemented: number;
  /** Effectiveness ratings of implemented ones. */
  readonly effectiveness: RatingStats;
}

/**
 * A recommendation type that users implement and find effective ranks
 * higher: smoothed effectiveness over the prior, times a smoothed
 * implementation rate (prior: half of recommendations implemented).
 */
export function recommendationScore(insight: number, outcomes: OutcomeStats | undefined): number {
  const implementationRate = ((outcomes?.implemented ?? 0) + 1) / ((outcomes?.reported ?? 0) + 2);
  return insight * (smoothedRating(outcomes?.effectiveness) / PRIOR_MEAN) * (0.5 + implementationRate);
}
