import {
  benchmarkSettings,
  type Finding,
  generateInsights,
  type FeedbackContext,
  type Generated,
  type GeneratedItem,
  insightInput,
  seriesOfRows,
  type DailyBreakdowns,
  paceBudgets,
  pacingThresholds,
  type BudgetFlight,
  type Pacing,
  type PacingThresholds,
  type ExecutiveSummary,
} from '../../insights/pure.js';
import {
  groupingBits,
  readGroups,
  buildReport,
  totalRows,
  type AnalysisReport,
  type DatasetSummary,
  type ReportRow,
  rowsOfGrouped,
  type GroupedRows,
  type PreviousRows,
} from '../../analysis/pure.js';
import type { AnalysisResultDocument, PeriodComparison } from '../../analysis/index.js';
import { dailySeries } from './daily-series.js';

/** Everything an analysis needs once DuckDB has answered: plain data, so it crosses to a worker thread. */
export interface AnalysisTaskInput {
  readonly now: string;
  readonly datasets: DatasetSummary[];
  readonly current: GroupedRows;
  /** The period before, when the analysis has dates; `rows` null when that period has no rows. */
  readonly previous: PreviousRows | null;
  /** The daily platform and campaign pairs: `current` itself when they were grouped in its scan. */
  readonly daily: GroupedRows;
  readonly budgets: readonly BudgetFlight[];
  readonly settings: Record<string, unknown>;
  readonly feedback: FeedbackContext;
}

export interface AnalysisTaskOutput {
  /** The stored result document, already serialised (it is stored and sent as is). */
  readonly resultJson: string;
  readonly items: GeneratedItem[];
  readonly summary: ExecutiveSummary;
  /** The best shown insights, what an LLM summary may draw on. */
  readonly ranked: Finding[];
}

/** Budget pacing over stored datasets: their daily pairs, read in the worker like an analysis's. */
export interface PacingTaskInput {
  readonly now: string;
  readonly daily: GroupedRows;
  readonly budgets: readonly BudgetFlight[];
  readonly asOf: string;
  readonly thresholds: PacingThresholds;
}

/** What the analysis worker threads run: a whole analysis, or the pacing of some datasets' budgets. */
export type PoolTask =
  | { readonly kind: 'analysis'; readonly input: AnalysisTaskInput }
  | { readonly kind: 'pacing'; readonly input: PacingTaskInput };

export type PoolOutput =
  | { readonly kind: 'analysis'; readonly output: AnalysisTaskOutput }
  | { readonly kind: 'pacing'; readonly output: Pacing[] };

const RANKED_FOR_SUMMARY = 8;

function readRows(grouped: GroupedRows) {
  const { query } = grouped;
  // The daily pairs grouped in the same scan are read into series by `dailySeries`, not into report rows.
  const pairs = new Set(query.sets.filter((set) => set.kind === 'pair').map((set) => groupingBits(query, set.columns)));
  return readGroups(rowsOfGrouped(grouped.columns, query.outputs, pairs), query, grouped.options, grouped.shape);
}

function changeOf(current: ReportRow, previous: ReportRow | null): PeriodComparison['byCurrency'][string]['change'] {
  const change: PeriodComparison['byCurrency'][string]['change'] = {};
  for (const [key, value] of Object.entries(current)) {
    if (typeof value !== 'number') continue;
    const before = previous && typeof previous[key] === 'number' ? previous[key] : null;
    change[key] = {
      absolute: before === null ? null : value - before,
      relative: before === null || before === 0 ? null : (value - before) / Math.abs(before),
    };
  }
  return change;
}

/** What turns a report into a stored analysis: the period before, the daily pairs, and the organisation's budgets, settings and feedback. */
export interface Completion {
  readonly report: AnalysisReport;
  /** The period before, when the analysis has dates; `totals` empty when that period has no rows. */
  readonly previous: {
    readonly kind: 'previous' | 'year';
    readonly range: { from: string; to: string };
    readonly before: { from: string; to: string };
    readonly totals: ReportRow[];
  } | null;
  readonly daily: DailyBreakdowns;
  readonly budgets: readonly BudgetFlight[];
  readonly settings: Record<string, unknown>;
  readonly feedback: FeedbackContext;
}

