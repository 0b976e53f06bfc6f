import { chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import type pgModule from 'pg';
import type { DatabaseConfig } from '../config.js';
import { migrationProvider } from './migrations/index.js';
import { allowReadNow } from './read-now.js';
import { SchemaScopedPostgresDialect } from './pg-introspector.js';
import type { Database } from './schema.js';
import { withSqliteFileLock } from './sqlite-lock.js';
import { checkpointInBackground } from './wal-checkpoints.js';

export type StoreDialect = DatabaseConfig['kind'];

/** The state store: one Kysely instance over SQLite or PostgreSQL. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /** Round-trips a trivial query; rejects when the store cannot answer. */
  ping(): Promise<void>;
  /** Connection counts, for monitoring. */
  poolStats(): PoolStats;
  close(): Promise<void>;
}

export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

export interface MigrationOutcome {
  readonly applied: readonly string[];
}

const INT8_OID = 20;

// The PostgreSQL driver loads only for a PostgreSQL store: a `pca` command on SQLite starts ~0.2 s sooner.
const requireModule = createRequire(import.meta.url);
const loadPg = (): typeof pgModule => requireModule('pg') as typeof pgModule;

/** Counts and byte sizes are bigint in PostgreSQL; they fit a JS number here. */
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary'): ((value: string) => unknown) =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : (loadPg().types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown),
};

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew; preparing costs more than running a
 * small statement. The same SQL text reuses its prepared statement (the
 * driver runs one query at a time, so a statement is never used twice at once).
 *
 * Transactions begin IMMEDIATE: a deferred one that reads first cannot take
 * the write lock once another process (a CLI command beside the server) has
 * committed, and fails at once with "database is locked" instead of waiting.
 */
function cachingStatements(database: BetterSqlite3.Database): {
  close(): void;
  prepare(sqlText: string): BetterSqlite3.Statement;
} {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare: (sqlText: string) => {
      const text = sqlText === 'begin' ? 'begin immediate' : sqlText;
      let statement = cache.get(text);
      if (statement === undefined) {
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
        statement = database.prepare(text);
        cache.set(text, statement);
      }
      return statement;
    },
  };
}

/**
 * Puts the store in WAL mode. Two processes opening a new store at once (two `pca migrate`s, or
 * two instances starting) can each hold the lock the other's switch needs; SQLite then answers
 * "database is locked" at once instead of waiting, so the loser tries again shortly, by which time
 * the file is in WAL mode and the switch takes no lock. It runs at open, before anything is served.
 */
function switchToWal(database: BetterSqlite3.Database, timeoutMs = 5000): void {
  const until = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      database.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      const busy = error instanceof BetterSqlite3.SqliteError && error.code.startsWith('SQLITE_BUSY');
      if (!busy || Date.now() > until) throw error;
      Atomics.wait(pause, 0, 0, 10 + Math.floor(Math.random() * 20));
    }
  }
}

function openSqlite(file: string): Store {
  // The busy timeout is set at open: switching a new file to WAL takes an exclusive lock,
  // and a second process opening the same store at that moment must wait, not fail.
  const database = new BetterSqlite3(file, { timeout: 5000 });
  // The store holds password hashes and sealed secrets: owner-only, whatever the umask.
  chmodSync(file, 0o600);
  switchToWal(database);
  database.pragma('foreign_keys = ON');
  database.pragma('synchronous = NORMAL');
  const checkpoints = checkpointInBackground(database, file);
  const statements = cachingStatements(database);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }) });
  allowReadNow(db, { database, prepare: (sqlText) => statements.prepare(sqlText) });
  return {
    db,
    dialect: 'sqlite',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    poolStats: () => ({ total: database.open ? 1 : 0, idle: database.open ? 1 : 0, waiting: 0 }),
    close: async () => {
      await checkpoints.stop();
      await db.destroy();
    },
  };
}

function openPostgres(url: string, schema: string, poolMax: number): Store {
  const pool = new (loadPg().Pool)({
    connectionString: url,
    max: poolMax,
    options: `-c search_path=${schema}`,
    types: pgTypes,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new SchemaScopedPostgresDialect({ pool }, schema) });
  return {
    db,
    dialect: 'postgres',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => db.destroy(),
  };
}

export function openStore(config: DatabaseConfig): Store {
  return config.kind === 'sqlite' ? openSqlite(config.file) : openPostgres(config.url, config.schema, config.poolMax);
}

/** Applies every pending migration; safe to call on every start and from several instances at once. */
export async function migrateToLatest(store: Store, config: DatabaseConfig): Promise<MigrationOutcome> {
  if (config.kind === 'postgres' && config.schema !== 'public') {
    // Concurrent CREATE SCHEMA IF NOT EXISTS can still collide in PostgreSQL; serialise it.
    await store.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('pca:create-schema'))`.execute(trx);
      await sql`create schema if not exists ${sql.id(config.schema)}`.execute(trx);
    });
  }
  // On PostgreSQL the migration tables are named with their schema: Kysely's existence check looks across
  // schemas, so another deployment's (or test's) schema in the same database must not count as ours.
  const migrator = new Migrator({
    db: store.db,
    provider: migrationProvider,
    ...(config.kind === 'postgres' ? { migrationTableSchema: config.schema } : {}),
  });
  const { error, results } =
    config.kind === 'sqlite'
      ? await withSqliteFileLock(`${config.file}.migrate-lock`, () => migrator.migrateToLatest())
      : await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    const reason = error instanceof Error ? error.message : JSON.stringify(error);
    throw new Error(`migration ${failed} failed: ${reason}`);
  }
  return { applied: (results ?? []).map((result) => result.migrationName) };
}
