import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDataDir } from '../../src/store/data-dir.js';
import { migrateToLatest, openStore, type Store } from '../../src/store/store.js';
import { BACKENDS, createTestEnvironment, type TestEnvironment } from '../helpers/backends.js';

// Schemas are PostgreSQL's: on SQLite there is no other deployment in the same database.
const postgresOnly = BACKENDS.includes('postgres') ? describe : describe.skip;

/** Migrations run while another deployment's schema is dropped and made again, each time. */
const RUNS = 20;

postgresOnly('migrating beside schemas that come and go [postgres]', () => {
  let environment: TestEnvironment;
  let store: Store;
  let admin: pg.Client;
  const others = Array.from({ length: 3 }, (_, i) => `t_other_${process.pid}_${i}`);

  beforeAll(async () => {
    environment = await createTestEnvironment('postgres');
    await prepareDataDir(environment.config.dataDir);
    store = openStore(environment.config.database);
    await migrateToLatest(store, environment.config.database);
    admin = new pg.Client({ connectionString: process.env.PCA_TEST_DATABASE_URL });
    await admin.connect();
  }, 60_000);
  afterAll(async () => {
    for (const schema of others) await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
    await store.close();
    await environment.cleanup();
  });

  // Seen once as a flake (`pca ask-reviews`: "migration unknown failed: schema "t_…" does not exist"): another test's
  // cleanup dropped its schema while Kysely's introspector, reading every schema of the database, looked its tables up by name.
  it(`applies migrations ${RUNS} times while other schemas are dropped and made again, never failing`, async () => {
    let running = true;
    const churn = (async () => {
      for (let i = 0; running; i++) {
        const schema = others[i % others.length]!;
        await admin.query(`drop schema if exists "${schema}" cascade`);
        const tables = Array.from(
          { length: 10 },
          (_, k) => `create table "${schema}".t${k} (id serial primary key, label text)`,
        );
        await admin.query(`create schema "${schema}"; ${tables.join('; ')}`);
      }
    })();
    const failures: string[] = [];
    try {
      for (let run = 0; run < RUNS; run++) {
        await migrateToLatest(store, environment.config.database).catch((error: unknown) =>
          failures.push(String(error)),
        );
      }
    } finally {
      running = false;
      await churn;
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it("sees this store's tables only, with their columns", async () => {
    const { database } = environment.config;
    const tables = await store.db.introspection.getTables();
    expect(tables.every((table) => database.kind === 'postgres' && table.schema === database.schema)).toBe(true);
    const users = tables.find((table) => table.name === 'users');
    expect(users?.columns.map((column) => column.name)).toEqual(expect.arrayContaining(['id', 'org_id', 'username']));
    expect(tables.map((table) => table.name)).not.toContain('kysely_migration');
    expect(
      (await store.db.introspection.getTables({ withInternalKyselyTables: true })).map((table) => table.name),
    ).toContain('kysely_migration');
  });
});
