import { sql, type Kysely, type Selectable } from 'kysely';
import { type AnalysisRequest, assertDateRange, getAnalysis, getDataset } from '../analysis/index.js';
import { EXPORT_FORMATS, type ExportFormat } from '../reports/index.js';
import { changesBetween, withAudit, type AuditRecorder } from '../audit/index.js';
import { AppError } from '../errors.js';
import { newId, type Id, type OrgId, type UserId } from '../ids.js';
import { getChannel } from '../monitoring/index.js';
import { fromJson, toJson } from '../store/json.js';
import { decodeCursor, pastCursor, toPage, encodeCursor, type Page } from '../store/pagination.js';
import type { Database, ReportRunTable, ReportScheduleTable } from '../store/schema.js';
import { inTransaction } from '../store/transactions.js';
import { nextOccurrence, type Cadence } from './cadence.js';

export type ScheduleId = Id<'rsc'>;

/** What each run analyses: the options of a new analysis, or those of a saved one (copied when the schedule is saved). */
export type ReportSource =
  | ({ readonly kind: 'datasets' } & Omit<AnalysisRequest, 'name'>)
  | { readonly kind: 'analysis'; readonly analysisId: string };

export interface ScheduledReport {
  /** The saved analysis whose request this is, when it came from one. */
  readonly basedOn: string | null;
  readonly request: Omit<AnalysisRequest, 'name'>;
}

/** Where a report goes: mail through the operator's SMTP server, or a signed POST to one of the organisation's alert channels. */
export type Destination =
  { readonly kind: 'email'; readonly to: readonly string[] } | { readonly kind: 'webhook'; readonly channelId: string };

