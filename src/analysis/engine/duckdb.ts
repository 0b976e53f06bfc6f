import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as DuckDB from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { DuckDbConfig } from '../../config.js';

// The package is CommonJS re-exporting some 120 files: imported as ESM, Node scans each for its export
// names (≈ 200 ms of every `pca analyze` here); required, it only loads them.
const { DuckDBInstance } = createRequire(import.meta.url)('@duckdb/node-api') as typeof DuckDB;

export type DuckRow = Record<string, unknown>;

/** The process's one DuckDB instance; analysis code reaches DuckDB only through this. */
export interface DuckEngine {
  /** Runs one statement with bound parameters and returns its rows as plain JS values. */
  query(sql: string, params?: readonly DuckDBValue[]): Promise<DuckRow[]>;
  /** Lends a connection for several statements (e.g. a temp table then a query). */
  withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): void;
}

/**
 * Opens an in-memory DuckDB with the configured threads and memory limit.
 * Extensions are never downloaded: only the built-in ones (parquet, json, icu) are used.
 */
export interface DuckEngineOptions {
  /**
   * Whether scans keep file order. A one-shot analysis (the CLI) only
   * aggregates, and reading a CSV is about 30 % faster without it; the server
   * keeps it so a dataset's preview shows the file's first rows.
   */
  readonly preserveInsertionOrder?: boolean;
}

export async function openDuckEngine(config: DuckDbConfig, tempDir: string, options: DuckEngineOptions = {}): Promise<DuckEngine> {
  await mkdir(tempDir, { recursive: true, mode: 0o700 });
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(config.threads),
    memory_limit: config.memoryLimit,
    temp_directory: tempDir,
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    enable_external_access: 'true',
    preserve_insertion_order: String(options.preserveInsertionOrder ?? true),
  });
  let closed = false;

  async function withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (closed) throw new Error('DuckDB engine is closed');
    const connection = await instance.connect();
    try {
      return await work(connection);
    } finally {
      connection.closeSync();
    }
  }

  return {
    withConnection,
    query: (sql, params = []) =>
      withConnection(async (connection) => {
        const reader = await connection.runAndReadAll(sql, [...params]);
        return reader.getRowObjectsJS();
      }),
    ping: async () => {
      await withConnection((connection) => connection.run('select 1'));
    },
    close: () => {
      if (closed) return;
      closed = true;
      instance.closeSync();
    },
  };
}
