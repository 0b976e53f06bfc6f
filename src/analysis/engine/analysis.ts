import { AppError } from '../../errors.js';
import type { DuckConnection } from './duckdb.js';
import { COVERED_SUMS, computeKpis, type KpiValues, type MeasureTotals, type SumName } from '../kpis.js';
import { DIMENSIONS, MEASURES, type Dimension, type Measure } from '../schema.js';
import { ident, measureSums, metricsOf, Params, rolledUpSums, sumColumnNames, type MetricRow } from './sql.js';

export const GRANULARITIES = ['day', 'week', 'month', 'quarter'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export interface DimensionFilter {
  readonly dimension: Dimension;
  /** One value (equals) or several (in-list). */
  readonly values: readonly string[];
}

export interface DateRange {
  readonly from?: string;
  readonly to?: string;
}

export interface CurrencyConversion {
  readonly to: string;
  /** Units of `to` per one unit of each currency. */
  readonly rates: Readonly<Record<string, number>>;
}

export interface Scope {
  readonly filters?: readonly DimensionFilter[];
  readonly dateRange?: DateRange;
  readonly conversion?: CurrencyConversion;
}

export interface GroupRow {
  /** The dimension values of the group (a breakdown's dimension, a pair's two). */
  readonly key: Partial<Record<Dimension, string | null>>;
  readonly currency: string | null;
  readonly measures: MeasureTotals;
  readonly kpis: KpiValues;
}

export interface SeriesPoint {
  readonly period: string;
  readonly currency: string | null;
  readonly measures: MeasureTotals;
  readonly kpis: KpiValues;
}

export interface Profile {
  readonly rows: number;
  readonly measures: Measure[];
  readonly dimensions: Dimension[];
  readonly currencies: (string | null)[];
  readonly platforms: string[];
  readonly dateRange: { readonly from: string | null; readonly to: string | null };
  /**
   * Fields every row reports, where `profile` counted them: a sum over the rows that report such a
   * measure is the whole sum, and any scope's rows all report such a field.
   */
  readonly complete?: readonly (Measure | Dimension)[];
}

export interface AnalysisResult {
  readonly profile: Profile;
  readonly conversion: CurrencyConversion | undefined;
  /** One row per currency (one in all when converted). */
  readonly totals: GroupRow[];
  readonly breakdowns: Record<string, GroupRow[]>;
  readonly timeSeries: Partial<Record<Granularity, SeriesPoint[]>>;
}

/** The period a day (YYYY-MM-DD) falls in: ISO week (Monday start), month or quarter. */
export function periodOf(day: string, granularity: Granularity): string {
  if (granularity === 'day') return day;
  if (granularity === 'month') return day.slice(0, 7);
  if (granularity === 'quarter') return `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
  const date = new Date(`${day}T00:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7;
  const thursday = new Date(date.getTime() + (3 - weekday) * 86_400_000);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - yearStart) / 86_400_000 / 7) + 1;
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/**
 * Code-unit order: right for ISO periods and currency codes, stable across
 * locales, and without the ≈ 20 ms ICU collator set-up that the first
 * localeCompare of a process costs.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byPeriodAndCurrency(a: SeriesPoint, b: SeriesPoint): number {
  return compareText(a.period, b.period) || compareText(String(a.currency), String(b.currency));
}

/** The sums a group carries: its measures, the covered sums of its partial measures, and the count of rows with reach. */
function summedNames(present: ReadonlySet<Measure>): SumName[] {
  return [
    ...present,
    ...COVERED_SUMS.filter((sum) => present.has(sum.measure) && present.has(sum.reportedBy)).map((sum) => sum.name),
    ...(present.has('reach') ? (['reach_rows'] as const) : []),
  ];
}