export interface Schedule {
  readonly id: string;
  readonly name: string;
  readonly report: ScheduledReport;
  readonly format: ExportFormat;
  readonly cadence: Cadence;
  readonly destination: Destination;
  readonly enabled: boolean;
  readonly nextRunAt: string;
  /** Failed attempts of the slot being served (its retries are due at nextRunAt). */
  readonly failedAttempts: number;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ScheduleInput {
  readonly name: string;
  readonly report: ReportSource;
  readonly format: ExportFormat;
  readonly cadence: Cadence;
  readonly destination: Destination;
  readonly enabled?: boolean;
}

export type SchedulePatch = Partial<ScheduleInput>;

export type RunOutcome = 'running' | 'delivered' | 'retrying' | 'failed';

export interface Run {
  readonly id: string;
  readonly scheduleId: string;
  readonly trigger: 'schedule' | 'manual';
  readonly scheduledFor: string | null;
  readonly attempt: number;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly outcome: RunOutcome;
  readonly error: string | null;
  readonly bytes: number | null;
  readonly analysisId: string | null;
}

export interface ScheduleDeps {
  readonly db: Kysely<Database>;
  readonly clock: () => Date;
  /** Whether the operator configured a mail server (PCA_SMTP_URL). */
  readonly mailConfigured: boolean;
}

function formatOf(value: string): ExportFormat {
  const found = EXPORT_FORMATS.find((format) => format === value);
  // A format removed from the product would fail at render time with its own message.
  return found ?? (value as ExportFormat);
}

export function presentSchedule(row: Selectable<ReportScheduleTable>): Schedule {
  return {
    id: row.id,
    name: row.name,
    report: fromJson<ScheduledReport>(row.report, { basedOn: null, request: { datasetIds: [] } }),
    format: formatOf(row.format),
    cadence: fromJson<Cadence>(row.cadence, { kind: 'daily', time: '00:00' }),
    destination: fromJson<Destination>(row.destination, { kind: 'email', to: [] }),
    enabled: row.enabled === 1,
    nextRunAt: row.next_run_at,
    failedAttempts: row.attempt,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function presentRun(row: Selectable<ReportRunTable>): Run {
  return {
    id: row.id,
    scheduleId: row.schedule_id,
    trigger: row.trigger === 'manual' ? 'manual' : 'schedule',
    scheduledFor: row.scheduled_for,
    attempt: row.attempt,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome: (['running', 'delivered', 'retrying'] as const).find((outcome) => outcome === row.outcome) ?? 'failed',
    error: row.error,
    bytes: row.bytes,
    analysisId: row.analysis_id,
  };
}

/** The datasets, saved analysis and channel a schedule names must be the organisation's; e-mail needs the operator's mail server. */
async function resolveReport(deps: ScheduleDeps, orgId: OrgId, source: ReportSource): Promise<ScheduledReport> {
  if (source.kind === 'analysis') {
    const analysis = await getAnalysis(deps.db, orgId, source.analysisId);
    return { basedOn: analysis.id, request: { ...analysis.request, datasetIds: analysis.datasetIds } };
  }
  assertDateRange(source.dateRange, '/body/report/dateRange');
  const datasetIds = [...new Set(source.datasetIds)];
  for (const id of datasetIds) await getDataset(deps.db, orgId, id);
  const request = {
    datasetIds,
    ...(source.filters ? { filters: source.filters } : {}),
    ...(source.dateRange ? { dateRange: source.dateRange } : {}),
    ...(source.conversion ? { conversion: source.conversion } : {}),
  };
  return { basedOn: null, request };
}

async function checkDestination(deps: ScheduleDeps, orgId: OrgId, destination: Destination): Promise<Destination> {
  if (destination.kind === 'webhook') {
    await getChannel(deps.db, orgId, destination.channelId);
    return { kind: 'webhook', channelId: destination.channelId };
  }
  if (!deps.mailConfigured) {
    throw new AppError(
      'unprocessable',
      'E-mail delivery is not configured on this instance (the operator sets PCA_SMTP_URL); use a webhook channel.',
      {},
      [{ field: '/body/destination', message: 'e-mail is not configured' }],
    );
  }
  return { kind: 'email', to: [...new Set(destination.to.map((address) => address.toLowerCase()))] };
}

/** What the audit trail keeps of a schedule: everything but the timestamps. */
function audited(schedule: Schedule) {
  return {
    name: schedule.name,
    report: schedule.report,
    format: schedule.format,
    cadence: schedule.cadence,
    destination: schedule.destination,
    enabled: schedule.enabled,
  };
}

async function findRow(db: Kysely<Database>, orgId: OrgId, id: string): Promise<Selectable<ReportScheduleTable>> {
  const row = await db
    .selectFrom('report_schedules')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!row) throw new AppError('not-found', 'No such report schedule.');
  return row;
}

export async function createSchedule(
  deps: ScheduleDeps,
  owner: { orgId: OrgId; userId: UserId },
  input: ScheduleInput,
  audit: AuditRecorder,
): Promise<Schedule> {
  const report = await resolveReport(deps, owner.orgId, input.report);
  const destination = await checkDestination(deps, owner.orgId, input.destination);
  const now = deps.clock();
  const row = {
    id: newId('rsc'),
    org_id: owner.orgId,
    name: input.name,
    report: toJson(report),
    format: input.format,
    cadence: toJson(input.cadence),
    destination: toJson(destination),
    enabled: input.enabled === false ? 0 : 1,
    next_run_at: nextOccurrence(input.cadence, now).toISOString(),
    attempt: 0,
    pending_analysis_id: null,
    running_until: null,
    created_by: owner.userId,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  };
  const schedule = presentSchedule(row);
  await withAudit(
    deps.db,
    audit,
    (trx) => trx.insertInto('report_schedules').values(row).execute(),
    () => ({
      action: 'report.schedule_created',
      target: { type: 'report_schedule', id: row.id, name: row.name },
      details: audited(schedule),
    }),
  );
  return schedule;
}

export async function getSchedule(db: Kysely<Database>, orgId: OrgId, id: string): Promise<Schedule> {
  return presentSchedule(await findRow(db, orgId, id));
}

export async function listSchedules(
  db: Kysely<Database>,
  orgId: OrgId,
  page: { limit: number; cursor?: string },
): Promise<Page<Schedule>> {
  const cursor = decodeCursor(page.cursor);
  let query = db
    .selectFrom('report_schedules')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(page.limit + 1);
  if (cursor) query = query.where(pastCursor(cursor, 'asc'));
  return toPage(await query.execute(), page.limit, (row) => row.created_at, presentSchedule);
}

/** Changes a schedule; a new cadence (or re-enabling) starts from the next slot and drops a pending retry. */
export async function updateSchedule(
  deps: ScheduleDeps,
  orgId: OrgId,
  id: string,
  patch: SchedulePatch,
  audit: AuditRecorder,
): Promise<Schedule> {
  const before = presentSchedule(await findRow(deps.db, orgId, id));
  const report = patch.report ? await resolveReport(deps, orgId, patch.report) : before.report;
  const destination = patch.destination ? await checkDestination(deps, orgId, patch.destination) : before.destination;
  const now = deps.clock();
  const cadence = patch.cadence ?? before.cadence;
  const enabled = patch.enabled ?? before.enabled;
  const restart = patch.cadence !== undefined || (enabled && !before.enabled);
  const changes = {
    name: patch.name ?? before.name,
    report: toJson(report),
    format: patch.format ?? before.format,
    cadence: toJson(cadence),
    destination: toJson(destination),
    enabled: enabled ? 1 : 0,
    updated_at: now.toISOString(),
    ...(restart
      ? { next_run_at: nextOccurrence(cadence, now).toISOString(), attempt: 0, pending_analysis_id: null }
      : {}),
  };
  return withAudit(
    deps.db,
    audit,
    async (trx) => {
      const row = await trx
        .updateTable('report_schedules')
        .set(changes)
        .where('id', '=', id)
        .where('org_id', '=', orgId)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new AppError('not-found', 'No such report schedule.');
      return presentSchedule(row);
    },
    (after) => ({
      action: 'report.schedule_updated',
      target: { type: 'report_schedule', id, name: after.name },
      details: {
        changes: changesBetween(audited(before), audited(after), [
          'name',
          'report',
          'format',
          'cadence',
          'destination',
          'enabled',
        ]),
      },
    }),
  );
}

export async function deleteSchedule(
  db: Kysely<Database>,
  orgId: OrgId,
  id: string,
  audit: AuditRecorder,
): Promise<void> {
  const schedule = presentSchedule(await findRow(db, orgId, id));
  await withAudit(
    db,
    audit,
    async (trx) => {
      // Runs first: SQLite does not enforce the cascade unless foreign keys are switched on.
      await trx.deleteFrom('report_runs').where('schedule_id', '=', id).where('org_id', '=', orgId).execute();
      const result = await trx
        .deleteFrom('report_schedules')
        .where('id', '=', id)
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) !== 1) throw new AppError('not-found', 'No such report schedule.');
    },
    () => ({ action: 'report.schedule_deleted', target: { type: 'report_schedule', id, name: schedule.name } }),
  );
}

