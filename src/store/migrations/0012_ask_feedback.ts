import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Every question asked through /api/v1/ask: how it was read and what it answered, so the asker can rate it and a reviewer can see what was wrong.
  await db.schema
    .createTable('ask_questions')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organizations.id'))
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('question', 'text', (col) => col.notNull())
    .addColumn('question_key', 'text', (col) => col.notNull())
    .addColumn('scope', 'text', (col) => col.notNull())
    .addColumn('outcome', 'text', (col) => col.notNull())
    .addColumn('interpretation', 'text')
    .addColumn('query', 'text')
    .addColumn('query_key', 'text')
    .addColumn('answer', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('rating', 'text')
    .addColumn('comment', 'text')
    .addColumn('correction', 'text')
    .addColumn('rated_at', 'text')
    .execute();
  await db.schema
    .createIndex('ask_questions_user_idx')
    .on('ask_questions')
    .columns(['org_id', 'user_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('ask_questions_rating_idx')
    .on('ask_questions')
    .columns(['org_id', 'rating', 'created_at'])
    .execute();
  await db.schema
    .createIndex('ask_questions_question_idx')
    .on('ask_questions')
    .columns(['org_id', 'question_key'])
    .execute();
  await db.schema.createIndex('ask_questions_query_idx').on('ask_questions').columns(['org_id', 'query_key']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ask_questions').execute();
}
