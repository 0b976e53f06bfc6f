import type { FastifyBaseLogger } from 'fastify';

export interface ShutdownOptions {
  readonly close: () => Promise<void>;
  readonly timeoutMs: number;
  readonly log: FastifyBaseLogger;
  readonly exit: (code: number) => void;
  readonly signals?: readonly NodeJS.Signals[];
  readonly on?: (signal: NodeJS.Signals, handler: () => void) => void;
}

/**
 * On the first SIGTERM/SIGINT: stop accepting, let in-flight requests finish,
 * close the store and DuckDB, exit 0. If that overruns the grace period, exit 1.
 */
export function installGracefulShutdown(options: ShutdownOptions): void {
  const { close, timeoutMs, log, exit } = options;
  const on = options.on ?? ((signal, handler) => process.once(signal, handler));
  let started = false;
  const handler = (signal: NodeJS.Signals) => () => {
    if (started) return;
    started = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown grace period exceeded');
      exit(1);
    }, timeoutMs);
    timer.unref();
    close().then(
      () => {
        clearTimeout(timer);
        log.info('shutdown complete');
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        log.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) on(signal, handler(signal));
}
