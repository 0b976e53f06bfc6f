import {
  atEdge,
  compareText,
  COVERED_SUMS,
  DIMENSIONS,
  groupedLists,
  groupingBits,
  KPI_DEFINITIONS,
  operand,
  sumListsOf,
  type CoveredSum,
  type GroupedRows,
  type Measure,
  type SumLists,
} from '../../analysis/pure.js';
import type { DailyBreakdowns, DailySeries, Day } from '../../insights/pure.js';

type Lists = Readonly<Record<string, ArrayLike<unknown> | undefined>>;

/** Dimensions no daily pair reads. */
const OTHER_DIMENSIONS: ReadonlySet<string> = new Set(
  DIMENSIONS.filter((dimension) => !['platform', 'campaign', 'date', 'currency'].includes(dimension)),
);

/** The KPIs a Day carries, in its order. */
const DAY_KPIS = ['ctr', 'cpc', 'cpm', 'cvr', 'cpa', 'roas', 'frequency'] as const;

/** A sum as `metricsAt` reads it, with NaN for its null (a missing or non-finite figure). */
function numberAt(list: ArrayLike<unknown>, index: number): number {
  const value = list[index];
  const number = typeof value === 'number' ? value : value === null || value === undefined ? NaN : Number(value);
  return Number.isFinite(number) ? number : NaN;
}

/**
 * Row `index` as the rules' Day: the figures a report row would carry (each
 * rounded at the edge), read straight from the columns. This is `metricsAt`
 * and `computeKpis` with every operand's column resolved once per series,
 * the row's sums read into one reused array (NaN for null), and no object
 * but the Day and its `covered` per row: a year of 200 campaigns is 73,000
 * days, and the per-row objects were most of the worker's time.
 */
function dayReader(sums: SumLists, present: ReadonlySet<Measure>): (index: number, date: string) => Day {
  const slots = new Map<string, number>(sums.map(([name], slot) => [name, slot]));
  const lists = sums.map(([, list]) => list);
  let size = lists.length;
  // Always NaN: an operand no column or covered sum gives.
  const none = size++;
  // A covered sum nobody computed reads as the whole measure when the partial measure is reported (`sumOf`).
  const derived: (readonly [slot: number, reported: number, measure: number])[] = [];
  const slotOf = (name: Measure | CoveredSum): number => {
    const slot = slots.get(name);
    if (slot !== undefined) return slot;
    const sum = COVERED_SUMS.find((candidate) => candidate.name === name);
    if (!sum) return none;
    const at = size++;
    derived.push([at, slots.get(sum.reportedBy) ?? none, slots.get(sum.measure) ?? none]);
    slots.set(name, at);
    return at;
  };
  const kpis = DAY_KPIS.map((name) => {
    const { numerator, denominator, scale } = KPI_DEFINITIONS[name];
    return {
      top: slotOf(operand(numerator, denominator)),
      bottom: slotOf(operand(denominator, numerator)),
      scale,
    };
  });
  const measure = (name: Measure) => (present.has(name) ? (slots.get(name) ?? none) : none);
  const [impressions, reach, clicks, spend, conversions, revenue] = (
    ['impressions', 'reach', 'clicks', 'spend', 'conversions', 'revenue'] as const
  ).map(measure) as [number, number, number, number, number, number];
  // As in a report row: a covered sum only where it differs from the whole.
  const covered = COVERED_SUMS.flatMap((sum) => {
    const slot = slots.get(sum.name);
    const whole = slots.get(sum.measure);
    return slot === undefined || slot >= lists.length ? [] : [{ name: sum.name, slot, whole: whole ?? none }];
  });
  const values = new Float64Array(size);
  values[none] = NaN;
  const kpi = new Float64Array(kpis.length);
  return (index, date) => {
    for (let slot = 0; slot < lists.length; slot++) values[slot] = numberAt(lists[slot]!, index);
    for (const [slot, reported, whole] of derived)
      values[slot] = Number.isNaN(values[reported]!) ? NaN : values[whole]!;
    for (let at = 0; at < kpis.length; at++) {
      const { top, bottom, scale } = kpis[at]!;
      const numerator = values[top]!;
      const denominator = values[bottom]!;
      // `ratio`: null (NaN here) for a missing or non-positive denominator or a missing or negative numerator.
      kpi[at] = denominator > 0 && numerator >= 0 ? (numerator / denominator) * scale : NaN;
    }
    const differs: Partial<Record<CoveredSum, number | null>> = {};
    for (const { name, slot, whole } of covered) {
      const value = values[slot]!;
      const other = values[whole]!;
      if (Number.isNaN(value) ? !Number.isNaN(other) : value !== other) differs[name] = atEdge(name, value);
    }
    return {
      date,
      impressions: atEdge('impressions', values[impressions]),
      reach: atEdge('reach', values[reach]),
      clicks: atEdge('clicks', values[clicks]),
      spend: atEdge('spend', values[spend]),
      conversions: atEdge('conversions', values[conversions]),
      revenue: atEdge('revenue', values[revenue]),
      ctr: atEdge('ctr', kpi[0]),
      cpc: atEdge('cpc', kpi[1]),
      cpm: atEdge('cpm', kpi[2]),
      cvr: atEdge('cvr', kpi[3]),
      cpa: atEdge('cpa', kpi[4]),
      roas: atEdge('roas', kpi[5]),
      frequency: atEdge('frequency', kpi[6]),
      covered: differs,
    };
  };
}

