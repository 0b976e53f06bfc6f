import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

/** What the main thread hands over: the store file and how often to checkpoint it. */
export interface CheckpointWorkerData {
  readonly file: string;
  readonly everyMs: number;
}

const { file, everyMs } = workerData as CheckpointWorkerData;
const database = new BetterSqlite3(file, { timeout: 5000 });
// This connection only checkpoints: it must never do so as a side effect of closing either.
database.pragma('wal_autocheckpoint = 0');

/**
 * PASSIVE copies what it can without waiting for, or blocking, any reader or writer; the copy and
 * its sync to disk happen here, off the event loop.
 */
const timer = setInterval(() => database.pragma('wal_checkpoint(PASSIVE)'), everyMs);

parentPort?.on('message', (message: 'stop') => {
  if (message !== 'stop') return;
  clearInterval(timer);
  database.close();
  parentPort?.close();
});
