import { SqliteAdapter, type Kysely } from 'kysely';

/** Whether the store is SQLite: where SQL must differ by dialect, callers ask here rather than inspect Kysely's adapter. */
export function isSqlite<DB>(db: Kysely<DB>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}
