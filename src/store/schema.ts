/**
 * The state store's tables as Kysely sees them. Each feature adds its tables
 * here together with the migration that creates them.
 *
 * Conventions that hold on SQLite and PostgreSQL alike: ids are prefixed text,
 * timestamps are UTC ISO 8601 text, JSON is text, booleans are 0/1 integers.
 */
export interface Database {
  leases: LeaseTable;
}

/** A lease names the one instance that runs a singleton job (retention, alert evaluation). */
export interface LeaseTable {
  name: string;
  holder: string;
  expires_at: string;
}
