import type { CompiledQuery, Kysely } from 'kysely';
import { readNow } from '../store/read-now.js';
import type { Database } from '../store/schema.js';
import type { Principal } from './principal.js';

/** A principal as built from the store, with what must still be checked against the clock. */
export interface CachedPrincipal {
  readonly principal: Principal;
  /** When the session or key expires (ms); Infinity for a key without expiry. */
  readonly validUntil: number;
  /** When last_used_at was last written (ms). */
  touchedAt: number;
}

interface Entry extends CachedPrincipal {
  readonly epoch: number;
}

/** Entries kept per instance; past it the cache starts over (a rebuild is one query per caller). */
const MAX_ENTRIES = 10_000;

/**
 * Principals already built, valid while the store's `auth_epoch` stays the
 * same. Triggers bump the epoch in the very transaction that revokes a
 * session or key, deactivates, demotes or renames a user, or suspends an
 * organisation or changes its features (migration 0010_perf), so reading that
 * one row per request keeps "applies at once on every instance" true while
 * the join of sessions, users and organisations runs only after a change.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, Entry>();

  /** The epoch read, compiled once: it runs on every authenticated request. */
  private readonly epochQuery: CompiledQuery<{ epoch: number }>;

  constructor(private readonly db: Kysely<Database>) {
    this.epochQuery = db.selectFrom('auth_epoch').select('epoch').where('id', '=', 1).compile();
  }

  /** The current epoch: one primary-key read. */
  async epoch(): Promise<number> {
    const rows = readNow(this.db, this.epochQuery) ?? (await this.db.executeQuery(this.epochQuery)).rows;
    return Number(rows[0]?.epoch ?? -1);
  }

  /** The current epoch when the store can be read at once (store/read-now.ts), else undefined. */
  epochNow(): number | undefined {
    const rows = readNow(this.db, this.epochQuery);
    return rows === undefined ? undefined : Number(rows[0]?.epoch ?? -1);
  }

  get(key: string, epoch: number, now: number): CachedPrincipal | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.epoch !== epoch || entry.validUntil <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, epoch: number, value: CachedPrincipal): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { ...value, epoch });
  }
}

const caches = new WeakMap<Kysely<Database>, PrincipalCache>();

/** The cache of one store (one per instance; tests run several instances in one process). */
export function principalCacheOf(db: Kysely<Database>): PrincipalCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new PrincipalCache(db);
    caches.set(db, cache);
  }
  return cache;
}
