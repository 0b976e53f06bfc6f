import type { DuckEngine } from '../engine/duckdb.js';
import { unifiedColumnType } from '../ingest/load.js';
import { sqlString } from '../ingest/values.js';
import { DIMENSIONS, MEASURES } from '../schema.js';

/** Columns of dataset files already read: a file name is never reused for other contents (every build writes a new one). */
const known = new Map<string, ReadonlySet<string>>();
const KNOWN_MAX = 2_000;

/** The column names of each file, from its footer (cached per file). */
async function columnsOf(duck: DuckEngine, files: readonly string[]): Promise<Set<string>> {
  const unread = files.filter((file) => !known.has(file));
  if (unread.length > 0) {
    const rows = await duck.query(
      `SELECT DISTINCT file_name, name FROM parquet_schema([${unread.map(sqlString).join(', ')}])`,
    );
    for (const file of unread)
      known.set(file, new Set(rows.filter((row) => row.file_name === file).map((row) => String(row.name))));
    for (const file of known.keys()) {
      if (known.size <= KNOWN_MAX) break;
      known.delete(file);
    }
  }
  return new Set(files.flatMap((file) => [...(known.get(file) ?? [])]));
}

/**
 * The relation over datasets' Parquet files in the full unified schema, in
 * file order. A file holds only the fields its dataset stores (files written
 * before hold all of them), so files are joined by column name and a field no
 * file has reads as a typed NULL.
 */
export async function unifiedParquetSource(duck: DuckEngine, files: readonly string[]): Promise<string> {
  const present = await columnsOf(duck, files);
  const columns = [...DIMENSIONS, ...MEASURES].map((field) =>
    present.has(field) ? `"${field}"` : `CAST(NULL AS ${unifiedColumnType(field)}) AS "${field}"`,
  );
  return `(SELECT ${columns.join(', ')} FROM read_parquet([${files.map(sqlString).join(', ')}], union_by_name = true))`;
}
