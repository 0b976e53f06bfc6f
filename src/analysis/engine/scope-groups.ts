import type { DuckColumn, DuckConnection } from './duckdb.js';
import {
  groupingBits,
  groupingQuery,
  isScoped,
  profile,
  profileAggregates,
  readProfile,
  ROW_COUNT,
  withComplete,
  type AnalysisOptions,
  type GroupingQuery,
  type Profile,
} from './analysis.js';
import { Params, sumAlias } from './sql.js';
import { groupedRows, type GroupedRows } from '../workers/grouped-rows.js';
import { DIMENSIONS, MEASURES, type Dimension } from '../schema.js';

type Columns = Readonly<Record<string, DuckColumn>>;

function valueAt(column: DuckColumn | undefined, index: number): unknown {
  if (column === undefined) return undefined;
  return column instanceof Float64Array ? column[index] : column.values[column.codes[index]!];
}

/** The rows of one grouping set in a query's answer. */
function rowsOfSet(columns: Columns, query: GroupingQuery, set: readonly string[]): number[] {
  const sets = columns._set;
  const bits = groupingBits(query, set);
  const indices: number[] = [];
  const length = sets instanceof Float64Array ? sets.length : (sets?.codes.length ?? 0);
  for (let index = 0; index < length; index++) if (valueAt(sets, index) === bits) indices.push(index);
  return indices;
}

/** The sum of a column over some rows, a NULL or non-number counting as nothing. */
function sumAt(column: DuckColumn | undefined, indices: readonly number[]): number {
  return indices.reduce((sum, index) => {
    const value = Number(valueAt(column, index));
    return Number.isNaN(value) ? sum : sum + value;
  }, 0);
}

/** The distinct values (NULL included) a column takes over some rows. */
function distinctOf(column: DuckColumn | undefined, indices: readonly number[]): unknown[] {
  return [...new Set(indices.map((index) => valueAt(column, index) ?? null))];
}

/** Whether each dimension of the whole but currency is a key of some set of the query: its profile can be read from its groups. */
function keysEveryDimension(query: GroupingQuery, whole: Profile): boolean {
  return whole.dimensions.every(
    (dimension) => dimension === 'currency' || query.sets.some((set) => set.columns.includes(dimension)),
  );
}

/** The currencies of a scope's rows, from the total's rows (grouped by currency unless the whole has one at most). */
function scopeCurrencies(
  columns: Columns,
  total: readonly number[],
  query: GroupingQuery,
  whole: Profile,
  rows: number,
): (string | null)[] {
  return query.soleCurrency === undefined
    ? (distinctOf(columns.currency, total) as (string | null)[])
    : rows > 0
      ? [...whole.currencies]
      : [];
}

/**
 * The profile of a scope from a totals-only query that also took a profile's
 * aggregates of the fields the whole has gaps in (`profileAggregates`): one
 * row per currency at most, summed as `profile` reads its one row.
 */
export function countedProfile(
  columns: Columns,
  counts: DuckColumn | undefined,
  query: GroupingQuery,
  whole: Profile,
): Profile {
  const total = rowsOfSet(columns, query, []);
  const rows = sumAt(counts, total);
  const texts = (name: string) =>
    total
      .map((index) => valueAt(columns[name], index))
      .filter((value): value is string => typeof value === 'string')
      .sort();
  const complete = new Set(whole.complete ?? []);
  const counted: Record<string, unknown> = {
    n: rows,
    date_from: texts('date_from')[0] ?? null,
    date_to: texts('date_to').at(-1) ?? null,
    currencies: scopeCurrencies(columns, total, query, whole, rows),
    platforms: [...new Set(total.flatMap((index) => (valueAt(columns.platforms, index) as string[] | null) ?? []))],
  };
  for (const field of [...whole.measures, ...whole.dimensions])
    counted[`n_${field}`] = complete.has(field) ? rows : sumAt(columns[`n_${field}`], total);
  return withComplete(readProfile(counted), (field) => Number(counted[`n_${field}`] ?? 0));
}

/**
 * The profile of a scope from the groups of a query built on the whole
 * source's profile, with each group's row count: what `profile` would count
 * in the scope. A measure is present where its sum is (a sum over values is
 * never NULL; reach by its count of rows), a dimension where a set keyed by
 * it has a non-NULL key; the dates and platforms are those keys. `complete`
 * lists the fields complete in the whole that the scope has (a scope's rows
 * all report them); the scope may complete more, which only `groupingQuery`
 * reads, to drop a filter that changes nothing.
 */
