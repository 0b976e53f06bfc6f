import type { DuckColumn, DuckConnection } from './duckdb.js';
import {
  groupingBits,
  groupingQuery,
  isScoped,
  profile,
  ROW_COUNT,
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

/** The distinct values (NULL included) a column takes over some rows. */
function distinctOf(column: DuckColumn | undefined, indices: readonly number[]): unknown[] {
  return [...new Set(indices.map((index) => valueAt(column, index) ?? null))];
}

/**
 * Whether every field a scope's profile reports can be read from the query's
 * groups: each dimension of the whole but currency is a key of some set, and
 * money is not converted (a conversion replaces the currencies the profile
 * reports, and its rates are checked against the scope's own).
 */
function readsProfile(query: GroupingQuery, whole: Profile, options: AnalysisOptions): boolean {
  return (
    options.conversion === undefined &&
    whole.dimensions.every(
      (dimension) => dimension === 'currency' || query.sets.some((set) => set.columns.includes(dimension)),
    )
  );
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
export function profileOfGroups(
  columns: Columns,
  counts: DuckColumn | undefined,
  query: GroupingQuery,
  whole: Profile,
): Profile {
  const total = rowsOfSet(columns, query, []);
  const sumOver = (column: DuckColumn | undefined) =>
    total.reduce((sum, index) => {
      const value = Number(valueAt(column, index));
      return Number.isNaN(value) ? sum : sum + value;
    }, 0);
  const rows = sumOver(counts);
  const keysOf = (dimension: Dimension) => {
    const set = query.sets.find((candidate) => candidate.columns.includes(dimension));
    return set
      ? distinctOf(columns[dimension], rowsOfSet(columns, query, set.columns)).filter((key) => key !== null)
      : [];
  };
  const currencies =
    query.soleCurrency === undefined
      ? (distinctOf(columns.currency, total) as (string | null)[])
      : rows > 0
        ? [...whole.currencies]
        : [];
  const measures = whole.measures.filter((measure) =>
    measure === 'reach'
      ? sumOver(columns.reach_rows) > 0
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
 * groups. Where it cannot be (a conversion, a dimension no set is keyed by),
 * the profile is scanned first as before.
 */
export async function scopedGroupedRows(
  connection: DuckConnection,
  source: string,
  options: AnalysisOptions,
  whole: Profile,
): Promise<GroupedRows> {
  if (!isScoped(options)) return groupedRows(connection, source, options, whole);
  const params = new Params();
  const query = groupingQuery(source, options, whole, params, whole.currencies, true);
  if (!readsProfile(query, whole, options))
    return groupedRows(connection, source, options, await profile(connection, source, options, whole));
  const { [ROW_COUNT]: counts, ...columns } = await connection.columns(query.sql, params.values);
  const shape = profileOfGroups(columns, counts, query, whole);
  return { columns, query: setsWithin(query, shape), options, shape };
}
