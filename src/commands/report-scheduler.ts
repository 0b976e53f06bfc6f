import { randomUUID } from 'node:crypto';
import type { Log } from '../runtime/log.js';
import { systemRecorder, type AuditLog } from '../audit/index.js';
import type { ReportScheduleConfig } from '../config.js';
import { claimSchedule, dueSchedules, presentSchedule, settleSchedule, type Run } from '../report-schedules/index.js';
import { tryAcquireLease } from '../store/leases.js';
import { runReport, type ReportDeliveryDeps } from './deliver-report.js';
import type { OrgId, UserId } from '../ids.js';

export const REPORT_LEASE = 'report-schedules';
/** How long one instance's claim on a running schedule lasts: past it, a crashed run becomes due again. */
const CLAIM_MS = 15 * 60_000;
/** Schedules served per tick; the rest wait for the next one. */
const BATCH = 50;

export interface ReportScheduler {
  /** One tick now (what the interval does): takes the lease, then runs every due schedule once. */
  tick(): Promise<Run[]>;
  lastTickAt(): number | undefined;
  /** Stops the interval and waits for a tick in progress. */
  stop(): Promise<void>;
}

/** The wait before retry `attempt + 1` of a slot: base, 2·base, 4·base, … */
export function retryDelayMs(config: Pick<ReportScheduleConfig, 'retryBaseSeconds'>, failedAttempts: number): number {
  return config.retryBaseSeconds * 1000 * 2 ** (failedAttempts - 1);
}

/**
 * Delivers due report schedules on whichever instance holds the lease; each
 * schedule is also claimed by compare-and-set, so a slot is delivered once
 * even when a lease changes hands mid-run.
 */
export function startReportScheduler(
  deps: ReportDeliveryDeps & { readonly audit: AuditLog },
  config: ReportScheduleConfig,
  log: Pick<Log, 'info' | 'error'>,
): ReportScheduler {
  const holder = `instance-${randomUUID()}`;
  const clock = deps.analysis.clock;
  const db = deps.analysis.db;
  const intervalMs = config.intervalSeconds * 1000;
  let lastTick: number | undefined;
  let running: Promise<Run[]> | undefined;

  const serve = async (row: Parameters<typeof presentSchedule>[0]): Promise<Run> => {
    const orgId = row.org_id as OrgId;
    const schedule = { ...presentSchedule(row), orgId };
    const attempt = row.attempt + 1;
    const audit = systemRecorder(deps.audit, 'report-scheduler', orgId);
    const { run, analysisId } = await runReport(
      deps,
      schedule,
      {
        trigger: 'schedule',
        userId: row.created_by as UserId,
        scheduledFor: row.next_run_at,
        attempt,
        final: attempt >= config.maxAttempts,
        reuseAnalysisId: row.pending_analysis_id,
      },
      audit,
    );
    const now = clock();
    await settleSchedule(
      db,
      row.id,
      run.outcome === 'retrying'
        ? { retryAt: new Date(now.getTime() + retryDelayMs(config, attempt)), attempt, pendingAnalysisId: analysisId }
        : { after: now },
    );
    log.info({ reportRun: { id: run.id, scheduleId: row.id, outcome: run.outcome, attempt } }, 'scheduled report run');
    return run;
  };

  const tick = (): Promise<Run[]> => {
    running ??= (async () => {
      lastTick = clock().getTime();
      try {
        if (!(await tryAcquireLease(db, REPORT_LEASE, holder, Math.max(intervalMs, 60_000) + 30_000, clock())))
          return [];
        const runs: Run[] = [];
        for (const row of await dueSchedules(db, clock(), BATCH)) {
          const now = clock();
          if (!(await claimSchedule(db, row, now, new Date(now.getTime() + CLAIM_MS)))) continue;
          runs.push(await serve(row));
        }
        return runs;
      } catch (error) {
        log.error({ err: error }, 'report scheduler tick failed');
        return [];
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  const timer = intervalMs > 0 ? setInterval(() => void tick(), intervalMs) : undefined;
  timer?.unref();
  return {
    tick,
    lastTickAt: () => lastTick,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
