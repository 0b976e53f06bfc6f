import { compareText, groupedLists, groupingBits, sumListsOf, type GroupedRows } from '../../analysis/pure.js';
import type { DailyBreakdowns, DailySeries, DaySeries } from '../../insights/pure.js';
import { dayTable } from './day-table.js';

type Lists = Readonly<Record<string, ArrayLike<unknown> | undefined>>;
/** A column as it crosses to the worker: numbers, or codes into its distinct values. */
type Column = GroupedRows['columns'][string];

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
  // The set's rows, ascending (typed: a year of 200 campaigns is 73,000 of them).
  const matching = new Int32Array(length);
  let count = 0;
  for (let index = 0; index < length; index++) if (Number(sets[index]) === bits) matching[count++] = index;
  const indices = matching.subarray(0, count);
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
  // The series' order: currencies, then their groups, by best row; each group's days by date.
  const placed: { currency: number; groups: { name: string; start: number; end: number }[] }[] = [];
  // The dated rows in the series' order: currencies, groups, days.
  const sequence = new Int32Array(indices.length);
  let places = 0;
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
        const start = places;
        for (const index of rows) sequence[places++] = index;
        return { name: names.keys[group % names.keys.length]!, start, end: places };
      }),
    });
  }
  const placeOf = new Int32Array(length).fill(-1);
  for (let place = 0; place < places; place++) placeOf[sequence[place]!] = place;
  const seriesAt = dayTable(sumListsOf(lists, present), present, {
    indices,
    placeOf,
    sequence: sequence.subarray(0, places),
  });
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
