import type { DuckConnection } from '../engine/duckdb.js';
import { groupingQuery, type AnalysisOptions, type Profile } from '../engine/analysis.js';
import { Params } from '../engine/sql.js';
import type { GroupedRows } from './analysis-task.js';

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
