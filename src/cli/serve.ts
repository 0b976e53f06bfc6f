import { loadConfig } from '../config.js';
import { startRuntime } from '../runtime.js';
import { installGracefulShutdown } from '../server/shutdown.js';
import { announceBootstrap } from './context.js';

export async function runServe(options: { host?: string; port?: string }): Promise<void> {
  const env = { ...process.env };
  if (options.host !== undefined) env.PCA_HOST = options.host;
  if (options.port !== undefined) env.PCA_PORT = options.port;
  const config = loadConfig(env);
  // Everything the server writes is owner-only, files made by DuckDB or SQLite themselves included.
  process.umask(0o077);
  const runtime = await startRuntime(config);
  announceBootstrap(runtime.ctx);
  installGracefulShutdown({
    close: runtime.close,
    timeoutMs: config.shutdownTimeoutMs,
    log: runtime.app.log,
    exit: (code) => process.exit(code),
  });
  try {
    await runtime.app.listen({ host: config.host, port: config.port });
    runtime.ctx.analysisPool.start();
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
