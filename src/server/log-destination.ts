import pino from 'pino';

/** Past this much unwritten log (a stdout nobody reads), lines are dropped rather than held in memory. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** Lines are gathered up to this much before a write… */
const BATCH_BYTES = 4096;
/** …or for at most this long, so a quiet server's lines are not held back. */
const BATCH_MS = 100;

export type LogDestination = ReturnType<typeof pino.destination>;

/**
 * The server's stdout log, written asynchronously and in batches: lines gather until 4 KiB or
 * 100 ms, then go out in one write on libuv's thread pool. The synchronous default paid one
 * blocking write(2) per request on the event loop; one asynchronous write per line still cost
 * ~5 % of an authenticated GET's main-thread time.
 *
 * What a crash may lose: pino flushes this destination synchronously on the process's `exit`
 * (process.exit, the graceful shutdown, an uncaught exception), so only a kill that runs no
 * JavaScript (SIGKILL, a fatal out-of-memory) loses lines: at most the last 100 ms or 4 KiB.
 */
export function stdoutDestination(): LogDestination {
  return pino.destination({
    dest: 1,
    sync: false,
    minLength: BATCH_BYTES,
    periodicFlush: BATCH_MS,
    maxLength: MAX_BUFFERED_BYTES,
  });
}
