import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { migrateToLatest, openStore, type Store } from '../../src/store/store.js';
import { prepareDataDir } from '../../src/store/data-dir.js';
import { BACKENDS, createTestEnvironment, type TestEnvironment } from '../helpers/backends.js';

describe.each(BACKENDS)('migrations [%s]', (backend) => {
  const opened: Store[] = [];
  let environment: TestEnvironment | undefined;

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    await environment?.cleanup();
    environment = undefined;
  });

  async function open(): Promise<Store> {
    environment ??= await createTestEnvironment(backend);
    await prepareDataDir(environment.config.dataDir);
    const store = openStore(environment.config.database);
    opened.push(store);
    return store;
  }

  it('applies every migration once, then nothing', async () => {
    const store = await open();
    const all = Object.keys(await migrationProvider.getMigrations()).sort();
    const first = await migrateToLatest(store, environment!.config.database);
    expect(first.applied).toEqual(all);
    const second = await migrateToLatest(store, environment!.config.database);
    expect(second.applied).toEqual([]);
  });

  it('creates tables that accept and return rows', async () => {
    const store = await open();
    await migrateToLatest(store, environment!.config.database);
    await store.db.insertInto('leases').values({ name: 'retention', holder: 'a', expires_at: 'x' }).execute();
    const rows = await store.db.selectFrom('leases').selectAll().execute();
    expect(rows).toEqual([{ name: 'retention', holder: 'a', expires_at: 'x' }]);
    await expect(
      store.db.insertInto('leases').values({ name: 'retention', holder: 'b', expires_at: 'y' }).execute(),
    ).rejects.toThrow();
  });

  it('lets two instances migrate the same store at once', async () => {
    const [a, b] = [await open(), await open()];
    const results = await Promise.all([
      migrateToLatest(a, environment!.config.database),
      migrateToLatest(b, environment!.config.database),
    ]);
    const applied = results.flatMap((result) => result.applied);
    expect(applied.sort()).toEqual(Object.keys(await migrationProvider.getMigrations()).sort());
    const count = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(a.db);
    expect(Number(count.rows[0]?.n)).toBe(applied.length);
  });
});
