import { chmodSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';

const inProcess = new Map<string, Promise<unknown>>();

/**
 * Runs `work` while holding an exclusive lock named by `lockFile`, across
 * processes (an EXCLUSIVE transaction on a small SQLite file) and within this
 * one (a promise chain, since a blocking wait here would stall the event loop
 * that the holder needs to finish). Kysely runs SQLite migrations without a
 * lock of its own, so two processes starting at once would both migrate.
 */
export async function withSqliteFileLock<T>(lockFile: string, work: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const previous = inProcess.get(lockFile) ?? Promise.resolve();
  const run = previous
    .catch(() => undefined)
    .then(async () => {
      const lock = new BetterSqlite3(lockFile, { timeout: timeoutMs });
      // SQLite creates files 0644 and its journal copies that mode: owner-only, like the store.
      chmodSync(lockFile, 0o600);
      try {
        lock.exec('BEGIN EXCLUSIVE');
        try {
          return await work();
        } finally {
          lock.exec('COMMIT');
        }
      } finally {
        lock.close();
      }
    });
  inProcess.set(lockFile, run);
  try {
    return await run;
  } finally {
    if (inProcess.get(lockFile) === run) inProcess.delete(lockFile);
  }
}