/**
 * One pair set (`campaign×date`) as series per currency and group. Groups
 * and currencies come in the order the report's rows would list them (spend
 * first, then key), which is the order the rules meet them in.
 */
function seriesOfSet(lists: Lists, grouped: GroupedRows, dimension: 'platform' | 'campaign'): DailySeries {
  const { query, shape } = grouped;
  const set = query.sets.find(
    (candidate) =>
      (candidate.kind === 'breakdown' || candidate.kind === 'pair') &&
      candidate.columns.length === 2 &&
      candidate.columns[0] === dimension &&
      candidate.columns[1] === 'date',
  );
  if (!set) return new Map();
  const present = new Set(shape.measures);
  const dayAt = dayReader(sumListsOf(lists, present), present);
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
  // The report rows' order (spend first, then key; a stable sort keeps the rest in row order).
  const order = (a: number, b: number) => spendOf(b) - spendOf(a) || compareText(keyText(a), keyText(b)) || a - b;
  const currencies = lists.currency ?? [];
  const currencyOf = (index: number) =>
    query.soleCurrency === undefined ? ((currencies[index] as string | null | undefined) ?? null) : query.soleCurrency;
  // A currency or group comes where its first row in that order would: its best row. This
  // replaces sorting all 73,000 rows by that order and then each group's days by date.
  const bestOfCurrency = new Map<string | null, number>();
  const rowsByDate = new Map<string, number[]>();
  for (const index of indices) {
    const currency = currencyOf(index);
    const best = bestOfCurrency.get(currency);
    if (best === undefined || order(index, best) < 0) bestOfCurrency.set(currency, index);
    const date = dates[index];
    if (typeof date !== 'string') continue;
    const rows = rowsByDate.get(date);
    if (rows) rows.push(index);
    else rowsByDate.set(date, [index]);
  }
  const groupsOf = new Map<string | null, Map<string, { best: number; rows: number[]; repeats: boolean }>>();
  for (const date of [...rowsByDate.keys()].sort(compareText))
    for (const index of rowsByDate.get(date)!) {
      const currency = currencyOf(index);
      let groups = groupsOf.get(currency);
      if (!groups) {
        groups = new Map();
        groupsOf.set(currency, groups);
      }
      const name = String((keys[index] as string | number | null | undefined) ?? '(none)');
      const group = groups.get(name);
      if (!group) {
        groups.set(name, { best: index, rows: [index], repeats: false });
        continue;
      }
      // Two rows of one group on one day (a null key and a "(none)" one): their days keep the report's order.
      if (dates[group.rows[group.rows.length - 1]!] === date) group.repeats = true;
      group.rows.push(index);
      if (order(index, group.best) < 0) group.best = index;
    }
  const out = new Map<string | null, Record<string, Day[]>>();
  for (const [currency] of [...bestOfCurrency].sort((a, b) => order(a[1], b[1]))) {
    // Keyed by the export's names: without a prototype, a campaign named `__proto__` or `constructor` is a group like any other.
    const byGroup = Object.create(null) as Record<string, Day[]>;
    const groups = [...(groupsOf.get(currency) ?? [])].sort((a, b) => order(a[1].best, b[1].best));
    for (const [name, { rows, repeats }] of groups) {
      if (repeats) rows.sort((a, b) => compareText(dates[a] as string, dates[b] as string) || order(a, b));
      byGroup[name] = rows.map((index) => dayAt(index, dates[index] as string));
    }
    out.set(currency, byGroup);
  }
  return out;
}

/**
 * The daily pairs' rows straight into the rules' series: one pass over the
 * columns DuckDB answered, where report rows, then days, were built before (a
 * year of 200 campaigns is 73,000 rows, and those objects were most of an
 * analysis's time and garbage).
 */
export function dailySeries(grouped: GroupedRows): DailyBreakdowns {
  // Only the columns the pairs are read from: the other breakdowns' columns may be grouped in the same answer.
  const lists: Lists = groupedLists(grouped.columns, (name) => !OTHER_DIMENSIONS.has(name));
  return { platform: seriesOfSet(lists, grouped, 'platform'), campaign: seriesOfSet(lists, grouped, 'campaign') };
}
