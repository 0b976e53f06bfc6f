import type { DuckColumn, DuckConnection } from '../engine/duckdb.js';
import { columnLength, columnValues } from '../engine/results.js';
import { groupingQuery, type AnalysisOptions, type GroupingQuery, type Profile } from '../engine/analysis.js';
import { Params } from '../engine/sql.js';

/** The daily platform and campaign pairs: what the trend, anomaly, tracking and pacing rules read. */
export const DAILY_PAIR_SETS = [
  ['platform', 'date'],
  ['campaign', 'date'],
] as const;

/** The daily pairs alone, as a query's breakdowns. */
export const DAILY_PAIRS: AnalysisOptions = { breakdowns: DAILY_PAIR_SETS, granularities: [] };

/** One grouping query's rows as DuckDB answered them (one list per column), with what `readGroups` needs to read them. */
export interface GroupedRows {
  readonly columns: Readonly<Record<string, DuckColumn>>;
  readonly query: GroupingQuery;
  readonly options: AnalysisOptions;
  readonly shape: Profile;
}

/** The period compared with, when the analysis has dates; `rows` null when that period has no rows. */
export interface PreviousRows {
  readonly kind: 'previous' | 'year';
  readonly range: { from: string; to: string };
  readonly before: { from: string; to: string };
  readonly rows: GroupedRows | null;
}

/**
 * Runs an analysis's grouping query and returns its rows as one list per
 * column, read a chunk at a time between turns of the event loop: the sums
 * as Float64Arrays, which cross to the worker as one copy each. (They were
 * one JSON text that DuckDB wrote and the worker parsed: building it took
 * about half of DuckDB's time on a year of daily campaign rows.)
 */
export async function groupedRows(
  connection: DuckConnection,
  source: string,
  options: AnalysisOptions,
  shape: Profile,
): Promise<GroupedRows> {
  const params = new Params();
  const query = groupingQuery(source, options, shape, params);
  return { columns: await connection.columns(query.sql, params.values), query, options, shape };
}

/** How many rows a `groupedRows` answer holds. */
export function groupedCount(columns: Readonly<Record<string, DuckColumn>>): number {
  return columnLength(columns._set);
}

/** A `groupedRows` answer as one plain list per column (coded columns expanded), of the columns `wanted` names. */
export function groupedLists(
  columns: Readonly<Record<string, DuckColumn>>,
  wanted: (name: string) => boolean = () => true,
): Record<string, ArrayLike<unknown>> {
  return Object.fromEntries(
    Object.entries(columns)
      .filter(([name]) => wanted(name))
      .map(([name, column]) => [name, columnValues(column)]),
  );
}

/**
 * The rows of a `groupedRows` answer, one object per row again (a null sum reads as NaN: read sums through `toNumber`).
 * `skipSets` names grouping sets (`_set` values) whose rows are read another way: the daily pairs are most rows of an
 * analysis's answer, and `dailySeries` reads them from the columns.
 */
export function rowsOfGrouped(
  columns: Readonly<Record<string, DuckColumn>>,
  outputs: readonly string[],
  skipSets: ReadonlySet<number> = new Set(),
): Record<string, unknown>[] {
  const count = groupedCount(columns);
  const sets = columns._set;
  const kept: number[] = [];
  for (let index = 0; index < count; index++) if (!skipSets.has(valueAt(sets, index) as number)) kept.push(index);
  const rows: Record<string, unknown>[] = new Array<Record<string, unknown>>(kept.length);
  const lists = outputs.map((column) => [column, columns[column]] as const);
  kept.forEach((index, at) => {
    const row: Record<string, unknown> = {};
    for (const [column, list] of lists) row[column] = valueAt(list, index) ?? null;
    rows[at] = row;
  });
  return rows;
}

/** Row `index` of a column (a coded value looked up, not the whole column expanded). */
function valueAt(column: DuckColumn | undefined, index: number): unknown {
  if (column === undefined) return undefined;
  return column instanceof Float64Array ? column[index] : column.values[column.codes[index]!];
}
