import type { AnalysisResult, GroupRow } from '../engine/analysis.js';
import type { IngestSummary } from '../ingest/ingest.js';
import { formatMetric, listOf, metricName, plural } from '../format.js';
import { COVERED_SUMS, coverage, KPIS, negativeOperands } from '../kpis.js';
import { atEdge } from '../precision.js';
import { coverageWarnings } from './coverage-warnings.js';
import type { Measure } from '../schema.js';

/** One flat record of a group: its key, currency, present measures and every KPI. */
export type ReportRow = Record<string, string | number | null>;

export interface DatasetSummary {
  readonly file: string;
  readonly format: string;
  readonly sheet?: string;
  readonly sheets?: { name: string; rows: number }[];
  /** The platform of the file; for a file with a platform column, its one value or "Multiple". */
  readonly platform: string;
  readonly platforms: string[];
  readonly platformConfidence: number;
  readonly platformSource: string;
  readonly rows: number;
  readonly dateRange: { from: string | null; to: string | null };
  readonly currencies: (string | null)[];
  readonly mapping: { source: string; field: string; confidence: number }[];
  readonly unmapped: { source: string; reason: string }[];
  readonly quality: IngestSummary['quality'];
}

export interface AnalysisReport {
  readonly generatedAt: string;
  readonly datasets: DatasetSummary[];
  readonly rows: number;
  readonly dateRange: { from: string | null; to: string | null };
  readonly currencies: (string | null)[];
  readonly conversion?: { to: string; rates: Record<string, number> };
  /** One row per currency (one row when money is in one currency or converted to one); none when no row is in scope. */
  readonly totals: ReportRow[];
  readonly breakdowns: Record<string, ReportRow[]>;
  readonly timeSeries: Record<string, ReportRow[]>;
  /** Files that miss part of the analysis's days, negative values in the data, and KPIs left undefined by negative sums, said in words (absent from reports stored before). */
  readonly warnings?: string[];
}

/**
 * The totals of a report as rows. Reports stored before totals had one shape
 * held a flat row (one currency) or `{ byCurrency: {...} }`; both still read.
 */
export function totalRows(report: Pick<AnalysisReport, 'totals'>): ReportRow[] {
  const totals: unknown = report.totals;
  if (Array.isArray(totals)) return totals as ReportRow[];
  if (typeof totals !== 'object' || totals === null) return [];
  const byCurrency = (totals as { byCurrency?: unknown }).byCurrency;
  if (typeof byCurrency === 'object' && byCurrency !== null)
    return Object.values(byCurrency as Record<string, ReportRow>);
  return [totals as ReportRow];
}

/** The coverage columns: share of spend on rows that report revenue (ROAS, AOV, profit) and conversions (CPA, CVR). */
export const COVERAGE_COLUMNS = { revenue: 'revenueCoverage', conversions: 'conversionsCoverage' } as const;

/** `out` holds the row's key fields, written first (built in place: spreading tens of thousands of rows cost seconds). */
function flatten(
  row: Pick<GroupRow, 'measures' | 'kpis' | 'currency'>,
  measures: readonly Measure[],
  out: ReportRow = {},
): ReportRow {
  out.currency = row.currency;
  for (const measure of measures) out[measure] = atEdge(measure, row.measures[measure]);
  for (const kpi of KPIS) out[kpi] = atEdge(kpi, row.kpis[kpi]);
  for (const [measure, column] of Object.entries(COVERAGE_COLUMNS) as [keyof typeof COVERAGE_COLUMNS, string][]) {
    if (measures.includes(measure)) out[column] = atEdge(column, coverage(row.measures, measure));
  }
  // A covered sum is written only where it differs from the whole, so stored rows stay small
  // and rules that sum rows again (weeks, weekdays) keep the KPIs over the rows that report.
  for (const sum of COVERED_SUMS) {
    const value = row.measures[sum.name];
    if (value !== undefined && value !== row.measures[sum.measure]) out[sum.name] = atEdge(sum.name, value);
  }
  return out;
}

/** Why a KPI of a row is empty although its measures are there: a negative sum (spend −500 makes no CPC). */
export function negativeWarnings(label: string, row: Pick<GroupRow, 'measures' | 'currency'>): string[] {
  const byMeasure = new Map<Measure, { value: number; kpis: string[] }>();
  for (const { kpi, measure, value } of negativeOperands(row.measures)) {
    const entry = byMeasure.get(measure) ?? { value, kpis: [] };
    entry.kpis.push(metricName(kpi));
    byMeasure.set(measure, entry);
  }
  return [...byMeasure].map(
    ([measure, { value, kpis }]) =>
      `${label}: ${metricName(measure)} sums to ${formatMetric(measure, value, row.currency)}, so ${listOf(kpis)} ${kpis.length === 1 ? 'is' : 'are'} not defined.`,
  );
}

