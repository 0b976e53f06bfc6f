import type { AnalysisResult, GroupRow } from '../engine/analysis.js';
import type { IngestSummary } from '../ingest/ingest.js';
import { KPIS } from '../kpis.js';
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
  if (typeof byCurrency === 'object' && byCurrency !== null) return Object.values(byCurrency as Record<string, ReportRow>);
  return [totals as ReportRow];
}

const round = (value: number | null | undefined, digits: number): number | null =>
  value === null || value === undefined ? null : Math.round(value * 10 ** digits) / 10 ** digits;

function flatten(row: Pick<GroupRow, 'measures' | 'kpis' | 'currency'>, measures: readonly Measure[]): ReportRow {
  const out: ReportRow = { currency: row.currency };
  for (const measure of measures) out[measure] = round(row.measures[measure], 4);
  for (const kpi of KPIS) out[kpi] = round(row.kpis[kpi], 6);
  return out;
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
    Object.entries(analysis.breakdowns).map(([name, rows]) => [name, rows.map((row) => ({ ...row.key, ...flatten(row, measures) }))]),
  );
  const timeSeries = Object.fromEntries(
    Object.entries(analysis.timeSeries).map(([granularity, points]) => [
      granularity,
      (points).map((point) => ({ period: point.period, ...flatten(point, measures) })),
    ]),
  );
  return {
    generatedAt: now.toISOString(),
    datasets,
    rows: analysis.profile.rows,
    dateRange: analysis.profile.dateRange,
    currencies: analysis.profile.currencies,
    ...(analysis.conversion ? { conversion: { to: analysis.conversion.to, rates: { ...analysis.conversion.rates } } } : {}),
    totals,
    breakdowns,
    timeSeries,
  };
}
