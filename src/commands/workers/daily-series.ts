import { compareText, groupedLists, groupingBits, sumListsOf, type GroupedRows } from '../../analysis/pure.js';
import type { DailyBreakdowns, DailySeries, DaySeries } from '../../insights/pure.js';
import { dayTable } from './day-table.js';

type Lists = Readonly<Record<string, ArrayLike<unknown> | undefined>>;
/** A column as it crosses to the worker: numbers, or codes into its distinct values. */
type Column = GroupedRows['columns'][string];

/** A column as codes into its distinct values. */
interface Coded {
  readonly codes: Int32Array;
  readonly values: readonly unknown[];
}

/**
 * A column as codes into its distinct values (a numeric one coded here; a
 * missing one reads as undefined). Always a new object of one shape: the
 * column that crossed from the main thread has another, and code that met
 * both was compiled again and again.
 */
function codedOf(column: Column | undefined, length: number): Coded {
  if (column === undefined) return { codes: new Int32Array(length), values: [undefined] };
  if (!(column instanceof Float64Array)) return { codes: column.codes, values: column.values };
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
 * The report rows' order of a pair set's rows: spend first, then key (a
 * stable sort keeps the rest in row order). A class, so every set's order
 * is one compiled `compare`, not a new closure per set.
 */
class RowOrder {
  constructor(
    private readonly dimension: 'platform' | 'campaign',
    private readonly spends: ArrayLike<unknown>,
    private readonly keys: Coded,
    private readonly dates: Coded,
  ) {}

  dateOf(index: number): unknown {
    return this.dates.values[this.dates.codes[index]!];
  }

  compare(a: number, b: number): number {
    return this.spendOf(b) - this.spendOf(a) || compareText(this.keyText(a), this.keyText(b)) || a - b;
  }

  private spendOf(index: number): number {
    const value = this.spends[index];
    // A null sum crosses as NaN.
    return typeof value === 'number' && !Number.isNaN(value) ? value : -Infinity;
  }

  private keyText(index: number): string {
    const key = this.keys.values[this.keys.codes[index]!];
    return JSON.stringify({ [this.dimension]: key ?? null, date: this.dateOf(index) ?? null });
  }
}

/** The rows of the grouping set `bits`, ascending (typed: a year of 200 campaigns is 73,000 of them). */
function rowsOfSet(sets: ArrayLike<unknown>, bits: number): Int32Array {
  const matching = new Int32Array(sets.length);
  let count = 0;
  for (let index = 0; index < sets.length; index++) if (Number(sets[index]) === bits) matching[count++] = index;
  return matching.subarray(0, count);
}

/** Each date code's rank among the distinct days (-1: no day), and the number of days. */
function dayRanks(dates: Coded): { rankOf: Int32Array; days: number } {
  const days = dates.values
    .map((value, code) => [value, code] as const)
    .filter((entry): entry is readonly [string, number] => typeof entry[0] === 'string')
    .sort((a, b) => compareText(a[0], b[0]));
  const rankOf = new Int32Array(dates.values.length).fill(-1);
  days.forEach(([, code], rank) => (rankOf[code] = rank));
  return { rankOf, days: days.length };
}

/** The dated rows by day, each day's in row order (a counting sort over the day ranks). */
function rowsByDay(indices: Int32Array, dateCodes: Int32Array, rankOf: Int32Array, days: number): Int32Array {
  const perDay = new Int32Array(days + 1);
  for (const index of indices) {
    const rank = rankOf[dateCodes[index]!]!;
    if (rank >= 0) perDay[rank + 1]!++;
  }
  for (let rank = 0; rank < days; rank++) perDay[rank + 1]! += perDay[rank]!;
  const byDay = new Int32Array(perDay[days]!);
  for (const index of indices) {
    const rank = rankOf[dateCodes[index]!]!;
    if (rank >= 0) byDay[perDay[rank]!++] = index;
  }
  return byDay;
}

/** A group's place in the series: its name and its run of the series' rows. */
interface PlacedGroup {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/** The groups of a pair set: each row's group (currency × name), read as codes. */
interface Grouping {
  readonly order: RowOrder;
  readonly currencyOfCode: Int32Array;
  readonly currencyCodes: Int32Array;
  readonly currencyCount: number;
  readonly nameOfCode: Int32Array;
  readonly keyCodes: Int32Array;
  readonly names: readonly string[];
}

function currencyOf(grouping: Grouping, index: number): number {
  return grouping.currencyOfCode[grouping.currencyCodes[index]!]!;
}

function groupOf(grouping: Grouping, index: number): number {
  return currencyOf(grouping, index) * grouping.names.length + grouping.nameOfCode[grouping.keyCodes[index]!]!;
}

/**
 * The dated rows in the series' order (currencies, then their groups, by
 * best row; each group's days by date) and each group's run of them. A
 * currency or group comes where its first row in the report's order would:
 * its best row. This replaces sorting all 73,000 rows by that order and then
 * each group's days by date.
 */
function placeRows(
  grouping: Grouping,
  indices: Int32Array,
  byDay: Int32Array,
  ranks: { rankOf: Int32Array; dateCodes: Int32Array },
): { sequence: Int32Array; placed: { currency: number; groups: PlacedGroup[] }[] } {
  const { order, names } = grouping;
  const bestOfCurrency = new Int32Array(grouping.currencyCount).fill(-1);
  for (const index of indices) {
    const currency = currencyOf(grouping, index);
    const best = bestOfCurrency[currency]!;
    if (best < 0 || order.compare(index, best) < 0) bestOfCurrency[currency] = index;
  }
  const groupCount = grouping.currencyCount * names.length;
  const groupRows: (number[] | undefined)[] = new Array<number[] | undefined>(groupCount);
  const groupBest = new Int32Array(groupCount);
  const lastRank = new Int32Array(groupCount);
  const repeats = new Uint8Array(groupCount);
  for (const index of byDay) {
    const group = groupOf(grouping, index);
    const rank = ranks.rankOf[ranks.dateCodes[index]!]!;
    const rows = groupRows[group];
    if (!rows) {
      groupRows[group] = [index];
      groupBest[group] = index;
    } else {
      // Two rows of one group on one day (a null key and a "(none)" one): their days keep the report's order.
      if (lastRank[group] === rank) repeats[group] = 1;
      rows.push(index);
      if (order.compare(index, groupBest[group]!) < 0) groupBest[group] = index;
    }
    lastRank[group] = rank;
  }
  const placed: { currency: number; groups: PlacedGroup[] }[] = [];
  const sequence = new Int32Array(indices.length);
  let places = 0;
  const ranked = [...bestOfCurrency.keys()].filter((currency) => bestOfCurrency[currency]! >= 0);
  for (const currency of ranked.sort((a, b) => order.compare(bestOfCurrency[a]!, bestOfCurrency[b]!))) {
    const groups: number[] = [];
    for (let name = 0; name < names.length; name++)
      if (groupRows[currency * names.length + name]) groups.push(currency * names.length + name);
    groups.sort((a, b) => order.compare(groupBest[a]!, groupBest[b]!));
    placed.push({
      currency,
      groups: groups.map((group) => {
        const rows = groupRows[group]!;
        if (repeats[group] === 1)
          rows.sort((a, b) => compareText(order.dateOf(a) as string, order.dateOf(b) as string) || order.compare(a, b));
        const start = places;
        for (const index of rows) sequence[places++] = index;
        return { name: names[group % names.length]!, start, end: places };
      }),
    });
  }
  return { sequence: sequence.subarray(0, places), placed };
}

/** A currency's groups as series, keyed by the export's names. */
function seriesOfGroups(
  groups: readonly PlacedGroup[],
  seriesAt: (start: number, dates: readonly string[]) => DaySeries,
  sequence: Int32Array,
  order: RowOrder,
): Record<string, DaySeries> {
  // Without a prototype, a campaign named `__proto__` or `constructor` is a group like any other.
  const byGroup = Object.create(null) as Record<string, DaySeries>;
  for (const group of groups) {
    const dates = new Array<string>(group.end - group.start);
    for (let place = group.start; place < group.end; place++)
      dates[place - group.start] = order.dateOf(sequence[place]!) as string;
    byGroup[group.name] = seriesAt(group.start, dates);
  }
  return byGroup;
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
  const sets = lists._set ?? [];
  const length = sets.length;
  const indices = rowsOfSet(sets, groupingBits(query, set.columns));
  const keys = codedOf(columns[dimension], length);
  const dates = codedOf(columns.date, length);
  const order = new RowOrder(dimension, present.has('spend') ? (lists.sum_spend ?? []) : [], keys, dates);
  const currencyColumn = codedOf(columns.currency, length);
  const currencies =
    query.soleCurrency === undefined
      ? idsOf(currencyColumn.values, (value) => (value as string | null | undefined) ?? null)
      : { ids: new Int32Array(currencyColumn.values.length), keys: [query.soleCurrency] };
  const names = idsOf(keys.values, (value) => String((value as string | number | null | undefined) ?? '(none)'));
  const grouping: Grouping = {
    order,
    currencyOfCode: currencies.ids,
    currencyCodes: currencyColumn.codes,
    currencyCount: currencies.keys.length,
    nameOfCode: names.ids,
    keyCodes: keys.codes,
    names: names.keys,
  };
  const { rankOf, days } = dayRanks(dates);
  const byDay = rowsByDay(indices, dates.codes, rankOf, days);
  const { sequence, placed } = placeRows(grouping, indices, byDay, { rankOf, dateCodes: dates.codes });
  const placeOf = new Int32Array(length).fill(-1);
  for (let place = 0; place < sequence.length; place++) placeOf[sequence[place]!] = place;
  const seriesAt = dayTable(sumListsOf(lists, present), present, { indices, placeOf, sequence });
  const out = new Map<string | null, Record<string, DaySeries>>();
  for (const { currency, groups } of placed)
    out.set(currencies.keys[currency]!, seriesOfGroups(groups, seriesAt, sequence, order));
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
