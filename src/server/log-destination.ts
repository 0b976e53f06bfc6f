import pino from 'pino';

/** Past this much unwritten log (a stdout nobody reads), lines are dropped rather than held in memory. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export type LogDestination = ReturnType<typeof pino.destination>;

/**
 * The server's stdout log, written asynchronously: a line is handed to a write on libuv's thread
 * pool at once (no minimum length, so a quiet server's lines do not wait), and the lines that
 * arrive while that write is in flight go out together in the next one. The synchronous default
 * paid one blocking write(2) per request on the event loop.
 *
 * What a crash may lose: pino flushes this destination synchronously on the process's `exit`
 * (process.exit, the graceful shutdown, an uncaught exception), so only a kill that runs no
 * JavaScript (SIGKILL, a fatal out-of-memory) loses the lines queued behind the write in flight.
 */
export function stdoutDestination(): LogDestination {
  return pino.destination({ dest: 1, sync: false, maxLength: MAX_BUFFERED_BYTES });
}
