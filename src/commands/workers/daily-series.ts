import {
  compareText,
  COVERED_SUMS,
  DIMENSIONS,
  edgeDigits,
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

/** `atEdge` with the field's scale in hand, NaN for its null: it runs for every figure of every day. */
function edge(value: number, scale: number): number {
  if (!Number.isFinite(value)) return NaN;
  const rounded = Math.round(value * scale) / scale;
  return rounded === 0 ? 0 : rounded;
}

/** A figure read back from the table: NaN stands for null. */
const orNull = (value: number): number | null => (Number.isNaN(value) ? null : value);

/** The Day fields of the table's rows, in its column order. */
const MEASURE_FIELDS = ['impressions', 'reach', 'clicks', 'spend', 'conversions', 'revenue'] as const;
const WIDTH = MEASURE_FIELDS.length + DAY_KPIS.length;

/**
 * The rows `indices` (ascending) as the rules' Days: the figures a report row
 * would carry (each rounded at the edge). This is `metricsAt` and
 * `computeKpis` with every operand's column resolved once per series. The
 * figures are computed first, walking the columns in row order into one
 * table (a row's figures side by side); the Days, built later in group and
 * date order, each read one place of it. Reading a dozen columns at rows
 * in group order instead missed the cache on nearly every figure.
 */
function dayReader(
  sums: SumLists,
  present: ReadonlySet<Measure>,
  indices: readonly number[],
  length: number,
): (index: number, date: string) => Day {
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
      edge: 10 ** edgeDigits(name),
    };
  });
  const measures = MEASURE_FIELDS.map((name) => ({
    slot: present.has(name) ? (slots.get(name) ?? none) : none,
    edge: 10 ** edgeDigits(name),
  }));
  // As in a report row: a covered sum only where it differs from the whole.
  const covered = COVERED_SUMS.flatMap((sum) => {
    const slot = slots.get(sum.name);
    const whole = slots.get(sum.measure);
    return slot === undefined || slot >= lists.length
      ? []
      : [{ name: sum.name, slot, whole: whole ?? none, edge: 10 ** edgeDigits(sum.name) }];
  });
  const values = new Float64Array(size);
  values[none] = NaN;
  const table = new Float64Array(indices.length * WIDTH);
  // Per row and covered sum: its figure where it differs from the whole, else absent.
  const coveredTable = new Float64Array(indices.length * covered.length);
  const differs = new Uint8Array(indices.length * covered.length);
  const placeOf = new Int32Array(length);
  for (let place = 0; place < indices.length; place++) {
    const index = indices[place]!;
    placeOf[index] = place;
    for (let slot = 0; slot < lists.length; slot++) values[slot] = numberAt(lists[slot]!, index);
    for (const [slot, reported, whole] of derived)
      values[slot] = Number.isNaN(values[reported]!) ? NaN : values[whole]!;
    const row = place * WIDTH;
    for (let at = 0; at < measures.length; at++)
      table[row + at] = edge(values[measures[at]!.slot]!, measures[at]!.edge);
    for (let at = 0; at < kpis.length; at++) {
      const { top, bottom, scale } = kpis[at]!;
      const numerator = values[top]!;
      const denominator = values[bottom]!;
      // `ratio`: null (NaN here) for a missing or non-positive denominator or a missing or negative numerator.
      const kpi = denominator > 0 && numerator >= 0 ? (numerator / denominator) * scale : NaN;
      table[row + measures.length + at] = edge(kpi, kpis[at]!.edge);
    }
    for (let at = 0; at < covered.length; at++) {
      const { slot, whole } = covered[at]!;
      const value = values[slot]!;
      const other = values[whole]!;
      if (Number.isNaN(value) ? Number.isNaN(other) : value === other) continue;
      differs[place * covered.length + at] = 1;
      coveredTable[place * covered.length + at] = edge(value, covered[at]!.edge);
    }
  }
  return (index, date) => {
    const place = placeOf[index]!;
    const row = place * WIDTH;
    const sums: Partial<Record<CoveredSum, number | null>> = {};
    for (let at = 0; at < covered.length; at++)
      if (differs[place * covered.length + at] === 1)
        sums[covered[at]!.name] = orNull(coveredTable[place * covered.length + at]!);
    return {
      date,
      impressions: orNull(table[row]!),
      reach: orNull(table[row + 1]!),
      clicks: orNull(table[row + 2]!),
      spend: orNull(table[row + 3]!),
      conversions: orNull(table[row + 4]!),
      revenue: orNull(table[row + 5]!),
      ctr: orNull(table[row + 6]!),
      cpc: orNull(table[row + 7]!),
      cpm: orNull(table[row + 8]!),
      cvr: orNull(table[row + 9]!),
      cpa: orNull(table[row + 10]!),
      roas: orNull(table[row + 11]!),
      frequency: orNull(table[row + 12]!),
      covered: sums,
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
  const bits = groupingBits(query, set.columns);
  const sets = lists._set ?? [];
  const keys = lists[dimension] ?? [];
  const dates = lists.date ?? [];
  const spends = present.has('spend') ? (lists.sum_spend ?? []) : [];
  const indices: number[] = [];
  for (let index = 0; index < sets.length; index++) if (Number(sets[index]) === bits) indices.push(index);
  const dayAt = dayReader(sumListsOf(lists, present), present, indices, sets.length);
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
