import type { Kysely } from 'kysely';
import { deleteDataset } from '../analysis/datasets/datasets.js';
import type { DuckEngine } from '../analysis/engine/duckdb.js';
import type { DataDirLayout } from '../store/data-dir.js';
import { purgeRateLimits } from '../store/rate-limits.js';
import type { Database } from '../store/schema.js';
import { present, type Organization } from './organizations.js';

export interface RetentionDeps {
  readonly db: Kysely<Database>;
  readonly layout: DataDirLayout;
  readonly duck: DuckEngine;
}

/** Removes one kind of data of one organisation older than its retention; returns what it removed. */
export type Purger = (deps: RetentionDeps, org: Organization, now: Date) => Promise<number>;

const DAY_MS = 86_400_000;
/** Ended sessions are kept this long for the session list and investigations, then removed. */
const ENDED_SESSION_DAYS = 30;

const cutoff = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();

const purgeEndedSessions: Purger = async ({ db }, org, now) => {
  const before = new Date(now.getTime() - ENDED_SESSION_DAYS * DAY_MS).toISOString();
  const result = await db
    .deleteFrom('sessions')
    .where('org_id', '=', org.id)
    .where((eb) => eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
};

/**
 * Every kind of data retention covers. Features that store tenant data add
 * theirs here (analyses, datasets and audit events use the organisation's
 * `retention` days).
 */
const purgeAnalyses: Purger = async ({ db }, org, now) => {
  const result = await db
    .deleteFrom('analyses')
    .where('org_id', '=', org.id)
    .where('created_at', '<', cutoff(now, org.retention.analysesDays))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
};

/** Datasets go with their files; each one through the same path as a user's delete. */
const purgeDatasets: Purger = async (deps, org, now) => {
  const expired = await deps.db
    .selectFrom('datasets')
    .select('id')
    .where('org_id', '=', org.id)
    .where('created_at', '<', cutoff(now, org.retention.datasetsDays))
    .execute();
  for (const { id } of expired) await deleteDataset({ ...deps, clock: () => now }, org.id, id);
  return expired.length;
};

export const PURGERS: Readonly<Record<string, Purger>> = {
  sessions: purgeEndedSessions,
  analyses: purgeAnalyses,
  datasets: purgeDatasets,
};

export interface RetentionReport {
  readonly ranAt: string;
  readonly organizations: number;
  /** Rows removed per kind, summed over organisations. */
  readonly removed: Record<string, number>;
}

/** One retention pass over every organisation; idempotent (a second pass removes nothing more). */
export async function runRetention(deps: RetentionDeps, now: Date): Promise<RetentionReport> {
  const { db } = deps;
  const rows = await db.selectFrom('organizations').selectAll().execute();
  const removed: Record<string, number> = Object.fromEntries(Object.keys(PURGERS).map((kind) => [kind, 0]));
  for (const org of rows.map(present)) {
    for (const [kind, purge] of Object.entries(PURGERS)) {
      removed[kind] = (removed[kind] ?? 0) + (await purge(deps, org, now));
    }
  }
  removed.rate_limits = await purgeRateLimits(db, new Date(now.getTime() - DAY_MS).toISOString());
  return { ranAt: now.toISOString(), organizations: rows.length, removed };
}
