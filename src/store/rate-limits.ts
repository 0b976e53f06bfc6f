import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface RateDecision {
  readonly allowed: boolean;
  readonly count: number;
  /** Seconds until the current window ends. */
  readonly retryAfterSeconds: number;
}

/**
 * A fixed-window counter kept in the store, so every instance sharing it
 * counts together. Counts one attempt and says whether it is within `limit`.
 */
export async function consumeRateLimit(
  db: Kysely<Database>,
  key: string,
  limit: number,
  windowMs: number,
  now: Date,
): Promise<RateDecision> {
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs).toISOString();
  const row = await db
    .insertInto('rate_limits')
    .values({ key, window_start: windowStart, count: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        count: sql<number>`case when rate_limits.window_start = ${windowStart} then rate_limits.count + 1 else 1 end`,
        window_start: windowStart,
      }),
    )
    .returning('count')
    .executeTakeFirstOrThrow();
  const windowEnds = Date.parse(windowStart) + windowMs;
  return {
    allowed: row.count <= limit,
    count: row.count,
    retryAfterSeconds: Math.max(1, Math.ceil((windowEnds - now.getTime()) / 1000)),
  };
}

/** Drops counters whose window ended before `before`. */
export async function purgeRateLimits(db: Kysely<Database>, before: string): Promise<number> {
  const result = await db.deleteFrom('rate_limits').where('window_start', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
