import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { auditRecorder, type AuditLog } from './recorder.js';

interface Pending {
  readonly minute: number;
  readonly firstAt: string;
  lastAt: string;
  count: number;
  readonly userAgent: string | null;
  readonly reasons: Record<string, number>;
  readonly routes: Record<string, number>;
}

const MINUTE_MS = 60_000;
/** Distinct routes kept per summary; the count covers them all. */
const MAX_ROUTES = 10;

/**
 * Refusals of requests without credentials, summarised: one `access.denied`
 * event per client address and minute, with the count, written once the
 * minute is over (or at shutdown). Anonymous traffic can then no longer grow
 * the trail by one chained event per request. Memory is bounded by
 * `maxAddresses`: past it, the oldest summary is written early.
 */
export class RefusalSummaries {
  private readonly pending = new Map<string, Pending>();
  private sweptMinute = 0;

  constructor(
    private readonly log: AuditLog,
    private readonly db: Kysely<Database>,
    private readonly maxAddresses = 10_000,
  ) {}

  async note(ip: string, userAgent: string | null, route: string, reason: string): Promise<void> {
    const now = this.log.clock();
    const minute = Math.floor(now.getTime() / MINUTE_MS);
    if (minute !== this.sweptMinute) await this.flush(false);
    const at = now.toISOString();
    let entry = this.pending.get(ip);
    if (entry === undefined) {
      entry = { minute, firstAt: at, lastAt: at, count: 0, userAgent, reasons: {}, routes: {} };
      this.pending.set(ip, entry);
      if (this.pending.size > this.maxAddresses) await this.write(this.pending.keys().next().value!);
    }
    entry.count += 1;
    entry.lastAt = at;
    entry.reasons[reason] = (entry.reasons[reason] ?? 0) + 1;
    if (route in entry.routes || Object.keys(entry.routes).length < MAX_ROUTES)
      entry.routes[route] = (entry.routes[route] ?? 0) + 1;
  }

  /** Writes the summaries of minutes that are over, or every one (`all`, at shutdown). */
  async flush(all: boolean): Promise<void> {
    const minute = Math.floor(this.log.clock().getTime() / MINUTE_MS);
    this.sweptMinute = minute;
    for (const [ip, entry] of [...this.pending]) {
      if (all || entry.minute < minute) await this.write(ip);
    }
  }

  private async write(ip: string): Promise<void> {
    const entry = this.pending.get(ip);
    if (entry === undefined) return;
    this.pending.delete(ip);
    const reason = Object.entries(entry.reasons).sort((a, b) => b[1] - a[1])[0]![0];
    // Before authentication there is no organisation: the operator's trail gets it.
    const recorder = auditRecorder(this.log, {
      actor: () => ({ type: 'user', id: null, name: null, ip, userAgent: entry.userAgent }),
      orgId: () => undefined,
      requestId: null,
    });
    await recorder.record(this.db, {
      action: 'access.denied',
      outcome: 'denied',
      reason,
      details: {
        count: entry.count,
        firstAt: entry.firstAt,
        lastAt: entry.lastAt,
        reasons: entry.reasons,
        routes: entry.routes,
      },
    });
  }
}
