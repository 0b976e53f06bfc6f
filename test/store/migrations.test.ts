import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { migrateToLatest, openStore, type Store } from '../../src/store/store.js';
import { prepareDataDir } from '../../src/store/data-dir.js';
import { BACKENDS, createTestEnvironment, type TestEnvironment } from '../helpers/backends.js';

/**
 * What src/store/schema.ts declares, read from its source: every table of
 * `Database`, each column, and whether its type admits null.
 */
function declaredSchema(): Record<string, Record<string, boolean>> {
  const file = ts.createSourceFile(
    'schema.ts',
    readFileSync(new URL('../../src/store/schema.ts', import.meta.url), 'utf8'),
    ts.ScriptTarget.Latest,
  );
  const interfaces = new Map(
    file.statements.filter(ts.isInterfaceDeclaration).map((declaration) => [declaration.name.text, declaration]),
  );
  const properties = (name: string) => {
    const declaration = interfaces.get(name);
    if (!declaration) throw new Error(`schema.ts declares no interface ${name}`);
    return declaration.members
      .filter(ts.isPropertySignature)
      .map((member) => ({ name: member.name.getText(file), type: member.type! }));
  };
  const nullable = (type: ts.TypeNode) =>
    ts.isUnionTypeNode(type) &&
    type.types.some((part) => ts.isLiteralTypeNode(part) && part.literal.kind === ts.SyntaxKind.NullKeyword);
  return Object.fromEntries(
    properties('Database').map((table) => [
      table.name,
      Object.fromEntries(properties(table.type.getText(file)).map((column) => [column.name, nullable(column.type)])),
    ]),
  );
}

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

  it('creates every table and column schema.ts declares, nullable exactly where it says', async () => {
    const store = await open();
    const config = environment!.config.database;
    await migrateToLatest(store, config);
    const tables = (await store.db.introspection.getTables()).filter(
      (table) => config.kind === 'sqlite' || table.schema === config.schema,
    );
    // SQLite lets a primary-key column of a rowid table hold NULL unless it says NOT NULL; the ids are always generated, so such a key counts as not null.
    const keyColumns = async (table: string) =>
      config.kind === 'sqlite'
        ? (
            await sql<{ name: string }>`select name from pragma_table_info(${table}) where pk > 0`.execute(store.db)
          ).rows.map((row) => row.name)
        : [];
    const created: Record<string, Record<string, boolean>> = {};
    for (const table of tables) {
      const keys = await keyColumns(table.name);
      created[table.name] = Object.fromEntries(
        table.columns.map((column) => [column.name, column.isNullable && !keys.includes(column.name)]),
      );
    }
    expect(created).toEqual(declaredSchema());
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
