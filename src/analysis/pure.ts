/** The part of analysis/'s public face that does no I/O (formats, KPIs, the report document, grouping): what worker threads load, without
 * the store, DuckDB or HTTP schemas that index.ts brings (docs/ARCHITECTURE.md, "Who may import whom"). */
export {
  compareText,
  GRANULARITIES,
  groupingBits,
  profile,
  profileSql,
  readGroups,
  readProfile,
} from './engine/analysis.js';
export { metricsAt, sumListsOf } from './engine/sql.js';
export type { SumLists } from './engine/sql.js';
export { atEdge, edgeDigits } from './precision.js';
export { EXTREMES_SHOWN, extremesNote, NOT_ENOUGH_CAMPAIGNS, rankExtremes } from './extremes.js';
export type { CampaignRow, Extremes, Ranking, RankingKpi } from './extremes.js';
export { DAILY_PAIR_SETS, DAILY_PAIRS } from './workers/grouped-rows.js';
export type { CurrencyConversion, DateRange, DimensionFilter, Granularity, Scope } from './engine/analysis.js';
export {
  formatCount,
  formatDay,
  formatDays,
  formatByKind,
  formatMetric,
  formatMoney,
  formatPercent,
  formatRatio,
  formatShare,
  listOf,
  metricKind,
  metricName,
  plural,
  pluralOf,
  possessive,
} from './format.js';
export type { MetricKind } from './format.js';
export { labelOf, nameInSentence } from './labels.js';
export { MAX_RATE, MIN_RATE, rateProblem } from './rates.js';
export { computeKpis, coverage, COVERED_SUMS, isKpi, KPI_DEFINITIONS, KPIS, sumOf } from './kpis.js';
export { operand } from './kpis.js';
export type { CoveredSum, MeasureTotals } from './kpis.js';
export { buildReport, COVERAGE_COLUMNS, totalRows } from './report/report.js';
export { bySpend } from './by-spend.js';
export { columnKind, columnLabel } from './columns.js';
export { evidenceFigures, evidenceLines, evidenceText } from './evidence.js';
export type { EvidenceFigure, EvidenceSource, EvidenceWithRows } from './evidence.js';
export type { ColumnKind } from './columns.js';
export type { AnalysisReport, DatasetSummary, ReportRow } from './report/report.js';
export { BREAKDOWN_DIMENSIONS, DIMENSIONS, MEASURES, PLATFORMS } from './schema.js';
export type { Dimension, Measure } from './schema.js';
export { groupedLists, groupedRows, rowsOfGrouped } from './workers/grouped-rows.js';
export type { GroupedRows, PreviousRows } from './workers/grouped-rows.js';
