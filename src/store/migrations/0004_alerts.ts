import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('alert_rules')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organizations.id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('metric', 'text', (col) => col.notNull())
    .addColumn('threshold', 'double precision', (col) => col.notNull())
    .addColumn('for_seconds', 'integer', (col) => col.notNull())
    .addColumn('hysteresis', 'double precision', (col) => col.notNull())
    .addColumn('severity', 'text', (col) => col.notNull())
    .addColumn('category', 'text', (col) => col.notNull())
    .addColumn('enabled', 'integer', (col) => col.notNull())
    .addColumn('pending_since', 'text')
    .addColumn('firing', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_value', 'double precision')
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addUniqueConstraint('alert_rules_org_metric_unique', ['org_id', 'metric'])
    .execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organizations.id'))
    .addColumn('fingerprint', 'text', (col) => col.notNull())
    .addColumn('severity', 'text', (col) => col.notNull())
    .addColumn('category', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('message', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('count', 'integer', (col) => col.notNull())
    .addColumn('first_seen_at', 'text', (col) => col.notNull())
    .addColumn('last_seen_at', 'text', (col) => col.notNull())
    .addColumn('acknowledged_by', 'text')
    .addColumn('acknowledged_at', 'text')
    .addColumn('acknowledge_note', 'text')
    .addColumn('resolved_by', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('resolution', 'text')
    .execute();
  await db.schema
    .createIndex('alerts_org_status_idx')
    .on('alerts')
    .columns(['org_id', 'status', 'fingerprint'])
    .execute();

  await db.schema
    .createTable('alert_history')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('alert_id', 'text', (col) => col.notNull().references('alerts.id').onDelete('cascade'))
    .addColumn('at', 'text', (col) => col.notNull())
    .addColumn('event', 'text', (col) => col.notNull())
    .addColumn('actor', 'text')
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('alert_history_alert_idx').on('alert_history').column('alert_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['alert_history', 'alerts', 'alert_rules']) await db.schema.dropTable(table).execute();
}
