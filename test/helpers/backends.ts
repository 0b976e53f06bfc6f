import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config.js';

export type Backend = 'sqlite' | 'postgres';

/** The operator's first password in every test instance (it must be changed at first login). */
export const OPERATOR_FIRST_PASSWORD = 'first-Operator-pass-2026';

const PG_URL = process.env.PCA_TEST_DATABASE_URL;

if (process.env.CI && !PG_URL) {
  // CI must exercise both backends; a silent skip would hide PostgreSQL failures.
  throw new Error('CI is set but PCA_TEST_DATABASE_URL is not: the PostgreSQL suite would be skipped');
}

/** Every backend this run can exercise: SQLite always, PostgreSQL when PCA_TEST_DATABASE_URL is set. */
export const BACKENDS: readonly Backend[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestEnvironment {
  readonly backend: Backend;
  /** The environment variables that point an instance (or a `pca` child process) at this isolated store. */
  readonly env: Record<string, string>;
  readonly config: Config;
  readonly dataDir: string;
  /** Removes the temp data dir and drops the PostgreSQL schema. */
  cleanup(): Promise<void>;
}

/** A temp data dir and, on PostgreSQL, a fresh schema that nothing else uses. */
export async function createTestEnvironment(
  backend: Backend,
  extraEnv: Record<string, string> = {},
): Promise<TestEnvironment> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pca-test-'));
  const env: Record<string, string> = {
    PCA_DATA_DIR: dataDir,
    PCA_LOG_LEVEL: 'silent',
    PCA_DUCKDB_THREADS: '1',
    PCA_DUCKDB_MEMORY_LIMIT: '256MB',
    PCA_ADMIN_PASSWORD: OPERATOR_FIRST_PASSWORD,
    // Suites probe many routes without credentials from one address; test/security/anonymous-flood sets its own limit.
    PCA_ANON_RATE_LIMIT: '100000',
    ...extraEnv,
  };
  let schema: string | undefined;
  if (backend === 'postgres') {
    if (!PG_URL) throw new Error('PCA_TEST_DATABASE_URL is not set');
    schema = `t_${randomBytes(6).toString('hex')}`;
    env.PCA_DATABASE_URL = PG_URL;
    env.PCA_DATABASE_SCHEMA = schema;
  }
  return {
    backend,
    env,
    config: loadConfig(env),
    dataDir,
    cleanup: async () => {
      await rm(dataDir, { recursive: true, force: true });
      if (schema !== undefined) await dropSchema(schema);
    },
  };
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}
