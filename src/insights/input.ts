import { COVERED_SUMS, type CoveredSum } from '../analysis/pure.js';
import type { AnalysisReport, ReportRow } from '../analysis/pure.js';
import { bySpend, totalRows } from '../analysis/pure.js';
import type { BenchmarkSettings } from './benchmarks.js';
import type { Pacing } from './pacing-types.js';
import type { SourceSpan } from './coverage.js';
import { seriesOfDays, type DaySeries } from './day-series.js';
import type { Day, Group, Stat } from './stat.js';

export type { Day, Group, Stat } from './stat.js';

export interface QualityFacts {
  readonly rows: number;
  readonly duplicates: number;
  readonly clicksOverImpressions: number;
  readonly conversionsOverClicks: number;
  readonly negativeValues: number;
  readonly droppedRows: number;
}

/**
 * What the rules read: one currency's figures (the one with the most spend,
 * or the converted one), its breakdowns and daily series, the previous period,
 * and the data's quality. Built from a stored analysis, so insights can be
 * recomputed without the files.
 */
export interface InsightInput {
  readonly currency: string | null;
  /** Currencies present but left out because money is not summed across them. */
  readonly otherCurrencies: string[];
  readonly totals: Stat;
  readonly previous: Stat | null;
  readonly breakdowns: Partial<
    Record<'platform' | 'campaign' | 'device' | 'age' | 'gender' | 'country' | 'channel', Group[]>
  >;
  readonly daily: Day[];
  readonly dailyByPlatform: Record<string, DaySeries>;
  readonly dailyByCampaign: Record<string, DaySeries>;
  /** The spans of the files whose rows the daily series sum: which sources report each day. */
  readonly sources: readonly SourceSpan[];
  readonly measures: ReadonlySet<string>;
  readonly quality: QualityFacts;
  readonly benchmarks: BenchmarkSettings;
  /** The organisation's budgets whose flights the data covers, paced as of its last day. */
  readonly pacing: readonly Pacing[];
}

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

export function statOf(row: ReportRow): Stat {
  const covered: Partial<Record<CoveredSum, number | null>> = {};
  for (const sum of COVERED_SUMS) if (sum.name in row) covered[sum.name] = num(row[sum.name]);
  return {
    impressions: num(row.impressions),
    reach: num(row.reach),
    clicks: num(row.clicks),
    spend: num(row.spend),
    conversions: num(row.conversions),
    revenue: num(row.revenue),
    ctr: num(row.ctr),
    cpc: num(row.cpc),
    cpm: num(row.cpm),
    cvr: num(row.cvr),
    cpa: num(row.cpa),
    roas: num(row.roas),
    frequency: num(row.frequency),
    covered,
  };
}

/** The spans of the files with rows in `currency` (every file, when money is converted to one currency). */
function sourceSpans(report: AnalysisReport, currency: string | null): SourceSpan[] {
  return report.datasets.flatMap(({ file, platforms, dateRange: { from, to }, currencies }) =>
    from === null || to === null || (!report.conversion && !currencies.includes(currency))
      ? []
      : [{ file, platforms, from, to }],
  );
}

/** Rows of a pair breakdown (`platform×date`) as daily series per group. */
export function dailyBy(
  rows: readonly ReportRow[],
  dimension: string,
  currency: string | null,
): Record<string, DaySeries> {
  // Keyed by the export's names: without a prototype, `__proto__` or `constructor` is a group like any other.
  const byName = Object.create(null) as Record<string, Day[]>;
  for (const row of rows) {
    if ((row.currency ?? null) !== currency || typeof row.date !== 'string') continue;
    const name = String(row[dimension] ?? '(none)');
    (byName[name] ??= []).push({ date: row.date, ...statOf(row) });
  }
  const out = Object.create(null) as Record<string, DaySeries>;
  // ISO days sort by code unit; localeCompare's collation cost seconds over a year of 200 campaigns.
  for (const [name, days] of Object.entries(byName))
    out[name] = seriesOfDays(days.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)));
  return out;
}

/** A pair breakdown's daily series: per currency (in the order met), per group, its days in date order. */
export type DailySeries = ReadonlyMap<string | null, Record<string, DaySeries>>;

/** The daily platform and campaign series, read once per analysis by the trend, anomaly and pacing rules. */
export interface DailyBreakdowns {
  readonly platform: DailySeries;
  readonly campaign: DailySeries;
}

/** Report rows of a pair breakdown (`platform×date`) as its series per currency. */
export function seriesOfRows(rows: readonly ReportRow[], dimension: string): DailySeries {
  const currencies = new Set(rows.map((row) => (row.currency ?? null) as string | null));
  return new Map([...currencies].map((currency) => [currency, dailyBy(rows, dimension, currency)]));
}

/** The rules' input from a stored report, the previous period's totals (per currency) and the daily pair breakdowns. */
export function insightInput(
  report: AnalysisReport,
  previousTotals: readonly ReportRow[],
  daily: DailyBreakdowns,
  benchmarks: BenchmarkSettings,
  pacing: readonly Pacing[] = [],
): InsightInput {
  const ranked = bySpend(totalRows(report));
  const main = ranked[0] ?? {};
  const currency = (main.currency as string | null | undefined) ?? null;
  const inCurrency = (rows: readonly ReportRow[] | undefined) =>
    (rows ?? []).filter((row) => (row.currency ?? null) === currency);
  const previous = inCurrency(previousTotals)[0];
  const groups = (name: string) =>
    inCurrency(report.breakdowns[name]).map((row) => ({ name: String(row[name] ?? '(none)'), ...statOf(row) }));
  const measures = new Set(
    Object.keys(main).filter(
      (key) =>
        ['impressions', 'reach', 'clicks', 'spend', 'conversions', 'revenue'].includes(key) && main[key] !== null,
    ),
  );
  const quality = report.datasets.reduce<QualityFacts>(
    (sum, dataset) => ({
      rows: sum.rows + dataset.quality.rowsKept,
      duplicates: sum.duplicates + dataset.quality.duplicates,
      clicksOverImpressions: sum.clicksOverImpressions + dataset.quality.clicksOverImpressions,
      conversionsOverClicks: sum.conversionsOverClicks + dataset.quality.conversionsOverClicks,
      negativeValues:
        sum.negativeValues + Object.values(dataset.quality.negativeValues).reduce((a, b) => a + (b ?? 0), 0),
      droppedRows: sum.droppedRows + dataset.quality.dropped.blank + dataset.quality.dropped.noMeasures,
    }),
    { rows: 0, duplicates: 0, clicksOverImpressions: 0, conversionsOverClicks: 0, negativeValues: 0, droppedRows: 0 },
  );
  return {
    currency,
    otherCurrencies: ranked.slice(1).map((row) => String(row.currency ?? 'unknown')),
    totals: statOf(main),
    previous: previous === undefined ? null : statOf(previous),
    breakdowns: {
      platform: groups('platform'),
      campaign: groups('campaign'),
      device: groups('device'),
      age: groups('age'),
      gender: groups('gender'),
      country: groups('country'),
      channel: groups('channel'),
    },
    daily: inCurrency(report.timeSeries.day).map((row) => ({ date: String(row.period), ...statOf(row) })),
    dailyByPlatform: daily.platform.get(currency) ?? {},
    dailyByCampaign: daily.campaign.get(currency) ?? {},
    sources: sourceSpans(report, currency),
    measures,
    quality,
    benchmarks,
    pacing,
  };
}
