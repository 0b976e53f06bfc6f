import path from 'node:path';
import { analyzeFiles, type AnalyzeFilesRequest, type DuckEngine, previousRange } from '../analysis/offline.js';
import { DAILY_PAIRS, totalRows, type AnalysisReport } from '../analysis/pure.js';
import { completeAnalysis, dailyPairs } from './workers/analysis-task.js';
import type { AnalysisContent } from '../reports/offline.js';

/** Offline there is no organisation: no feedback has been given, no budget or setting is stored. */
const NO_FEEDBACK = { ruleRatings: new Map(), outcomes: new Map(), suppressed: new Set<string>() } as const;

/**
 * What a deck of `pca analyze` shows: the report of the files, completed as
 * the server completes a stored analysis (period over period, anomalies,
 * insights, recommendations, the executive summary), with the daily pairs
 * and the period before read from the same files.
 */
export async function offlineContent(
  duck: DuckEngine,
  request: AnalyzeFilesRequest,
  report: AnalysisReport,
  now: Date,
): Promise<AnalysisContent> {
  const daily = dailyPairs(await analyzeFiles(duck, { ...request, ...DAILY_PAIRS }, now));
  const from = request.dateRange?.from ?? report.dateRange.from;
  const to = request.dateRange?.to ?? report.dateRange.to;
  let previous = null;
  if (from && to) {
    const before = previousRange({ from, to });
    const earlier = await analyzeFiles(duck, { ...request, dateRange: before, breakdowns: [], granularities: [] }, now);
    previous = { kind: 'previous' as const, range: { from, to }, before, totals: totalRows(earlier) };
  }
  const { result, generated } = completeAnalysis({
    report,
    previous,
    daily,
    budgets: [],
    settings: {},
    feedback: NO_FEEDBACK,
  });
  return {
    title: `Analysis of ${request.files.map((file) => path.basename(file)).join(', ')}`.slice(0, 200),
    result,
    summary: generated.summary,
    items: generated.items,
    branding: null,
  };
}