/**
 * Negative values the datasets hold (refunds, corrections) lower the sums they
 * are part of: said per file and measure, with their count and sum, so a total,
 * ROAS or CPA is not trusted blind. When the analysis covers only part of the
 * rows (filters, dates), the file's figures are an upper bound of what it includes.
 */
export function negativeRowWarnings(datasets: readonly DatasetSummary[], rowsAnalysed: number): string[] {
  const whole = rowsAnalysed === datasets.reduce((total, dataset) => total + dataset.rows, 0);
  return datasets.flatMap((dataset) => {
    const { negativeValues, negativeSums = {} } = dataset.quality;
    const stated = dataset.currencies.filter((currency) => currency !== null);
    const currency = stated.length === 1 ? stated[0] : null;
    return (Object.entries(negativeValues) as [Measure, number][]).map(([measure, count]) => {
      const sum = negativeSums[measure];
      const figure = sum === undefined ? '' : ` (${formatMetric(measure, sum, currency)})`;
      const rows = `${plural(count, 'row')} with negative ${metricName(measure)}${figure}`;
      return whole
        ? `${dataset.file}: ${rows} ${count === 1 ? 'is' : 'are'} included in the totals.`
        : `${dataset.file}: ${rows}; those within the filters and dates are included in the totals.`;
    });
  });
}

export function summariseDataset(file: string, result: IngestSummary): DatasetSummary {
  const { profile } = result;
  return {
    file,
    format: result.format,
    ...(result.sheet ? { sheet: result.sheet } : {}),
    ...(result.sheets ? { sheets: result.sheets } : {}),
    platform:
      result.plan.platform.source === 'column'
        ? profile.platforms.length === 1
          ? profile.platforms[0]!
          : 'Multiple'
        : result.plan.platform.platform,
    platforms: profile.platforms,
    platformConfidence: result.plan.platform.confidence,
    platformSource: result.plan.platform.source,
    rows: result.quality.rowsKept,
    dateRange: profile.dateRange,
    currencies: profile.currencies,
    mapping: result.plan.mapping.map(({ source, field, confidence }) => ({ source, field, confidence })),
    unmapped: result.plan.unmapped.map(({ source, reason }) => ({ source, reason })),
    quality: result.quality,
  };
}

export function buildReport(datasets: DatasetSummary[], analysis: AnalysisResult, now: Date): AnalysisReport {
  const measures = analysis.profile.measures;
  const totals = analysis.totals.map((row) => flatten(row, measures));
  const breakdowns = Object.fromEntries(
    Object.entries(analysis.breakdowns).map(([name, rows]) => [
      name,
      rows.map((row) => flatten(row, measures, { ...row.key })),
    ]),
  );
  const timeSeries = Object.fromEntries(
    Object.entries(analysis.timeSeries).map(([granularity, points]) => [
      granularity,
      points.map((point) => flatten(point, measures, { period: point.period })),
    ]),
  );
  return {
    generatedAt: now.toISOString(),
    datasets,
    rows: analysis.profile.rows,
    dateRange: analysis.profile.dateRange,
    currencies: analysis.profile.currencies,
    ...(analysis.conversion
      ? { conversion: { to: analysis.conversion.to, rates: { ...analysis.conversion.rates } } }
      : {}),
    totals,
    breakdowns,
    timeSeries,
    warnings: [
      ...negativeRowWarnings(datasets, analysis.profile.rows),
      ...coverageWarnings(datasets, analysis.profile.dateRange),
      ...analysis.totals.flatMap((row) =>
        negativeWarnings(
          analysis.totals.length > 1 ? `Totals in ${row.currency ?? 'no stated currency'}` : 'Totals',
          row,
        ),
      ),
      ...Object.entries(analysis.breakdowns).flatMap(([name, rows]) =>
        rows.flatMap((row) =>
          negativeWarnings(
            `${name.replace('×', ' × ')} ${Object.values(row.key)
              .map((value) => value ?? '(none)')
              .join(' × ')}`,
            row,
          ),
        ),
      ),
    ],
  };
}
