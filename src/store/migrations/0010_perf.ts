import { sql, SqliteAdapter, type Kysely } from 'kysely';

/**
 * The columns a principal is built from (auth/authenticate.ts). A change to
 * any of them, or a deleted row, bumps `auth_epoch` in the same transaction,
 * so every instance's principal cache sees the change with its commit.
 * last_used_at is left out on purpose: it is touched once a minute per
 * session or key and changes nothing about who may do what.
 */
const WATCHED: Record<string, readonly string[]> = {
  sessions: ['revoked_at', 'expires_at', 'user_id', 'org_id'],
  users: ['role', 'status', 'is_operator', 'must_change_password', 'username', 'org_id'],
  organizations: ['status', 'features'],
  api_keys: ['revoked_at', 'expires_at', 'scopes', 'user_id', 'org_id', 'key_hash', 'name'],
};

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('auth_epoch')
    .addColumn('id', 'integer', (col) => col.primaryKey())
    .addColumn('epoch', 'bigint', (col) => col.notNull())
    .execute();
  await sql`insert into auth_epoch (id, epoch) values (1, 0)`.execute(db);
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  if (!sqlite) {
    await sql`create function pca_bump_auth_epoch() returns trigger language plpgsql as $$
      begin
        update auth_epoch set epoch = epoch + 1 where id = 1;
        return null;
      end $$`.execute(db);
  }
  for (const [table, columns] of Object.entries(WATCHED)) {
    if (sqlite) {
      const changed = columns.map((column) => `new.${column} is not old.${column}`).join(' or ');
      await sql
        .raw(
          `create trigger auth_epoch_${table}_update after update on ${table} when ${changed} begin update auth_epoch set epoch = epoch + 1 where id = 1; end`,
        )
        .execute(db);
      await sql
        .raw(
          `create trigger auth_epoch_${table}_delete after delete on ${table} begin update auth_epoch set epoch = epoch + 1 where id = 1; end`,
        )
        .execute(db);
    } else {
      const changed = columns.map((column) => `old.${column} is distinct from new.${column}`).join(' or ');
      await sql
        .raw(
          `create trigger auth_epoch_${table}_update after update on ${table} for each row when (${changed}) execute function pca_bump_auth_epoch()`,
        )
        .execute(db);
      await sql
        .raw(
          `create trigger auth_epoch_${table}_delete after delete on ${table} for each statement execute function pca_bump_auth_epoch()`,
        )
        .execute(db);
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  for (const table of Object.keys(WATCHED)) {
    for (const event of ['update', 'delete']) {
      await sql
        .raw(
          sqlite
            ? `drop trigger if exists auth_epoch_${table}_${event}`
            : `drop trigger if exists auth_epoch_${table}_${event} on ${table}`,
        )
        .execute(db);
    }
  }
  if (!sqlite) await sql`drop function if exists pca_bump_auth_epoch()`.execute(db);
  await db.schema.dropTable('auth_epoch').execute();
}
