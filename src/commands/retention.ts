import type { Kysely } from 'kysely';
import { archiveExpiredEvents, systemRecorder, type AuditLog, type AuditRecorder } from '../audit/index.js';
import {
  purgeAnalysesBefore,
  datasetIdsCreatedBefore,
  deleteDataset,
  sweepDatasetStorage,
  type DuckEngine,
} from '../analysis/index.js';
import { deleteQuestionsBefore } from '../ask/index.js';
import { purgeEndedSessions } from '../auth/index.js';
import type { DataDirLayout } from '../store/data-dir.js';
import { purgeRateLimits } from '../store/rate-limits.js';
import type { Database } from '../store/schema.js';
import { inTransaction } from '../store/transactions.js';
import { present, type Organization } from '../tenancy/index.js';

export interface RetentionDeps {
  readonly db: Kysely<Database>;
  readonly layout: DataDirLayout;
  readonly duck: DuckEngine;
  readonly audit: AuditLog;
}

/** Removes one kind of row of one organisation older than its retention; returns how many. */
type RowPurger = (db: Kysely<Database>, org: Organization, now: Date) => Promise<number>;

const DAY_MS = 86_400_000;
/** Ended sessions are kept this long for the session list and investigations, then removed. */
const ENDED_SESSION_DAYS = 30;

const cutoff = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();

const purgeSessions: RowPurger = (db, org, now) => purgeEndedSessions(db, org.id, cutoff(now, ENDED_SESSION_DAYS));

const purgeAnalyses: RowPurger = (db, org, now) =>
  purgeAnalysesBefore(db, org.id, cutoff(now, org.retention.analysesDays));

/** Asked questions keep their answers' rows, so they go on the analyses' schedule. */
const purgeQuestions: RowPurger = (db, org, now) =>
  deleteQuestionsBefore(db, org.id, cutoff(now, org.retention.analysesDays));

/** Rows removed together, in one transaction with the organisation's `retention.run` event. */
const ROW_PURGERS: Readonly<Record<string, RowPurger>> = {
  sessions: purgeSessions,
  analyses: purgeAnalyses,
  questions: purgeQuestions,
};

/** Datasets go with their files, each through the same path (and event) as a user's delete. */
async function purgeDatasets(deps: RetentionDeps, org: Organization, now: Date, audit: AuditRecorder): Promise<number> {
  const expired = await datasetIdsCreatedBefore(deps.db, org.id, cutoff(now, org.retention.datasetsDays));
  for (const id of expired) await deleteDataset({ ...deps, clock: () => now }, org.id, id, audit);
  return expired.length;
}

export interface RetentionReport {
  readonly ranAt: string;
  readonly organizations: number;
  /** Rows removed per kind, summed over organisations (audit events: moved to archives). */
  readonly removed: Record<string, number>;
}

/** One organisation's pass; its `retention.run` event is written only when something went. */
async function retainOrganization(deps: RetentionDeps, org: Organization, now: Date): Promise<Record<string, number>> {
  const audit = systemRecorder(deps.audit, 'retention', org.id);
  const removed: Record<string, number> = { datasets: await purgeDatasets(deps, org, now, audit) };
  await inTransaction(deps.db, async (trx) => {
    for (const [kind, purge] of Object.entries(ROW_PURGERS)) removed[kind] = await purge(trx, org, now);
    if (Object.values(removed).some((count) => count > 0)) {
      await audit.record(trx, {
        action: 'retention.run',
        target: { type: 'organization', id: org.id, name: org.name },
        details: { removed, retention: org.retention },
      });
    }
  });
  const archived = await archiveExpiredEvents({ db: deps.db, layout: deps.layout, audit: deps.audit }, org, now);
  return { ...removed, auditEvents: archived.events };
}

/** One retention pass over every organisation; idempotent (a second pass removes nothing more). */
export async function runRetention(deps: RetentionDeps, now: Date): Promise<RetentionReport> {
  const rows = await deps.db.selectFrom('organizations').selectAll().execute();
  const removed: Record<string, number> = { sessions: 0, analyses: 0, questions: 0, datasets: 0, auditEvents: 0 };
  for (const org of rows.map(present)) {
    for (const [kind, count] of Object.entries(await retainOrganization(deps, org, now)))
      removed[kind] = (removed[kind] ?? 0) + count;
  }
  removed.rate_limits = await purgeRateLimits(deps.db, new Date(now.getTime() - DAY_MS).toISOString());
  removed.abandoned_files = await sweepDatasetStorage(deps, now);
  return { ranAt: now.toISOString(), organizations: rows.length, removed };
}
