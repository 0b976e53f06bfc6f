import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import type { CheckpointWorkerData } from './checkpoint-worker.js';

/** The compiled worker, two levels above this module both in src/ (tests) and in dist/ (the product). */
const WORKER_FILE = fileURLToPath(new URL('../../dist/store/checkpoint-worker.js', import.meta.url));

/**
 * The threshold when checkpoints stay inline: ~40 MB, not SQLite's ~4 MB. Every request appends to
 * the audit trail, changing the same few index pages again and again, and a checkpoint copies each
 * page once however often it changed (bare append transactions ≈ 40 % faster).
 */
const INLINE_CHECKPOINT_PAGES = 10_000;
/** How often the write-ahead log's size is looked at, and how big it gets before a worker takes over. */
const POLL_MS = 1_000;
const START_BYTES = 4 * 1024 * 1024;
const CHECKPOINT_EVERY_MS = 2_000;
const STOP_TIMEOUT_MS = 5_000;

export interface WalCheckpoints {
  /** Stops the worker (closing its connection) so the store's own close can remove the log. */
  stop(): Promise<void>;
}

/**
 * SQLite checkpoints inside the commit that crosses its threshold: copying the log into the
 * database and syncing both held the event loop 90–150 ms in the middle of a request. Here the
 * store's connection never checkpoints; once its log passes a few MB, a worker thread with its
 * own connection checkpoints every couple of seconds. A short-lived command never writes that
 * much and never starts the thread. Without the compiled worker, or if it dies, SQLite's
 * inline checkpoints come back.
 */
export function checkpointInBackground(database: BetterSqlite3.Database, file: string): WalCheckpoints {
  const inline = (): void => {
    if (database.open) database.pragma(`wal_autocheckpoint = ${INLINE_CHECKPOINT_PAGES}`);
  };
  if (!existsSync(WORKER_FILE)) {
    inline();
    return { stop: () => Promise.resolve() };
  }
  database.pragma('wal_autocheckpoint = 0');
  let worker: Worker | undefined;
  let stopping = false;
  const poll = setInterval(() => {
    const size = statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
    if (size < START_BYTES) return;
    clearInterval(poll);
    const data: CheckpointWorkerData = { file, everyMs: CHECKPOINT_EVERY_MS };
    worker = new Worker(WORKER_FILE, { workerData: data });
    worker.unref();
    const fallBack = (): void => {
      if (!stopping) inline();
    };
    worker.on('error', fallBack);
    worker.on('exit', fallBack);
  }, POLL_MS).unref();
  return {
    stop: async () => {
      stopping = true;
      clearInterval(poll);
      const running = worker;
      if (running === undefined) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.postMessage('stop');
      const deadline = setTimeout(() => void running.terminate(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(deadline);
    },
  };
}
