import { randomUUID } from 'node:crypto';
import type { Log } from '../runtime/log.js';
import { tryAcquireLease } from '../store/leases.js';
import { runRetention, type RetentionDeps, type RetentionReport } from './retention.js';

export const RETENTION_LEASE = 'retention';

export interface RetentionScheduler {
  /** Runs one tick now (what the interval does): takes the lease, then runs retention. */
  tick(): Promise<RetentionReport | undefined>;
  lastRunAt(): string | undefined;
  /** When the scheduler last tried (with or without the lease), for its liveness check. */
  lastTickAt(): number | undefined;
  stop(): void;
}

/** Runs retention every `intervalMinutes` on whichever instance holds the lease. */
export function startRetentionScheduler(
  deps: RetentionDeps,
  clock: () => Date,
  intervalMinutes: number,
  log: Pick<Log, 'info' | 'error'>,
): RetentionScheduler {
  const holder = `instance-${randomUUID()}`;
  const intervalMs = intervalMinutes * 60_000;
  let last: string | undefined;
  let lastTick: number | undefined;
  let running: Promise<RetentionReport | undefined> | undefined;

  const tick = (): Promise<RetentionReport | undefined> => {
    running ??= (async () => {
      lastTick = clock().getTime();
      try {
        // The lease outlives one interval a little, so a crashed holder is replaced at the next tick.
        if (!(await tryAcquireLease(deps.db, RETENTION_LEASE, holder, intervalMs + 30_000, clock()))) return undefined;
        const report = await runRetention(deps, clock());
        last = report.ranAt;
        log.info({ retention: report }, 'retention run');
        return report;
      } catch (error) {
        log.error({ err: error }, 'retention run failed');
        return undefined;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  const timer = intervalMs > 0 ? setInterval(() => void tick(), intervalMs) : undefined;
  timer?.unref();
  return { tick, lastRunAt: () => last, lastTickAt: () => lastTick, stop: () => clearInterval(timer) };
}
