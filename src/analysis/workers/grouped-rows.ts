import type { DuckConnection } from '../engine/duckdb.js';
import { groupingQuery, type AnalysisOptions, type GroupingQuery, type Profile } from '../engine/analysis.js';
import { Params } from '../engine/sql.js';

/** One grouping query's rows as DuckDB wrote them (a JSON array), with what `readGroups` needs to read them. */
export interface GroupedRows {
  readonly json: string;
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
 * Runs an analysis's grouping query and returns its rows as one JSON text
 * that DuckDB writes on its own threads: the event loop receives a single
 * string instead of converting tens of thousands of rows, and the worker
 * that reads them parses it.
 */
export async function groupedRows(connection: DuckConnection, source: string, options: AnalysisOptions, shape: Profile): Promise<GroupedRows> {
  const params = new Params();
  const query = groupingQuery(source, options, shape, params);
  const [row] = await connection.rows(`SELECT CAST(coalesce(to_json(list(g)), '[]') AS VARCHAR) AS grouped FROM (${query.sql}) g`, params.values);
  return { json: typeof row?.grouped === 'string' ? row.grouped : '[]', query, options, shape };
}
