/** The part of insights/'s public face that does no I/O (rules, ranking, pacing, the deterministic summary): what worker threads load, without
 * the store, DuckDB or HTTP schemas that index.ts brings (docs/ARCHITECTURE.md, "Who may import whom"). */
export { benchmarkSettings } from './benchmarks.js';
export { DAY_FIGURES, DAY_KPIS, DAY_MEASURES, daysOf, lazyColumns, seriesOfDays } from './day-series.js';
export type { DayFigure, DaySeries } from './day-series.js';
export { DEFAULT_SUPPRESS_MIN_RATERS, shouldSuppress, smoothedRating } from './feedback-loop.js';
export type { OutcomeStats, RuleRatingStats } from './feedback-loop.js';
export type { Finding } from './finding.js';
export { generateInsights } from './generate.js';
export type { FeedbackContext, Generated, GeneratedItem } from './generate.js';
export { insightInput, seriesOfRows } from './input.js';
export type { DailyBreakdowns, DailySeries, Day } from './input.js';
export { paceBudgets, pacingThresholds } from './pacing.js';
export type { BudgetFlight, BudgetScope, Pacing, PacingThresholds } from './pacing.js';
export { round } from './rules/helpers.js';
export { INSIGHT_RULES, ruleById } from './rules/index.js';
export type { ExecutiveSummary } from './summary.js';
