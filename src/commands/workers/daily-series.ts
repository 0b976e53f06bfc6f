import {
  atEdge,
  compareText,
  COVERED_SUMS,
  groupedLists,
  groupingBits,
  metricsAt,
  sumListsOf,
  type CoveredSum,
  type GroupedRows,
  type Measure,
  type SumLists,
} from '../../analysis/pure.js';
import type { DailyBreakdowns, DailySeries, Day } from '../../insights/pure.js';

type Lists = Readonly<Record<string, ArrayLike<unknown> | undefined>>;

const edgeOr = (present: ReadonlySet<Measure>, measure: Measure, value: number | null | undefined) =>
  present.has(measure) ? atEdge(measure, value) : null;

/**
 * Row `index` as the rules' Day: the figures a report row would carry (each
 * rounded at the edge), read straight from the columns. One literal, so
 * every day has the same shape.
 */
function dayAt(sums: SumLists, index: number, date: string, present: ReadonlySet<Measure>): Day {
  const { measures, kpis } = metricsAt(sums, index);
  const covered: Partial<Record<CoveredSum, number | null>> = {};
  // As in a report row: a covered sum only where it differs from the whole.
  for (const sum of COVERED_SUMS) {
    const value = measures[sum.name];
    if (value !== undefined && value !== measures[sum.measure]) covered[sum.name] = atEdge(sum.name, value);
  }
  return {
    date,
    impressions: edgeOr(present, 'impressions', measures.impressions),
    reach: edgeOr(present, 'reach', measures.reach),
    clicks: edgeOr(present, 'clicks', measures.clicks),
    spend: edgeOr(present, 'spend', measures.spend),
    conversions: edgeOr(present, 'conversions', measures.conversions),
    revenue: edgeOr(present, 'revenue', measures.revenue),
    ctr: atEdge('ctr', kpis.ctr),
    cpc: atEdge('cpc', kpis.cpc),
    cpm: atEdge('cpm', kpis.cpm),
    cvr: atEdge('cvr', kpis.cvr),
    cpa: atEdge('cpa', kpis.cpa),
    roas: atEdge('roas', kpis.roas),
    frequency: atEdge('frequency', kpis.frequency),
    covered,
  };
}

/**
 * One pair set (`campaign×date`) as series per currency and group. Groups
 * and currencies come in the order the report's rows would list them (spend
 * first, then key), which is the order the rules meet them in.
 */
function seriesOfSet(lists: Lists, grouped: GroupedRows, dimension: 'platform' | 'campaign'): DailySeries {
  const { query, shape } = grouped;
  const out = new Map<string | null, Record<string, Day[]>>();
  const set = query.sets.find(
    (candidate) =>
      candidate.kind === 'breakdown' &&
      candidate.columns.length === 2 &&
      candidate.columns[0] === dimension &&
      candidate.columns[1] === 'date',
  );
  if (!set) return out;
  const present = new Set(shape.measures);
  const sums = sumListsOf(lists, present);
  const bits = groupingBits(query, set.columns);
  const sets = lists._set ?? [];
  const keys = lists[dimension] ?? [];
  const dates = lists.date ?? [];
  const spends = present.has('spend') ? (lists.sum_spend ?? []) : [];
  const indices: number[] = [];
  for (let index = 0; index < sets.length; index++) if (Number(sets[index]) === bits) indices.push(index);
  const spendOf = (index: number) => {
    const value = spends[index];
    // A null sum crosses as NaN.
    return typeof value === 'number' && !Number.isNaN(value) ? value : -Infinity;
  };
  const keyText = (index: number) => JSON.stringify({ [dimension]: keys[index] ?? null, date: dates[index] ?? null });
  indices.sort((a, b) => spendOf(b) - spendOf(a) || compareText(keyText(a), keyText(b)));
  const currencies = lists.currency ?? [];
  for (const index of indices) {
    const currency =
      query.soleCurrency === undefined
        ? ((currencies[index] as string | null | undefined) ?? null)
        : query.soleCurrency;
    let byGroup = out.get(currency);
    if (!byGroup) {
      byGroup = {};
      out.set(currency, byGroup);
    }
    const date = dates[index];
    if (typeof date !== 'string') continue;
    const name = String((keys[index] as string | number | null | undefined) ?? '(none)');
    (byGroup[name] ??= []).push(dayAt(sums, index, date, present));
  }
  for (const byGroup of out.values())
    for (const days of Object.values(byGroup)) days.sort((a, b) => compareText(a.date, b.date));
  return out;
}

/**
 * The daily pairs' rows straight into the rules' series: one pass over the
 * columns DuckDB answered, where report rows, then days, were built before (a
 * year of 200 campaigns is 73,000 rows, and those objects were most of an
 * analysis's time and garbage).
 */
export function dailySeries(grouped: GroupedRows): DailyBreakdowns {
  const lists: Lists = groupedLists(grouped.columns);
  return { platform: seriesOfSet(lists, grouped, 'platform'), campaign: seriesOfSet(lists, grouped, 'campaign') };
}
