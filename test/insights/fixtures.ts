import { computeKpis, type MeasureTotals } from '../../src/analysis/kpis.js';
import { seriesOfDays, type DaySeries } from '../../src/insights/day-series.js';
import type { Day, Group, InsightInput, Stat } from '../../src/insights/input.js';

type Measures = Partial<Record<'impressions' | 'reach' | 'clicks' | 'spend' | 'conversions' | 'revenue', number>>;

/** A stat from measures, its KPIs computed the product's way (ratios of sums). */
export function stat(measures: Measures): Stat {
  const totals: MeasureTotals = { ...measures };
  const kpis = computeKpis(totals);
  const value = (key: keyof Measures) => measures[key] ?? null;
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
  };
}

export const group = (name: string, measures: Measures): Group => ({ name, ...stat(measures) });

/** Consecutive days from 2026-03-01 (a Sunday). */
export function days(list: readonly Measures[], start = '2026-03-01'): Day[] {
  const first = Date.parse(`${start}T00:00:00Z`);
  return list.map((measures, index) => ({
    date: new Date(first + index * 86_400_000).toISOString().slice(0, 10),
    ...stat(measures),
  }));
}

/** The same days as the columns the rules read. */
export const daySeries = (list: readonly Measures[], start?: string): DaySeries => seriesOfDays(days(list, start));

export function sum(groups: readonly Measures[]): Measures {
  const out: Measures = {};
  for (const item of groups)
    for (const [key, value] of Object.entries(item) as [keyof Measures, number][]) out[key] = (out[key] ?? 0) + value;
  return out;
}

/** An input whose totals are the sum of its platforms unless given. */
export function input(
  parts: Partial<Omit<InsightInput, 'totals' | 'previous'>> & {
    totals?: Measures;
    previous?: Measures | null;
    platforms?: Record<string, Measures>;
    campaigns?: Record<string, Measures>;
  } = {},
): InsightInput {
  const { platforms = {}, campaigns = {}, totals, previous, ...rest } = parts;
  const platformGroups = Object.entries(platforms).map(([name, measures]) => group(name, measures));
  const campaignGroups = Object.entries(campaigns).map(([name, measures]) => group(name, measures));
  const total =
    totals ?? sum(Object.values(platforms).length > 0 ? Object.values(platforms) : Object.values(campaigns));
  return {
    currency: 'USD',
    otherCurrencies: [],
    totals: stat(total),
    previous: previous ? stat(previous) : null,
    breakdowns: { platform: platformGroups, campaign: campaignGroups, ...(rest.breakdowns ?? {}) },
    daily: rest.daily ?? [],
    dailyByPlatform: rest.dailyByPlatform ?? {},
    dailyByCampaign: rest.dailyByCampaign ?? {},
    sources: rest.sources ?? [],
    measures: rest.measures ?? new Set(['impressions', 'clicks', 'spend', 'conversions', 'revenue']),
    quality: rest.quality ?? {
      rows: 1000,
      duplicates: 0,
      clicksOverImpressions: 0,
      conversionsOverClicks: 0,
      negativeValues: 0,
      droppedRows: 0,
    },
    benchmarks: rest.benchmarks ?? {},
    pacing: rest.pacing ?? [],
    ...(rest.currency !== undefined ? { currency: rest.currency } : {}),
    ...(rest.otherCurrencies ? { otherCurrencies: rest.otherCurrencies } : {}),
  };
}
