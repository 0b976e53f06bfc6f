import { formatMoney, formatPercent, listOf } from '../../analysis/pure.js';
import { COVERED_SUMS, computeKpis, coverage, sumOf, type MeasureTotals } from '../../analysis/pure.js';
import { dominantChannel, type BenchmarkContext } from '../benchmarks.js';
import type { Group, InsightInput, Stat } from '../input.js';

export const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Money as sentences write it: "1,234.50 USD" (format.ts). */
export const money = (value: number, currency: string | null): string => formatMoney(value, currency);

/** A percentage as sentences write it: "2.35%", "62.0%" (format.ts). */
export const pct = (value: number): string => formatPercent(value);

/** What a benchmark must fit: the analysis's currency and the channel its campaigns (or channel column) show. */
export function benchmarkContext(input: InsightInput): BenchmarkContext {
  const channel = dominantChannel([...(input.breakdowns.channel ?? []), ...(input.breakdowns.campaign ?? [])]);
  return { currency: input.currency, ...(channel === undefined ? {} : { channel }) };
}

/** Spend a group needs before it can top or tail a ranking: 5 % of the total, so a $3 row never leads. */
export function spendFloor(input: InsightInput): number {
  return (input.totals.spend ?? 0) * 0.05;
}

export function share(part: number | null, whole: number | null): number {
  return part !== null && whole !== null && whole > 0 ? part / whole : 0;
}

/** The KPIs and measures a row of evidence shows. */
export type Figure = Exclude<keyof Stat, 'covered'>;

export function values(stat: Stat, keys: readonly Figure[]): Record<string, number | null> {
  return Object.fromEntries(keys.map((key) => [key, stat[key] === null ? null : round(stat[key], 4)]));
}

export function row(dimension: string, group: Group, keys: readonly Figure[]) {
  return { dimension, key: group.name, values: values(group, keys) };
}

/** Groups with enough spend to be compared. */
export function funded(groups: readonly Group[] | undefined, input: InsightInput): Group[] {
  const floor = spendFloor(input);
  return (groups ?? []).filter((group) => (group.spend ?? 0) > 0 && (group.spend ?? 0) >= floor);
}

export const median = (list: readonly number[]): number => {
  const sorted = [...list].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length === 0
    ? NaN
    : sorted.length % 2 === 1
      ? sorted[middle]!
      : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const SUMMED = ['impressions', 'reach', 'clicks', 'spend', 'conversions', 'revenue'] as const;

/** The sums of a stat, covered sums included (absent ones read as the whole measure where the partial one is reported). */
function totalsOf(stat: Stat): MeasureTotals {
  const totals: MeasureTotals = {};
  for (const measure of SUMMED) totals[measure] = stat[measure];
  for (const sum of COVERED_SUMS) totals[sum.name] = sumOf({ ...totals, ...stat.covered }, sum.name);
  return totals;
}

/** Share of a stat's spend on rows that report revenue or conversions (null without spend). */
export function coverageOf(stat: Stat, measure: 'revenue' | 'conversions'): number | null {
  return stat[measure] === null && !stat.covered ? null : coverage(totalsOf(stat), measure);
}

/** Platforms with spend whose rows report none of a measure ("LinkedIn reports no revenue"). */
export function notReporting(input: InsightInput, measure: 'revenue' | 'conversions'): string[] {
  return (input.breakdowns.platform ?? [])
    .filter((group) => (group.spend ?? 0) > 0 && coverageOf(group, measure) === 0)
    .map((group) => group.name);
}

/**
 * Sums the measures of several stats (days, groups) and recomputes the KPIs
 * from the sums, never averaging ratios. Reach is not additive: it stays
 * only when a single stat reports it.
 */
export function sumStats(stats: readonly Stat[]): Stat {
  const parts = stats.map(totalsOf);
  const totals: MeasureTotals = {};
  for (const name of [...SUMMED, ...COVERED_SUMS.map((sum) => sum.name)]) {
    const present = parts
      .map((part) => part[name])
      .filter((value): value is number => value !== null && value !== undefined);
    totals[name] = present.length === 0 ? null : present.reduce((a, b) => a + b, 0);
  }
  if (stats.filter((stat) => stat.reach !== null).length > 1) {
    totals.reach = null;
    totals.impressions_with_reach = null;
  }
  const kpis = computeKpis(totals);
  const value = (measure: (typeof SUMMED)[number]) => totals[measure] ?? null;
  return {
    impressions: value('impressions'),
    reach: value('reach'),
    clicks: value('clicks'),
    spend: value('spend'),
    conversions: value('conversions'),
    revenue: value('revenue'),
    ctr: kpis.ctr,
    cpc: kpis.cpc,
    cpm: kpis.cpm,
    cvr: kpis.cvr,
    cpa: kpis.cpa,
    roas: kpis.roas,
    frequency: kpis.frequency,
    covered: Object.fromEntries(COVERED_SUMS.map((sum) => [sum.name, totals[sum.name] ?? null])),
  };
}

/** How the input names rows that state no currency (`insights/input.ts`). */
const NO_CURRENCY = 'unknown';

/**
 * The currencies left out, as a reader says them: rows that state no currency are not figures of a
 * currency called "unknown".
 */
export function leftOutPhrase(currencies: readonly string[]): string {
  const named = currencies.filter((code) => code !== NO_CURRENCY);
  const unstated = named.length < currencies.length;
  if (named.length === 0) return 'figures with no stated currency';
  return `${listOf(named)} figures${unstated ? ' and those with no stated currency' : ''}`;
}
