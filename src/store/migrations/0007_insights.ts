import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Insights, recommendations and anomalies of an analysis; each with a stable id.
  await db.schema
    .createTable('insights')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organizations.id'))
    .addColumn('analysis_id', 'text', (col) => col.notNull().references('analyses.id').onDelete('cascade'))
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('rule_id', 'text', (col) => col.notNull())
    .addColumn('category', 'text', (col) => col.notNull())
    .addColumn('priority', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('sentence', 'text', (col) => col.notNull())
    .addColumn('evidence', 'text', (col) => col.notNull())
    .addColumn('payload', 'text', (col) => col.notNull())
    .addColumn('source_id', 'text')
    .addColumn('rank', 'integer', (col) => col.notNull())
    .addColumn('score', 'real', (col) => col.notNull())
    .addColumn('suppressed', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('insights_analysis_idx')
    .on('insights')
    .columns(['analysis_id', 'kind', 'rank'])
    .execute();
  await db.schema.createIndex('insights_org_rule_idx').on('insights').columns(['org_id', 'rule_id']).execute();

  // One row per user and target, updated in place.
  await db.schema
    .createTable('feedback')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organizations.id'))
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('target_type', 'text', (col) => col.notNull())
    .addColumn('target_id', 'text', (col) => col.notNull())
    .addColumn('analysis_id', 'text', (col) => col.notNull())
    .addColumn('rule_id', 'text')
    .addColumn('category', 'text')
    .addColumn('priority', 'text')
    .addColumn('recommendation_type', 'text')
    .addColumn('rating', 'integer')
    .addColumn('implemented', 'integer')
    .addColumn('effectiveness', 'integer')
    .addColumn('actual_impact', 'real')
    .addColumn('measured_value', 'text')
    .addColumn('scores', 'text')
    .addColumn('notes', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addUniqueConstraint('feedback_user_target_key', ['user_id', 'target_type', 'target_id'])
    .execute();
  await db.schema.createIndex('feedback_org_rule_idx').on('feedback').columns(['org_id', 'rule_id']).execute();

  // An organisation's standing decisions about a rule: suppressed by the loop, restored by an admin.
  await db.schema
    .createTable('rule_preferences')
    .addColumn('org_id', 'text', (col) => col.notNull().references('organizations.id'))
    .addColumn('rule_id', 'text', (col) => col.notNull())
    .addColumn('suppressed_at', 'text')
    .addColumn('restored_at', 'text')
    .addColumn('restored_by', 'text')
    .addPrimaryKeyConstraint('rule_preferences_pkey', ['org_id', 'rule_id'])
    .execute();

  await db.schema.alterTable('analyses').addColumn('summary', 'text').execute();

  // A budget for a campaign or a platform over a flight (dates inclusive).
  await db.schema
    .createTable('budgets')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organizations.id'))
    .addColumn('scope', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('amount', 'real', (col) => col.notNull())
    .addColumn('currency', 'text')
    .addColumn('start_date', 'text', (col) => col.notNull())
    .addColumn('end_date', 'text', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('budgets_org_idx').on('budgets').columns(['org_id', 'scope', 'name']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('budgets').execute();
  await db.schema.alterTable('analyses').dropColumn('summary').execute();
  await db.schema.dropTable('rule_preferences').execute();
  await db.schema.dropTable('feedback').execute();
  await db.schema.dropTable('insights').execute();
}
