import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as Bindings from '@duckdb/node-bindings';
import type { DuckDbConfig } from '../../config.js';
import { columnsOfResult, rowsOfResult, type DuckBindings, type DuckColumn, type DuckRow } from './results.js';

export type { DuckColumn, DuckRow, DuckValue } from './results.js';

/**
 * DuckDB's C API as the project's own Node binding exposes it: one small
 * CommonJS file and the native library. The higher-level `@duckdb/node-api`
 * wraps it in some 120 files whose loading cost ≈ 100 ms of every
 * `pca analyze`; this engine needs only statements, bound parameters and rows.
 */
const duckdb = createRequire(import.meta.url)('@duckdb/node-bindings') as DuckBindings;

/** A bound parameter: numbers bind as INTEGER, BIGINT or DOUBLE as they are, like DuckDB's own literals. */
export type SqlParam = string | number | boolean | null;

/** One connection's statements; a connection runs one at a time. */
export interface DuckConnection {
  /** Runs SQL and discards any result; without parameters it may hold several statements. */
  run(sql: string, params?: readonly SqlParam[]): Promise<void>;
  /** Runs one statement and returns its rows as plain JS values (see results.ts for the mapping). */
  rows(sql: string, params?: readonly SqlParam[]): Promise<DuckRow[]>;
  /** Runs one statement and returns its columns, each as one list (see `columnsOfResult`). */
  columns(sql: string, params?: readonly SqlParam[]): Promise<Record<string, DuckColumn>>;
}

/** The process's one DuckDB instance; analysis code reaches DuckDB only through this. */
export interface DuckEngine {
  /** Runs one statement with bound parameters and returns its rows as plain JS values. */
  query(sql: string, params?: readonly SqlParam[]): Promise<DuckRow[]>;
  /** Lends a connection for several statements (e.g. a temp table then a query). */
  withConnection<T>(work: (connection: DuckConnection) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): void;
}

export interface DuckEngineOptions {
  /**
   * Whether scans keep file order. A one-shot analysis (the CLI) only
   * aggregates, and reading a CSV is about 30 % faster without it; the server
   * keeps it so a dataset's preview shows the file's first rows.
   */
  readonly preserveInsertionOrder?: boolean;
  /**
   * The only folders (and their contents) statements may read or write: the
   * data dir for the server, the temp folder for the CLI. Everything else on
   * disk is out of reach, whatever SQL reaches the engine.
   */
  readonly allowedDirectories: readonly string[];
  /** Single files also allowed (the CLI's input files, wherever they are). */
  readonly allowedPaths?: readonly string[];
}

const sqlList = (values: readonly string[]) =>
  `[${values.map((value) => `'${value.replace(/'/g, "''")}'`).join(', ')}]`;

function bind(prepared: Bindings.PreparedStatement, index: number, value: SqlParam): void {
  if (value === null) duckdb.bind_null(prepared, index);
  else if (typeof value === 'string') duckdb.bind_varchar(prepared, index, value);
  else if (typeof value === 'boolean') duckdb.bind_boolean(prepared, index, value);
  else if (!Number.isInteger(value)) duckdb.bind_double(prepared, index, value);
  else if (value >= -2_147_483_648 && value <= 2_147_483_647) duckdb.bind_int32(prepared, index, value);
  else if (Number.isSafeInteger(value)) duckdb.bind_int64(prepared, index, BigInt(value));
  else duckdb.bind_double(prepared, index, value);
}

function connectionOf(raw: Bindings.Connection): DuckConnection {
  async function execute(sql: string, params: readonly SqlParam[]): Promise<Bindings.Result> {
    if (params.length === 0) return duckdb.query(raw, sql);
    const prepared = await duckdb.prepare(raw, sql);
    try {
      params.forEach((value, index) => bind(prepared, index + 1, value));
      return await duckdb.execute_prepared(prepared);
    } finally {
      duckdb.destroy_prepare_sync(prepared);
    }
  }
  return {
    run: async (sql, params = []) => {
      await execute(sql, params);
    },
    rows: async (sql, params = []) => rowsOfResult(duckdb, await execute(sql, params)),
    columns: async (sql, params = []) => columnsOfResult(duckdb, await execute(sql, params)),
  };
}

/**
 * Opens an in-memory DuckDB with the configured threads and memory limit.
 * Extensions are never downloaded: only the built-in ones (parquet, json, icu) are used.
 * Files are reachable only in the allowed folders and paths.
 */
export async function openDuckEngine(
  config: DuckDbConfig,
  tempDir: string,
  options: DuckEngineOptions,
): Promise<DuckEngine> {
  await mkdir(tempDir, { recursive: true, mode: 0o700 });
  const settings = duckdb.create_config();
  for (const [name, value] of Object.entries({
    threads: String(config.threads),
    memory_limit: config.memoryLimit,
    temp_directory: tempDir,
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    preserve_insertion_order: String(options.preserveInsertionOrder ?? true),
    // Its cache of Parquet pages grows with every dataset version read, up to the memory limit, in a server
    // that never reads most of them again; the operating system's page cache holds the hot files anyway.
    enable_external_file_cache: 'false',
  })) {
    duckdb.set_config(settings, name, value);
  }
  const database = await duckdb.open(':memory:', settings);
  // External access goes off only after the allowed lists are set, and the configuration is locked so no statement can turn it back on.
  const setup = await duckdb.connect(database);
  try {
    const directories = [...options.allowedDirectories, tempDir].map((dir) => (dir.endsWith('/') ? dir : `${dir}/`));
    await duckdb.query(setup, `SET allowed_directories = ${sqlList(directories)}`);
    if (options.allowedPaths && options.allowedPaths.length > 0)
      await duckdb.query(setup, `SET allowed_paths = ${sqlList(options.allowedPaths)}`);
    await duckdb.query(setup, 'SET enable_external_access = false');
    await duckdb.query(setup, 'SET lock_configuration = true');
  } catch (error) {
    duckdb.close_sync(database);
    throw error;
  } finally {
    duckdb.disconnect_sync(setup);
  }
  let closed = false;

  async function withConnection<T>(work: (connection: DuckConnection) => Promise<T>): Promise<T> {
    if (closed) throw new Error('DuckDB engine is closed');
    const raw = await duckdb.connect(database);
    try {
      return await work(connectionOf(raw));
    } finally {
      duckdb.disconnect_sync(raw);
    }
  }

  return {
    withConnection,
    query: (sql, params = []) => withConnection((connection) => connection.rows(sql, params)),
    ping: () => withConnection((connection) => connection.run('select 1')),
    close: () => {
      if (closed) return;
      closed = true;
      duckdb.close_sync(database);
    },
  };
}