/** A schedule's runs, newest first. */
export async function listRuns(
  db: Kysely<Database>,
  orgId: OrgId,
  scheduleId: string,
  page: { limit: number; cursor?: string },
): Promise<Page<Run>> {
  await findRow(db, orgId, scheduleId);
  const cursor = decodeCursor(page.cursor);
  let query = db
    .selectFrom('report_runs')
    .selectAll()
    .where('schedule_id', '=', scheduleId)
    .where('org_id', '=', orgId)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (cursor) query = query.where(sql<boolean>`(started_at, id) < (${cursor.at}, ${cursor.id})`);
  const rows = await query.execute();
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return {
    items: items.map(presentRun),
    nextCursor: rows.length > page.limit && last ? encodeCursor({ at: last.started_at, id: last.id }) : null,
  };
}

/** Opens a run's history row; `finishRun` closes it. */
export async function startRun(
  db: Kysely<Database>,
  schedule: { id: string; orgId: OrgId },
  run: { trigger: Run['trigger']; scheduledFor: string | null; attempt: number },
  now: Date,
): Promise<string> {
  const id = newId('rrn');
  await db
    .insertInto('report_runs')
    .values({
      id,
      schedule_id: schedule.id,
      org_id: schedule.orgId,
      trigger: run.trigger,
      scheduled_for: run.scheduledFor,
      attempt: run.attempt,
      started_at: now.toISOString(),
      finished_at: null,
      outcome: 'running',
      error: null,
      bytes: null,
      analysis_id: null,
    })
    .execute();
  return id;
}

export async function finishRun(
  db: Kysely<Database>,
  runId: string,
  result: {
    outcome: Exclude<RunOutcome, 'running'>;
    error: string | null;
    bytes: number | null;
    analysisId: string | null;
  },
  now: Date,
): Promise<Run> {
  const row = await db
    .updateTable('report_runs')
    .set({
      finished_at: now.toISOString(),
      outcome: result.outcome,
      error: result.error,
      bytes: result.bytes,
      analysis_id: result.analysisId,
    })
    .where('id', '=', runId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return presentRun(row);
}

/** Enabled schedules whose time has come and that no instance is running. */
export async function dueSchedules(
  db: Kysely<Database>,
  now: Date,
  limit: number,
): Promise<Selectable<ReportScheduleTable>[]> {
  const at = now.toISOString();
  return db
    .selectFrom('report_schedules')
    .selectAll()
    .where('enabled', '=', 1)
    .where('next_run_at', '<=', at)
    .where((eb) => eb.or([eb('running_until', 'is', null), eb('running_until', '<=', at)]))
    .orderBy('next_run_at')
    .limit(limit)
    .execute();
}

/**
 * Takes a due schedule for this run: a compare-and-set, so that of two
 * instances (or two ticks) only one delivers it. The claim lapses at
 * `until`, when a crashed holder's work becomes due again.
 */
export async function claimSchedule(
  db: Kysely<Database>,
  row: Selectable<ReportScheduleTable>,
  now: Date,
  until: Date,
): Promise<boolean> {
  const at = now.toISOString();
  const result = await db
    .updateTable('report_schedules')
    .set({ running_until: until.toISOString() })
    .where('id', '=', row.id)
    .where('enabled', '=', 1)
    .where('next_run_at', '=', row.next_run_at)
    .where('attempt', '=', row.attempt)
    .where((eb) => eb.or([eb('running_until', 'is', null), eb('running_until', '<=', at)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Releases a claim with what comes next: the following slot, or a retry of this one. */
export async function settleSchedule(
  db: Kysely<Database>,
  id: string,
  next: { retryAt: Date; attempt: number; pendingAnalysisId: string | null } | { after: Date },
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const row = await trx.selectFrom('report_schedules').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return;
    const changes =
      'retryAt' in next
        ? {
            next_run_at: next.retryAt.toISOString(),
            attempt: next.attempt,
            pending_analysis_id: next.pendingAnalysisId,
          }
        : {
            next_run_at: nextOccurrence(presentSchedule(row).cadence, next.after).toISOString(),
            attempt: 0,
            pending_analysis_id: null,
          };
    await trx
      .updateTable('report_schedules')
      .set({ ...changes, running_until: null })
      .where('id', '=', id)
      .execute();
  });
}
