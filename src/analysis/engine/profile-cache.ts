import type { Profile } from './analysis.js';

/** Profiles are a few hundred bytes; this many sources cover every dataset an instance analyses at once. */
const MAX_ENTRIES = 512;

/**
 * The profiles of whole sources (dataset versions), computed on first use.
 * A dataset version's Parquet file never changes (a remap writes a new one),
 * so its profile, a scan of every column, is read once per version and not
 * before every analysis. Callers key an entry by the versions it reads.
 */
export class ProfileCache {
  private readonly entries = new Map<string, Promise<Profile>>();

  constructor(private readonly maxEntries = MAX_ENTRIES) {}

  /** The profile under `key`, computing it (once, even for concurrent callers) when absent; a failure is not kept. */
  get(key: string, compute: () => Promise<Profile>): Promise<Profile> {
    const known = this.entries.get(key);
    if (known) {
      // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
      this.entries.delete(key);
      this.entries.set(key, known);
      return known;
    }
    const computed = compute();
    this.entries.set(key, computed);
    computed.catch(() => {
      if (this.entries.get(key) === computed) this.entries.delete(key);
    });
    for (const [oldest] of this.entries) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
    return computed;
  }
}
