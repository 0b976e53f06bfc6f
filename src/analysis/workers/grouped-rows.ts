import type { DuckColumn, DuckConnection } from '../engine/duckdb.js';
import { columnLength, columnValues } from '../engine/results.js';
import { groupingQuery, type AnalysisOptions, type GroupingQuery, type Profile } from '../engine/analysis.js';
import { Params } from '../engine/sql.js';

/** The daily platform and campaign pairs: what the trend, anomaly, tracking and pacing rules read. */
export const DAILY_PAIRS: AnalysisOptions = {
  breakdowns: [
    ['platform', 'date'],
    ['campaign', 'date'],
  ],
  granularities: [],
};

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

/** A `groupedRows` answer as one plain list per column (coded columns expanded). */
export function groupedLists(columns: Readonly<Record<string, DuckColumn>>): Record<string, ArrayLike<unknown>> {
  return Object.fromEntries(Object.entries(columns).map(([name, column]) => [name, columnValues(column)]));
}

/** The rows of a `groupedRows` answer, one object per row again (a null sum reads as NaN: read sums through `toNumber`). */
export function rowsOfGrouped(
  columns: Readonly<Record<string, DuckColumn>>,
  outputs: readonly string[],
): Record<string, unknown>[] {
  const count = groupedCount(columns);
  const rows: Record<string, unknown>[] = new Array<Record<string, unknown>>(count);
  const lists = outputs.map((column) => [column, columnValues(columns[column])] as const);
  for (let index = 0; index < count; index++) {
    const row: Record<string, unknown> = {};
    for (const [column, list] of lists) row[column] = list[index] ?? null;
    rows[index] = row;
  }
  return rows;
}
