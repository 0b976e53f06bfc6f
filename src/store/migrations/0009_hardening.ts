import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The previous window's count: limits slide (two windows, weighted) instead of resetting at the edge.
  await db.schema
    .alterTable('rate_limits')
    .addColumn('prev_count', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
  // The key that minted a key: a child never outlives or outranks its parent and is revoked with it.
  await db.schema.alterTable('api_keys').addColumn('parent_key_id', 'text').execute();
  await db.schema.createIndex('api_keys_parent_idx').on('api_keys').column('parent_key_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('api_keys_parent_idx').execute();
  await db.schema.alterTable('api_keys').dropColumn('parent_key_id').execute();
  await db.schema.alterTable('rate_limits').dropColumn('prev_count').execute();
}
