import { SqliteAdapter, sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // No foreign keys: the trail outlives what it describes.
  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'text', (col) => col.notNull())
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('seq', 'bigint', (col) => col.notNull())
    .addColumn('occurred_at', 'text', (col) => col.notNull())
    .addColumn('actor_type', 'text', (col) => col.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text')
    .addColumn('actor_ip', 'text')
    .addColumn('actor_user_agent', 'text')
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('target_name', 'text')
    .addColumn('outcome', 'text', (col) => col.notNull())
    .addColumn('reason', 'text')
    .addColumn('severity', 'text', (col) => col.notNull())
    .addColumn('request_id', 'text')
    .addColumn('details', 'text', (col) => col.notNull())
    .addColumn('prev_hash', 'text', (col) => col.notNull())
    .addColumn('hash', 'text', (col) => col.notNull())
    // The chain position is the key; `id` (random, 103 bits) needs no index of its own, and each index costs every append.
    .addPrimaryKeyConstraint('audit_events_pkey', ['org_id', 'seq'])
    // On SQLite the rows are then stored in chain order (one b-tree fewer per append, sequential verification).
    .$call((table) => (db.getExecutor().adapter instanceof SqliteAdapter ? table.modifyEnd(sql`without rowid`) : table))
    .execute();
  await db.schema
    .createIndex('audit_events_org_time_idx')
    .on('audit_events')
    .columns(['org_id', 'occurred_at'])
    .execute();
  await db.schema
    .createIndex('audit_events_org_action_idx')
    .on('audit_events')
    .columns(['org_id', 'action', 'occurred_at'])
    .execute();
  await db.schema
    .createIndex('audit_events_org_actor_idx')
    .on('audit_events')
    .columns(['org_id', 'actor_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('audit_events_org_target_idx')
    .on('audit_events')
    .columns(['org_id', 'target_id', 'seq'])
    .execute();

  // One row per organisation: the chain's head (a checkpoint against truncation) and
  // where archived history ends; `mac` seals the row with the audit key.
  await db.schema
    .createTable('audit_heads')
    .addColumn('org_id', 'text', (col) => col.primaryKey())
    .addColumn('seq', 'bigint', (col) => col.notNull())
    .addColumn('hash', 'text', (col) => col.notNull())
    .addColumn('archived_seq', 'bigint', (col) => col.notNull())
    .addColumn('archived_hash', 'text', (col) => col.notNull())
    .addColumn('mac', 'text', (col) => col.notNull())
    .execute();

  // How far a reader of the trail (the security rules) has got, per organisation.
  await db.schema
    .createTable('audit_cursors')
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('seq', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('audit_cursors_pkey', ['name', 'org_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_cursors').execute();
  await db.schema.dropTable('audit_heads').execute();
  await db.schema.dropTable('audit_events').execute();
}
