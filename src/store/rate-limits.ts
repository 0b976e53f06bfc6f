import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface RateDecision {
  readonly allowed: boolean;
  /** The weighted count of the sliding window, this attempt included. */
  readonly count: number;
  /** Seconds until an attempt would be allowed again (when nothing else arrives). */
  readonly retryAfterSeconds: number;
}

/**
 * A sliding window approximated from two fixed ones: the previous window's
 * count weighted by how much of it still overlaps the last `windowMs`, plus
 * the current one's. A burst at a window's edge therefore still counts, so
 * nobody gets twice the limit by straddling it.
 */
export function slidingDecision(
  prev: number,
  current: number,
  elapsedMs: number,
  windowMs: number,
  limit: number,
): RateDecision {
  const weight = 1 - elapsedMs / windowMs;
  const count = prev * weight + current;
  const allowed = count <= limit;
  let waitMs = 0;
  if (!allowed) {
    // Either the previous window's share fades enough within this window, or the current one must fade in the next.
    waitMs =
      current <= limit && prev > 0
        ? windowMs * (1 - (limit - current) / prev) - elapsedMs
        : windowMs - elapsedMs + windowMs * (1 - limit / current);
  }
  return { allowed, count, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

/**
 * Counts one attempt for `key` in the store, so every instance sharing it
 * counts together, and says whether it is within `limit` per `windowMs`.
 */
export async function consumeRateLimit(
  db: Kysely<Database>,
  key: string,
  limit: number,
  windowMs: number,
  now: Date,
): Promise<RateDecision> {
  const start = Math.floor(now.getTime() / windowMs) * windowMs;
  const windowStart = new Date(start).toISOString();
  const previousStart = new Date(start - windowMs).toISOString();
  const row = await db
    .insertInto('rate_limits')
    .values({ key, window_start: windowStart, count: 1, prev_count: 0 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        // Every expression reads the row as it was before this update.
        prev_count: sql<number>`case when rate_limits.window_start = ${windowStart} then rate_limits.prev_count when rate_limits.window_start = ${previousStart} then rate_limits.count else 0 end`,
        count: sql<number>`case when rate_limits.window_start = ${windowStart} then rate_limits.count + 1 else 1 end`,
        window_start: windowStart,
      }),
    )
    .returning(['count', 'prev_count'])
    .executeTakeFirstOrThrow();
  return slidingDecision(Number(row.prev_count), Number(row.count), now.getTime() - start, windowMs, limit);
}

/** Drops counters whose window ended before `before`. */
export async function purgeRateLimits(db: Kysely<Database>, before: string): Promise<number> {
  const result = await db.deleteFrom('rate_limits').where('window_start', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
