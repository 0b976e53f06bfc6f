import { AppError } from '../errors.js';
import type { OrgId } from '../ids.js';

/**
 * At most `limit` tasks of one kind per organisation at once on this
 * instance, so one organisation's heavy requests cannot take every worker
 * thread and DuckDB thread from the others. A task past the limit is refused
 * with 429 and a Retry-After from how long such tasks have lately taken.
 */
export class OrgConcurrency {
  private readonly running = new Map<string, number>();
  /** Smoothed duration of recent tasks, for Retry-After. */
  private typicalMs = 1_000;

  constructor(
    private readonly limit: number,
    /** What the tasks are, plural, for the problem's detail ("analyses"). */
    private readonly what: string,
  ) {}

  /** Runs `work` in one of the organisation's slots, or refuses with `rate-limited` when they are all taken. */
  async run<T>(orgId: OrgId, work: () => Promise<T>): Promise<T> {
    const running = this.running.get(orgId) ?? 0;
    if (running >= this.limit) {
      const retryAfter = Math.max(1, Math.ceil(this.typicalMs / 1_000));
      throw new AppError(
        'rate-limited',
        `This organisation already has ${running} ${this.what} in progress (the limit is ${this.limit}); retry after ${retryAfter} s.`,
        {
          limit: this.limit,
          retryAfter,
        },
      );
    }
    this.running.set(orgId, running + 1);
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.typicalMs = 0.7 * this.typicalMs + 0.3 * (performance.now() - started);
      const left = (this.running.get(orgId) ?? 1) - 1;
      if (left === 0) this.running.delete(orgId);
      else this.running.set(orgId, left);
    }
  }

  /** Tasks in progress for an organisation. */
  inProgress(orgId: OrgId): number {
    return this.running.get(orgId) ?? 0;
  }
}