/**
 * Period over period, budget pacing and the insights of a report: what the
 * server stores with an analysis and what `pca analyze` draws in a deck, so
 * both say the same things about the same data.
 */
export function completeAnalysis(input: Completion): {
  readonly result: AnalysisResultDocument;
  readonly generated: Generated;
} {
  const { report } = input;
  let periodOverPeriod: PeriodComparison | null = null;
  if (input.previous) {
    // Keyed by the export's currencies: no prototype, so any name is a key like another.
    const byCurrency = Object.create(null) as PeriodComparison['byCurrency'];
    for (const current of totalRows(report)) {
      const key = String(current.currency ?? 'unknown');
      const old = input.previous.totals.find((row) => row.currency === current.currency) ?? null;
      byCurrency[key] = { current, previous: old, change: changeOf(current, old) };
    }
    periodOverPeriod = {
      kind: input.previous.kind,
      range: input.previous.range,
      previousRange: input.previous.before,
      byCurrency,
    };
  }
  const result: AnalysisResultDocument = { ...report, periodOverPeriod };
  const asOf = result.dateRange.to;
  const pacing = asOf === null ? [] : paceBudgets(input.budgets, input.daily, asOf, pacingThresholds(input.settings));
  const previousTotals = Object.values(result.periodOverPeriod?.byCurrency ?? {}).flatMap((comparison) =>
    comparison.previous ? [comparison.previous] : [],
  );
  const generated = generateInsights(
    insightInput(result, previousTotals, input.daily, benchmarkSettings(input.settings), pacing),
    input.feedback,
    result.dateRange,
  );
  return { result, generated };
}

/** The daily platform and campaign series out of a report grouped by them. */
export function dailyPairs(report: Pick<AnalysisReport, 'breakdowns'>): DailyBreakdowns {
  return {
    platform: seriesOfRows(report.breakdowns['platform×date'] ?? [], 'platform'),
    campaign: seriesOfRows(report.breakdowns['campaign×date'] ?? [], 'campaign'),
  };
}

/**
 * The CPU-heavy half of an analysis, in JavaScript: the report, period over
 * period, daily series per platform and campaign, budget pacing and the
 * insights. It reads no store and no files, so it runs in a worker thread
 * and the event loop stays free.
 */
export function runAnalysisTask(input: AnalysisTaskInput): AnalysisTaskOutput {
  const now = new Date(input.now);
  const { result, generated } = completeAnalysis({
    report: buildReport(input.datasets, readRows(input.current), now),
    previous: input.previous && {
      kind: input.previous.kind,
      range: input.previous.range,
      before: input.previous.before,
      totals: input.previous.rows ? totalRows(buildReport([], readRows(input.previous.rows), now)) : [],
    },
    daily: dailySeries(input.daily),
    budgets: input.budgets,
    settings: input.settings,
    feedback: input.feedback,
  });
  return {
    resultJson: JSON.stringify(result),
    items: generated.items,
    summary: generated.summary,
    ranked: generated.ranked.slice(0, RANKED_FOR_SUMMARY),
  };
}

/** Pacing alone: the daily pairs' rows become series here, not on the event loop (a year of 200 campaigns is 73,000 rows). */
export function runPacingTask(input: PacingTaskInput): Pacing[] {
  return paceBudgets(input.budgets, dailySeries(input.daily), input.asOf, input.thresholds);
}

export function runPoolTask(task: PoolTask): PoolOutput {
  return task.kind === 'analysis'
    ? { kind: 'analysis', output: runAnalysisTask(task.input) }
    : { kind: 'pacing', output: runPacingTask(task.input) };
}
