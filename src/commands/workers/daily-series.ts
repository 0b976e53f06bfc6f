import {
  compareText,
  COVERED_SUMS,
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
import {
  DAY_FIGURES,
  figureColumns,
  type DailyBreakdowns,
  type DailySeries,
  type DaySeries,
} from '../../insights/pure.js';

type Lists = Readonly<Record<string, ArrayLike<unknown> | undefined>>;
/** A column as it crosses to the worker: numbers, or codes into its distinct values. */
type Column = GroupedRows['columns'][string];

/** The KPIs a Day carries, in its order (after the measures, as in DAY_FIGURES). */
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

/** The Day fields of the table's columns, in its order. */
const MEASURE_FIELDS = ['impressions', 'reach', 'clicks', 'spend', 'conversions', 'revenue'] as const;
const FIELDS = DAY_FIGURES.length;
/** In a covered sum's place: the sum equals the whole, so the Day leaves it out (edge() never gives Infinity). */
const SAME = Infinity;

/**
 * The rules' days of a set's rows: the figures a report row would carry
 * (each rounded at the edge). This is `metricsAt` and `computeKpis` with every
 * operand's column resolved once per series. The figures are computed walking
 * the columns in row order (`indices`, ascending) into one table with a column
 * per figure whose rows are in the series' order (`placeOf`): a series' figure
 * is a view of its column, and only a day a rule takes whole becomes a Day.
 * Reading a dozen columns at rows in group order missed the cache on nearly
 * every figure.
 */
function dayTable(
  sums: SumLists,
  present: ReadonlySet<Measure>,
  indices: readonly number[],
  placeOf: Int32Array,
  places: number,
): (start: number, dates: readonly string[]) => DaySeries {
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
  const width = FIELDS + covered.length;
  const values = new Float64Array(size);
  values[none] = NaN;
  // Column-major: figure `at` of the day in place `place` is at `at * places + place`.
  const table = new Float64Array(places * width);
  for (const index of indices) {
    const place = placeOf[index]!;
    if (place < 0) continue;
    for (let slot = 0; slot < lists.length; slot++) values[slot] = numberAt(lists[slot]!, index);
    for (const [slot, reported, whole] of derived)
      values[slot] = Number.isNaN(values[reported]!) ? NaN : values[whole]!;
    for (let at = 0; at < measures.length; at++)
      table[at * places + place] = edge(values[measures[at]!.slot]!, measures[at]!.edge);
    for (let at = 0; at < kpis.length; at++) {
      const { top, bottom, scale } = kpis[at]!;
      const numerator = values[top]!;
      const denominator = values[bottom]!;
      // `ratio`: null (NaN here) for a missing or non-positive denominator or a missing or negative numerator.
      const kpi = denominator > 0 && numerator >= 0 ? (numerator / denominator) * scale : NaN;
      table[(measures.length + at) * places + place] = edge(kpi, kpis[at]!.edge);
    }
    for (let at = 0; at < covered.length; at++) {
      const { slot, whole } = covered[at]!;
      const value = values[slot]!;
      const other = values[whole]!;
      const same = Number.isNaN(value) ? Number.isNaN(other) : value === other;
      table[(FIELDS + at) * places + place] = same ? SAME : edge(value, covered[at]!.edge);
    }
  }
  const orNullAt = (at: number, place: number) => orNull(table[at * places + place]!);
  return (start, dates) => {
    const length = dates.length;
    const figures = figureColumns((figure) => {
      const column = DAY_FIGURES.indexOf(figure) * places + start;
      return table.subarray(column, column + length);
    });
    const day = (index: number) => {
      const place = start + index;
      const sums: Partial<Record<CoveredSum, number | null>> = {};
      for (let at = 0; at < covered.length; at++) {
        const value = table[(FIELDS + at) * places + place]!;
        if (value !== SAME) sums[covered[at]!.name] = orNull(value);
      }
      return {
        date: dates[index]!,
        impressions: orNullAt(0, place),
        reach: orNullAt(1, place),
        clicks: orNullAt(2, place),
        spend: orNullAt(3, place),
        conversions: orNullAt(4, place),
        revenue: orNullAt(5, place),
        ctr: orNullAt(6, place),
        cpc: orNullAt(7, place),
        cpm: orNullAt(8, place),
        cvr: orNullAt(9, place),
        cpa: orNullAt(10, place),
        roas: orNullAt(11, place),
        frequency: orNullAt(12, place),
        covered: sums,
      };
    };
    return { length, dates, figures, day };
  };
}

/** A column as codes into its distinct values (a numeric one coded here; a missing one reads as undefined). */
function codedOf(column: Column | undefined, length: number): { codes: Int32Array; values: readonly unknown[] } {
  if (column === undefined) return { codes: new Int32Array(length), values: [undefined] };
  if (!(column instanceof Float64Array)) return column;
  const { ids, keys } = intern(column.length, (row) => column[row]!);
  return { codes: ids, values: keys };
}

/** Each code's id among the distinct results of `key` over a column's values, and those results. */
function idsOf<K>(values: readonly unknown[], key: (value: unknown) => K): { ids: Int32Array; keys: K[] } {
  return intern(values.length, (code) => key(values[code]));
}

/** Dense ids for the keys of `count` items, numbered in order of first appearance, and the distinct keys. */
function intern<K>(count: number, keyAt: (index: number) => K): { ids: Int32Array; keys: K[] } {
  const seen = new Map<K, number>();
  const keys: K[] = [];
  const ids = new Int32Array(count);
  for (let index = 0; index < count; index++) {
    const key = keyAt(index);
    let id = seen.get(key);
    if (id === undefined) {
      id = keys.length;
      keys.push(key);
      seen.set(key, id);
    }
    ids[index] = id;
  }
  return { ids, keys };
}

/**
 * One pair set (`campaign×date`) as series per currency and group. Groups
 * and currencies come in the order the report's rows would list them (spend
 * first, then key), which is the order the rules meet them in. Keys, dates
 * and currencies are read as the codes they cross in, so rows are grouped
 * by integers, not by strings.
 */
function seriesOfSet(lists: Lists, grouped: GroupedRows, dimension: 'platform' | 'campaign'): DailySeries {
  const { query, shape, columns } = grouped;
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
  const length = sets.length;
  const spends = present.has('spend') ? (lists.sum_spend ?? []) : [];
  const indices: number[] = [];
  for (let index = 0; index < length; index++) if (Number(sets[index]) === bits) indices.push(index);
  const keys = codedOf(columns[dimension], length);
  const dates = codedOf(columns.date, length);
  const keyOf = (index: number) => keys.values[keys.codes[index]!];
  const dateOf = (index: number) => dates.values[dates.codes[index]!];
  const spendOf = (index: number) => {
    const value = spends[index];
    // A null sum crosses as NaN.
    return typeof value === 'number' && !Number.isNaN(value) ? value : -Infinity;
  };
  const keyText = (index: number) => JSON.stringify({ [dimension]: keyOf(index) ?? null, date: dateOf(index) ?? null });
  // The report rows' order (spend first, then key; a stable sort keeps the rest in row order).
  const order = (a: number, b: number) => spendOf(b) - spendOf(a) || compareText(keyText(a), keyText(b)) || a - b;
  const currencyColumn = codedOf(columns.currency, length);
  const currencies =
    query.soleCurrency === undefined
      ? idsOf(currencyColumn.values, (value) => (value as string | null | undefined) ?? null)
      : { ids: new Int32Array(currencyColumn.values.length), keys: [query.soleCurrency] };
  const currencyOf = (index: number) => currencies.ids[currencyColumn.codes[index]!]!;
  const names = idsOf(keys.values, (value) => String((value as string | number | null | undefined) ?? '(none)'));
  // Each dated code's rank among the distinct days (-1: no day).
  const days = dates.values
    .map((value, code) => [value, code] as const)
    .filter((entry): entry is readonly [string, number] => typeof entry[0] === 'string')
    .sort((a, b) => compareText(a[0], b[0]));
  const rankOf = new Int32Array(dates.values.length).fill(-1);
  days.forEach(([, code], rank) => (rankOf[code] = rank));
  // A currency or group comes where its first row in that order would: its best row. This
  // replaces sorting all 73,000 rows by that order and then each group's days by date.
  const bestOfCurrency = new Int32Array(currencies.keys.length).fill(-1);
  const perDay = new Int32Array(days.length + 1);
  for (const index of indices) {
    const currency = currencyOf(index);
    const best = bestOfCurrency[currency]!;
    if (best < 0 || order(index, best) < 0) bestOfCurrency[currency] = index;
    const rank = rankOf[dates.codes[index]!]!;
    if (rank >= 0) perDay[rank + 1]!++;
  }
  // The dated rows by day, each day's in row order.
  for (let rank = 0; rank < days.length; rank++) perDay[rank + 1]! += perDay[rank]!;
  const byDay = new Int32Array(perDay[days.length]!);
  for (const index of indices) {
    const rank = rankOf[dates.codes[index]!]!;
    if (rank >= 0) byDay[perDay[rank]!++] = index;
  }
  const groupCount = currencies.keys.length * names.keys.length;
  const groupRows: (number[] | undefined)[] = new Array<number[] | undefined>(groupCount);
  const groupBest = new Int32Array(groupCount);
  const lastRank = new Int32Array(groupCount);
  const repeats = new Uint8Array(groupCount);
  for (const index of byDay) {
    const group = currencyOf(index) * names.keys.length + names.ids[keys.codes[index]!]!;
    const rank = rankOf[dates.codes[index]!]!;
    const rows = groupRows[group];
    if (!rows) {
      groupRows[group] = [index];
      groupBest[group] = index;
    } else {
      // Two rows of one group on one day (a null key and a "(none)" one): their days keep the report's order.
      if (lastRank[group] === rank) repeats[group] = 1;
      rows.push(index);
      if (order(index, groupBest[group]!) < 0) groupBest[group] = index;
    }
    lastRank[group] = rank;
  }
  // The Days' order: currencies, then their groups, by best row; each group's days by date.
  const placed: { currency: number; groups: { name: string; start: number; end: number }[] }[] = [];
  const sequence: number[] = [];
  const ranked = [...bestOfCurrency.keys()].filter((currency) => bestOfCurrency[currency]! >= 0);
  for (const currency of ranked.sort((a, b) => order(bestOfCurrency[a]!, bestOfCurrency[b]!))) {
    const groups: number[] = [];
    for (let name = 0; name < names.keys.length; name++)
      if (groupRows[currency * names.keys.length + name]) groups.push(currency * names.keys.length + name);
    groups.sort((a, b) => order(groupBest[a]!, groupBest[b]!));
    placed.push({
      currency,
      groups: groups.map((group) => {
        const rows = groupRows[group]!;
        if (repeats[group] === 1)
          rows.sort((a, b) => compareText(dateOf(a) as string, dateOf(b) as string) || order(a, b));
        const start = sequence.length;
        for (const index of rows) sequence.push(index);
        return { name: names.keys[group % names.keys.length]!, start, end: sequence.length };
      }),
    });
  }
  const placeOf = new Int32Array(length).fill(-1);
  sequence.forEach((index, place) => (placeOf[index] = place));
  const seriesAt = dayTable(sumListsOf(lists, present), present, indices, placeOf, sequence.length);
  const out = new Map<string | null, Record<string, DaySeries>>();
  for (const { currency, groups } of placed) {
    // Keyed by the export's names: without a prototype, a campaign named `__proto__` or `constructor` is a group like any other.
    const byGroup = Object.create(null) as Record<string, DaySeries>;
    for (const { name, start, end } of groups) {
      const dates = new Array<string>(end - start);
      for (let place = start; place < end; place++) dates[place - start] = dateOf(sequence[place]!) as string;
      byGroup[name] = seriesAt(start, dates);
    }
    out.set(currencies.keys[currency]!, byGroup);
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
  // The numeric columns (sums, the set) as they cross; keys, dates and currencies are read as codes.
  const lists: Lists = groupedLists(grouped.columns, (name) => grouped.columns[name] instanceof Float64Array);
  return { platform: seriesOfSet(lists, grouped, 'platform'), campaign: seriesOfSet(lists, grouped, 'campaign') };
}
