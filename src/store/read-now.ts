import type BetterSqlite3 from 'better-sqlite3';
import type { CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.js';

interface SqliteHandle {
  readonly database: BetterSqlite3.Database;
  /** The store's statement cache (store.ts), shared with Kysely. */
  readonly prepare: (sqlText: string) => BetterSqlite3.Statement;
}

const handles = new WeakMap<Kysely<Database>, SqliteHandle>();

/** Called by the store when it opens SQLite: reads on `db` may then run at once (readNow). */
export function allowReadNow(db: Kysely<Database>, handle: SqliteHandle): void {
  handles.set(db, handle);
}

/**
 * The rows of a read run at once, without Kysely's connection queue: on SQLite every
 * authenticated request makes one or two point reads, and the queue's lock and chain of
 * promises cost several times the read itself.
 *
 * Undefined means "run it through Kysely": on PostgreSQL, for a statement that writes, and on
 * SQLite while a transaction is open on the connection. The last matters: a read inside
 * someone else's open transaction would see its uncommitted writes, and an auth epoch bumped
 * by a revocation that then rolls back would label a principal with a number the next real
 * revocation reuses. Outside a transaction the connection holds only committed data, its own
 * and every other connection's and process's (WAL), as a read through Kysely would.
 */
export function readNow<Row>(db: Kysely<Database>, query: CompiledQuery<Row>): Row[] | undefined {
  const handle = handles.get(db);
  if (handle === undefined || handle.database.inTransaction) return undefined;
  const statement = handle.prepare(query.sql);
  if (!statement.reader) return undefined;
  return statement.all(...query.parameters) as Row[];
}