/** Sums daily points into longer periods; KPIs are recomputed from the summed measures. */
export function rollUp(
  days: readonly SeriesPoint[],
  granularity: Granularity,
  present: ReadonlySet<Measure>,
): SeriesPoint[] {
  if (granularity === 'day') return [...days];
  const groups = new Map<string, { period: string; currency: string | null; measures: MeasureTotals }>();
  const sums = summedNames(present);
  for (const point of days) {
    const period = periodOf(point.period, granularity);
    const key = `${period}\u0000${point.currency}`;
    const group = groups.get(key) ?? { period, currency: point.currency, measures: {} };
    for (const name of sums) {
      const value = point.measures[name];
      if (value !== null && value !== undefined) group.measures[name] = (group.measures[name] ?? 0) + value;
      else if (!(name in group.measures)) group.measures[name] = null;
    }
    groups.set(key, group);
  }
  // Reach is not additive: a period keeps it only when one row of the file reports it.
  if (present.has('reach'))
    for (const group of groups.values()) if (group.measures.reach_rows !== 1) group.measures.reach = null;
  return [...groups.values()]
    .map((group) => ({ ...group, kpis: computeKpis(group.measures) }))
    .sort(byPeriodAndCurrency);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A real YYYY-MM-DD day (not 2025-02-30). */
export function isCalendarDay(text: string): boolean {
  const ms = Date.parse(`${text}T00:00:00Z`);
  return DAY.test(text) && !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}

/**
 * Refuses a range that ends before it starts: it would match no row, and the
 * caller would read "no data" where they made a typo. `field` is where the
 * range sits in the request (its `to` is named as the wrong end).
 */
export function assertDateRange(range: DateRange | undefined, field = '/body/dateRange'): void {
  if (range?.from === undefined || range.to === undefined || range.from <= range.to) return;
  throw new AppError('validation', `The date range is backwards: from ${range.from} is after to ${range.to}.`, {}, [
    { field: `${field}/to`, message: `must not be before from (${range.from})` },
  ]);
}

/** WHERE clause of a scope, every value bound. */
export function scopeWhere(scope: Scope, params: Params): string {
  const clauses: string[] = [];
  for (const filter of scope.filters ?? []) {
    if (filter.values.length === 0) continue;
    clauses.push(`${ident(filter.dimension)} IN (${filter.values.map((value) => params.add(value)).join(', ')})`);
  }
  for (const [bound, op] of [
    [scope.dateRange?.from, '>='],
    [scope.dateRange?.to, '<='],
  ] as const) {
    if (bound === undefined) continue;
    if (!isCalendarDay(bound)) {
      throw new AppError('validation', `Dates are YYYY-MM-DD, not "${bound}".`, {}, [
        { field: '/dateRange', message: 'must be YYYY-MM-DD' },
      ]);
    }
    clauses.push(`"date" ${op} CAST(${params.add(bound)} AS DATE)`);
  }
  assertDateRange(scope.dateRange, '/dateRange');
  return clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
}

/** Refuses a conversion that lacks the rate of a currency in the data. */
export function assertRates(conversion: CurrencyConversion, currencies: readonly (string | null)[]): void {
  const missing = currencies.filter((currency) => currency === null || conversion.rates[currency] === undefined);
  const needed = missing.filter((currency) => currency !== conversion.to);
  if (needed.length > 0) {
    throw new AppError(
      'validation',
      `No exchange rate for ${needed.map((currency) => currency ?? 'rows without a currency').join(', ')}.`,
      {},
      [{ field: '/rates', message: `needs ${needed.map(String).join(', ')}` }],
    );
  }
}

/** A relation with money converted to one currency when rates are given; otherwise the source itself. */
export function convertedSource(
  source: string,
  scope: Scope,
  params: Params,
  currencies: readonly (string | null)[],
): string {
  const conversion = scope.conversion;
  if (!conversion) return source;
  assertRates(conversion, currencies);
  const whens = Object.entries(conversion.rates)
    .map(([currency, rate]) => `WHEN currency = ${params.add(currency)} THEN CAST(${params.add(rate)} AS DOUBLE)`)
    .join(' ');
  const factor = `(CASE WHEN currency = ${params.add(conversion.to)} THEN 1.0 ${whens} END)`;
  const columns = [
    ...DIMENSIONS.filter((dimension) => dimension !== 'currency').map(ident),
    `${params.add(conversion.to)} AS currency`,
  ];
  const measures = MEASURES.map((measure) =>
    measure === 'spend' || measure === 'revenue'
      ? `${ident(measure)} * ${factor} AS ${ident(measure)}`
      : ident(measure),
  );
  return `(SELECT ${[...columns, ...measures].join(', ')} FROM ${source})`;
}

/** The aggregates of a profile but its row count and currencies, each with its column: each field's count of values, the dates and platforms. */
export function profileAggregates(
  fields: readonly (Measure | Dimension)[],
): (readonly [column: string, sql: string])[] {
  return [
    ...fields.map((field) => [`n_${field}`, `count(${ident(field)})`] as const),
    ['date_from', `strftime(min("date"), '%Y-%m-%d')`],
    ['date_to', `strftime(max("date"), '%Y-%m-%d')`],
    ['platforms', 'list(DISTINCT platform) FILTER (WHERE platform IS NOT NULL)'],
  ];
}

const aggregateSql = ([column, sql]: readonly [string, string]) => `${sql} AS ${ident(column)}`;

/** One row: which fields of `source` (within a scope) have values, its dates, currencies and platforms. Fields not counted read as absent. */
export function profileSql(
  source: string,
  where: string,
  fields: readonly (Measure | Dimension)[] = [...MEASURES, ...DIMENSIONS],
): string {
  return `SELECT ${['count(*) AS n', ...profileAggregates(fields).map(aggregateSql), 'list(DISTINCT currency) AS currencies'].join(', ')} FROM ${source} ${where}`;
}

export function readProfile(row: Readonly<Record<string, unknown>> | undefined): Profile {
  const count = (field: string) => Number(row?.[`n_${field}`] ?? 0);
  return {
    rows: Number(row?.n ?? 0),
    measures: MEASURES.filter((measure) => count(measure) > 0),
    dimensions: DIMENSIONS.filter((dimension) => count(dimension) > 0),
    currencies: ((row?.currencies as (string | null)[] | null) ?? []).slice().sort(),
    platforms: ((row?.platforms as string[] | null) ?? []).slice().sort(),
    dateRange: { from: (row?.date_from as string | null) ?? null, to: (row?.date_to as string | null) ?? null },
  };
}

/**
 * Which measures and dimensions the data has, its date range and currencies,
 * and which fields every row reports. `within`, the profile of the whole
 * source, narrows the scan to the fields it has (a scope never has more) and
 * skips counting those every row of the whole reports: a scope's count of
 * them is its row count.
 */
export async function profile(
  connection: DuckConnection,
  source: string,
  scope: Scope = {},
  within?: Profile,
): Promise<Profile> {
  const params = new Params();
  const fields = within ? [...within.measures, ...within.dimensions] : [...MEASURES, ...DIMENSIONS];
  // A field every row of the whole reports has a value on every row in scope: its count is the row
  // count, so its column is not read (reading the campaign and ad group names was most of a scoped profile).
  const whole = new Set(within?.complete ?? []);
  const [row] = await connection.rows(
    profileSql(
      source,
      scopeWhere(scope, params),
      fields.filter((field) => !whole.has(field)),
    ),
    params.values,
  );
  const counts: Record<string, unknown> = { ...row };
  for (const field of fields) if (whole.has(field)) counts[`n_${field}`] = row?.n;
  return withComplete(readProfile(counts), (field) => Number(counts[`n_${field}`]));
}

/** A profile with the fields it has that every one of its rows reports, given each field's count of values. */
export function withComplete(read: Profile, countOf: (field: Measure | Dimension) => number): Profile {
  return {
    ...read,
    complete: [...read.measures, ...read.dimensions].filter((field) => countOf(field) === read.rows),
  };
}

/** The currencies of `source` as `profile` reports them, reading the currency column alone (a profile reads every column). */
export async function currenciesOf(connection: DuckConnection, source: string): Promise<(string | null)[]> {
  const [row] = await connection.rows(`SELECT list(DISTINCT currency) AS currencies FROM ${source}`);
  return readProfile(row).currencies;
}

export interface AnalysisOptions extends Scope {
  /** Breakdowns to compute: single dimensions and pairs. Default: every present dimension but date and currency. */
  readonly breakdowns?: readonly (Dimension | readonly [Dimension, Dimension])[];
  readonly granularities?: readonly Granularity[];
  /**
   * Pairs (`campaign×date`) grouped in the same scan for the daily series, which read
   * them from the columns (`dailySeries`); the analysis result leaves them out. A
   * second statement for them scanned the whole source again.
   */
  readonly pairs?: readonly (readonly [Dimension, Dimension])[];
}

export function breakdownName(breakdown: Dimension | readonly [Dimension, Dimension]): string {
  return typeof breakdown === 'string' ? breakdown : `${breakdown[0]}×${breakdown[1]}`;
}

/** Merges the profiles of several datasets analysed together. */
export function mergeProfiles(profiles: readonly Profile[]): Profile {
  const min = (values: (string | null)[]) =>
    values.filter((value): value is string => value !== null).sort()[0] ?? null;
  const max = (values: (string | null)[]) =>
    values
      .filter((value): value is string => value !== null)
      .sort()
      .at(-1) ?? null;
  return {
    rows: profiles.reduce((sum, item) => sum + item.rows, 0),
    measures: MEASURES.filter((measure) => profiles.some((item) => item.measures.includes(measure))),
    dimensions: DIMENSIONS.filter((dimension) => profiles.some((item) => item.dimensions.includes(dimension))),
    currencies: [...new Set(profiles.flatMap((item) => item.currencies))].sort(),
    platforms: [...new Set(profiles.flatMap((item) => item.platforms))].sort(),
    dateRange: {
      from: min(profiles.map((item) => item.dateRange.from)),
      to: max(profiles.map((item) => item.dateRange.to)),
    },
  };
}

export function isScoped(scope: Scope): boolean {
  return (scope.filters?.length ?? 0) > 0 || scope.dateRange?.from !== undefined || scope.dateRange?.to !== undefined;
}

interface GroupingSet {
  readonly name: string;
  readonly columns: readonly string[];
  readonly kind: 'total' | 'breakdown' | 'day' | 'pair';
}

/** The one grouped scan of an analysis, and what `readGroups` needs to read its rows. */
export interface GroupingQuery {
  readonly sql: string;
  readonly sets: readonly GroupingSet[];
  /** Every grouped column, in GROUPING() order. */
  readonly columns: readonly string[];
  /** Every column of the query's rows. */
  readonly outputs: readonly string[];
  /** Set when money is not grouped by currency: the one currency of the data (null: not stated). */
  readonly soleCurrency: string | null | undefined;
}

/** The column of each group's count of rows, when `groupingQuery` is asked for it. */
export const ROW_COUNT = 'n_rows';

/**
 * Totals, breakdowns and the daily series as GROUPING SETS of one scan: every
 * group a sum of measures, money grouped by currency. `shape` says which
 * fields to group and sum; `readGroups` may read fewer of them. `currencies`
 * are those of the data, or 'unknown' when it is read in the same statement.
 * `counted` adds each group's count of rows (`ROW_COUNT`, not in `outputs`),
 * and with `fields` a profile's aggregates of them (`profileAggregates`),
 * only for sets grouped from the source.
 */
export function groupingQuery(
  source: string,
  options: AnalysisOptions,
  shape: Profile,
  params: Params,
  currencies: readonly (string | null)[] | 'unknown' = shape.currencies,
  counted?: 'rows' | { readonly fields: readonly (Measure | Dimension)[] },
): GroupingQuery {
  // Currencies not known yet (read in the same statement) are checked against the rates by the caller.
  const relation = convertedSource(source, options, params, currencies === 'unknown' ? [] : currencies);
  const where = scopeWhere(options, params);
  const breakdowns = breakdownsOf(options, shape);
  const sets: GroupingSet[] = [
    { name: 'total', columns: [], kind: 'total' },
    ...breakdowns.map((breakdown) => ({
      name: breakdownName(breakdown),
      columns: typeof breakdown === 'string' ? [breakdown] : [...breakdown],
      kind: 'breakdown' as const,
    })),
    ...(granularitiesOf(options, shape).length > 0 ? [{ name: 'day', columns: ['date'], kind: 'day' as const }] : []),
    // A pair that is also a breakdown is grouped once (a repeated grouping set repeats its rows).
    ...presentIn(options.pairs ?? [], shape)
      .filter((pair) => !breakdowns.some((breakdown) => breakdownName(breakdown) === breakdownName(pair)))
      .map((pair) => ({ name: breakdownName(pair), columns: [...pair], kind: 'pair' as const })),
  ];
  const columns = [...new Set(sets.flatMap((set) => set.columns))];
  const groupingId = columns.length > 0 ? `GROUPING(${columns.map(ident).join(', ')}) AS _set` : '0 AS _set';
  // Money is grouped by currency; with one currency in the data (or all converted to one) that
  // grouping changes nothing and costs ≈ a third of the scan, so it is left out.
  const soleCurrency = options.conversion
    ? options.conversion.to
    : currencies !== 'unknown' && currencies.length <= 1
      ? (currencies[0] ?? null)
      : undefined;
  const byCurrency = soleCurrency === undefined ? ['currency'] : [];
  const groupColumns = (set: GroupingSet) => [...byCurrency, ...set.columns.map(ident)].join(', ');
  // The total and the sets of one column that a pair holds are summed again from that pair's rows
  // (thousands) instead of grouped from every row of the source, where each set is one more hash table
  // every row goes through: for the daily pairs that took a quarter to a third of the scan's CPU on 10M rows.
  const pairOf = (set: GroupingSet) =>
    set.columns.length < 2
      ? sets.find((pair) => pair.columns.length === 2 && set.columns.every((column) => pair.columns.includes(column)))
      : undefined;
  const scanned = sets.filter((set) => !pairOf(set));
  const rowCount = counted ? [`count(*) AS ${ROW_COUNT}`] : [];
  const profiled = counted && counted !== 'rows' ? profileAggregates(counted.fields).map(aggregateSql) : [];
  const scan = `SELECT ${[...byCurrency, ...columns.map(ident), groupingId, ...measureSums(shape.measures, shape.complete), ...rowCount, ...profiled].join(', ')}
    FROM ${relation} ${where}
    GROUP BY GROUPING SETS (${scanned.map((set) => `(${groupColumns(set)})`).join(', ')})`;
  // A profile's aggregates are not summed again from a pair's rows: they come only with sets grouped from the source.
  if (profiled.length > 0 && scanned.length < sets.length)
    throw new Error('profile aggregates with sets summed from a pair');
  const rolledUp = sets.flatMap((set) => {
    const pair = pairOf(set);
    if (!pair) return [];
    const kept = columns.map((column) => (set.columns.includes(column) ? ident(column) : `NULL AS ${ident(column)}`));
    const groupBy = [...byCurrency, ...set.columns.map(ident)];
    return [
      `SELECT ${[...byCurrency, ...kept, `${groupingBits({ columns }, set.columns)} AS _set`, ...rolledUpSums(shape.measures), ...(counted ? [`CAST(sum(${ROW_COUNT}) AS BIGINT) AS ${ROW_COUNT}`] : [])].join(', ')}
      FROM _grouped WHERE _set = ${groupingBits({ columns }, pair.columns)} ${groupBy.length > 0 ? `GROUP BY ${groupBy.join(', ')}` : ''}`,
    ];
  });
  const grouped =
    rolledUp.length === 0
      ? scan
      : `WITH _grouped AS MATERIALIZED (${scan}) SELECT * FROM _grouped UNION ALL BY NAME ${rolledUp.join(' UNION ALL BY NAME ')}`;
  // Days are grouped as dates and written as text only once grouped: hashing a million formatted strings
  // instead of the dates cost about a sixth of the scan's CPU.
  const sql = columns.includes('date')
    ? `SELECT * REPLACE (strftime("date", '%Y-%m-%d') AS "date") FROM (${grouped})`
    : grouped;
  return {
    sql,
    sets,
    columns,
    outputs: [...byCurrency, ...columns, '_set', ...sumColumnNames(shape.measures)],
    soleCurrency,
  };
}

function breakdownsOf(
  options: AnalysisOptions,
  shape: Profile,
): readonly (Dimension | readonly [Dimension, Dimension])[] {
  return presentIn(
    options.breakdowns ?? shape.dimensions.filter((dimension) => dimension !== 'date' && dimension !== 'currency'),
    shape,
  );
}

/** The groupings whose dimensions the data in scope has. */
function presentIn<T extends Dimension | readonly [Dimension, Dimension]>(
  groupings: readonly T[],
  shape: Profile,
): T[] {
  return groupings.filter((grouping) => {
    const dimensions: readonly Dimension[] = typeof grouping === 'string' ? [grouping] : grouping;
    return dimensions.every((dimension) => shape.dimensions.includes(dimension));
  });
}

function granularitiesOf(options: AnalysisOptions, shape: Profile): readonly Granularity[] {
  return shape.dimensions.includes('date') ? (options.granularities ?? ['day', 'week', 'month']) : [];
}

function groupRow(key: GroupRow['key'], currency: string | null, { measures, kpis }: MetricRow): GroupRow {
  return { key, currency, measures, kpis };
}

/** The `_set` (GROUPING()) of a set's rows: a bit for each grouped column NOT in the set, first column highest. */
export function groupingBits(query: Pick<GroupingQuery, 'columns'>, columns: readonly string[]): number {
  return query.columns.reduce(
    (bits, column, index) => (columns.includes(column) ? bits : bits | (1 << (query.columns.length - 1 - index))),
    0,
  );
}

/**
 * The analysis from the rows of a grouping query. `shape` is what the data
 * in scope has: sets over fields it lacks are left out, and KPIs are computed
 * once from the summed measures; weeks, months and quarters are summed from
 * the days.
 */
export function readGroups(
  rows: readonly Readonly<Record<string, unknown>>[],
  query: GroupingQuery,
  options: AnalysisOptions,
  shape: Profile,
): AnalysisResult {
  const present = new Set(shape.measures);
  const breakdowns = new Set(breakdownsOf(options, shape).map(breakdownName));
  const granularities = granularitiesOf(options, shape);
  const bitsOf = (columns: readonly string[]) => groupingBits(query, columns);
  const bySet = new Map<number, Readonly<Record<string, unknown>>[]>();
  for (const row of rows) {
    const id = Number(row._set);
    const list = bySet.get(id);
    if (list) list.push(row);
    else bySet.set(id, [row]);
  }
  const currencyOf = (row: Readonly<Record<string, unknown>>) =>
    query.soleCurrency === undefined ? ((row.currency as string | null) ?? null) : query.soleCurrency;

  const spendOf = (row: GroupRow) => row.measures.spend ?? -Infinity;
  const totals: GroupRow[] = [];
  const breakdownRows: Record<string, GroupRow[]> = {};
  let days: SeriesPoint[] = [];
  for (const set of query.sets) {
    const setRows = bySet.get(bitsOf(set.columns)) ?? [];
    if (set.kind === 'total') {
      // Grouped by nothing, SQL answers one row of NULL sums even for no rows; no rows have no totals.
      if (shape.rows > 0) totals.push(...setRows.map((row) => groupRow({}, currencyOf(row), metricsOf(row, present))));
    } else if (set.kind === 'breakdown') {
      if (!breakdowns.has(set.name)) continue;
      breakdownRows[set.name] = setRows
        .map((row) => {
          const key: Partial<Record<Dimension, string | null>> = {};
          for (const column of set.columns) key[column as Dimension] = (row[column] as string | null) ?? null;
          return groupRow(key, currencyOf(row), metricsOf(row, present));
        })
        .sort((a, b) => spendOf(b) - spendOf(a) || compareText(JSON.stringify(a.key), JSON.stringify(b.key)));
    } else if (set.kind === 'day' && granularities.length > 0) {
      days = setRows
        .filter((row) => row.date !== null)
        .map((row) => {
          const { measures, kpis } = metricsOf(row, present);
          return { period: row.date as string, currency: currencyOf(row), measures, kpis };
        })
        .sort(byPeriodAndCurrency);
    }
  }
  const timeSeries: Partial<Record<Granularity, SeriesPoint[]>> = {};
  for (const granularity of granularities) timeSeries[granularity] = rollUp(days, granularity, present);
  totals.sort((a, b) => compareText(String(a.currency), String(b.currency)));
  return { profile: shape, conversion: options.conversion, totals, breakdowns: breakdownRows, timeSeries };
}

/** Totals, breakdowns and the daily series of a relation, in one scan (after a profile scan when scoped). */
export async function analyse(
  connection: DuckConnection,
  source: string,
  options: AnalysisOptions = {},
  knownProfile?: Profile,
): Promise<AnalysisResult> {
  const shape = knownProfile && !isScoped(options) ? knownProfile : await profile(connection, source, options);
  const params = new Params();
  const query = groupingQuery(source, options, shape, params);
  return readGroups(await connection.rows(query.sql, params.values), query, options, shape);
}
