import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The dataset's current Parquet file, one immutable version per build; NULL: the first layout's data.parquet.
  await db.schema.alterTable('datasets').addColumn('data_file', 'text').execute();
}