export function keyedProfile(
  columns: Columns,
  counts: DuckColumn | undefined,
  query: GroupingQuery,
  whole: Profile,
): Profile {
  const total = rowsOfSet(columns, query, []);
  const rows = sumAt(counts, total);
  const keysOf = (dimension: Dimension) => {
    const set = query.sets.find((candidate) => candidate.columns.includes(dimension));
    return set
      ? distinctOf(columns[dimension], rowsOfSet(columns, query, set.columns)).filter((key) => key !== null)
      : [];
  };
  const currencies = scopeCurrencies(columns, total, query, whole, rows);
  const measures = whole.measures.filter((measure) =>
    measure === 'reach'
      ? sumAt(columns.reach_rows, total) > 0
      : total.some((index) => !Number.isNaN(Number(valueAt(columns[sumAlias(measure)], index) ?? NaN))),
  );
  const keys = new Map(
    whole.dimensions
      .filter((dimension) => dimension !== 'currency')
      .map((dimension) => [dimension, keysOf(dimension) as string[]] as const),
  );
  const dimensions = whole.dimensions.filter((dimension) =>
    dimension === 'currency'
      ? currencies.some((currency) => currency !== null)
      : (keys.get(dimension)?.length ?? 0) > 0,
  );
  const dates = (keys.get('date') ?? []).slice().sort();
  const complete = new Set(whole.complete ?? []);
  return {
    rows,
    measures: MEASURES.filter((measure) => measures.includes(measure)),
    dimensions: DIMENSIONS.filter((dimension) => dimensions.includes(dimension)),
    currencies: currencies.slice().sort(),
    platforms: (keys.get('platform') ?? []).slice().sort(),
    dateRange: { from: dates[0] ?? null, to: dates.at(-1) ?? null },
    complete: [...measures, ...dimensions].filter((field) => complete.has(field)),
  };
}

/** A query's sets over the dimensions a scope has: a set over one it lacks would read as a group of NULL keys. */
function setsWithin(query: GroupingQuery, shape: Profile): GroupingQuery {
  return {
    ...query,
    sets: query.sets.filter((set) => set.columns.every((column) => shape.dimensions.includes(column as Dimension))),
  };
}

/**
 * An analysis's grouped rows with its scope's profile. A scoped profile was a
 * scan of its own before the grouping scan (60–100 ms of CPU on 1M rows);
 * here the grouping scan, built on the whole's profile (a scope never has
 * more fields), also counts each group's rows and the profile is read from its
 * groups (`keyedProfile`), or, for totals only (the period compared with),
 * from a profile's aggregates taken in the same scan (`countedProfile`).
 * With a conversion (it replaces the currencies a profile reports, and its
 * rates are checked against the scope's own), or other sets that leave a
 * dimension unkeyed, the profile is scanned first as before.
 */
export async function scopedGroupedRows(
  connection: DuckConnection,
  source: string,
  options: AnalysisOptions,
  whole: Profile,
): Promise<GroupedRows> {
  if (!isScoped(options)) return groupedRows(connection, source, options, whole);
  if (options.conversion === undefined) {
    const complete = new Set(whole.complete ?? []);
    const fields = [...whole.measures, ...whole.dimensions].filter((field) => !complete.has(field));
    let params = new Params();
    let query = groupingQuery(source, options, whole, params, whole.currencies, 'rows');
    const totalsOnly = query.sets.every((set) => set.kind === 'total');
    if (totalsOnly) {
      params = new Params();
      query = groupingQuery(source, options, whole, params, whole.currencies, { fields });
    }
    if (totalsOnly || keysEveryDimension(query, whole)) {
      const { [ROW_COUNT]: counts, ...all } = await connection.columns(query.sql, params.values);
      const profiled = new Set(profileAggregates(fields).map(([column]) => column));
      const columns = Object.fromEntries(Object.entries(all).filter(([name]) => !profiled.has(name)));
      const shape = totalsOnly
        ? countedProfile(all, counts, query, whole)
        : keyedProfile(columns, counts, query, whole);
      return { columns, query: setsWithin(query, shape), options, shape };
    }
  }
  return groupedRows(connection, source, options, await profile(connection, source, options, whole));
}
