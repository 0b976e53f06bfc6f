import { loadConfig } from '../config.js';
import { startRuntime } from '../runtime.js';
import { installGracefulShutdown } from '../server/shutdown.js';

export async function runServe(options: { host?: string; port?: string }): Promise<void> {
  const env = { ...process.env };
  if (options.host !== undefined) env.PCA_HOST = options.host;
  if (options.port !== undefined) env.PCA_PORT = options.port;
  const config = loadConfig(env);
  const runtime = await startRuntime(config);
  if (runtime.ctx.bootstrap.kind === 'created') {
    // Console only, never the log: the operator's first password, shown this once.
    const password = runtime.ctx.bootstrap.generatedPassword;
    process.stderr.write(
      password === undefined
        ? 'PCA Agent: created organisation "default" and operator "admin" with PCA_ADMIN_PASSWORD; it must be changed at first login.\n'
        : `PCA Agent: created organisation "default" and operator "admin".\n  One-time password: ${password}\n  It is shown only now and must be changed at first login.\n`,
    );
  }
  installGracefulShutdown({
    close: runtime.close,
    timeoutMs: config.shutdownTimeoutMs,
    log: runtime.app.log,
    exit: (code) => process.exit(code),
  });
  try {
    await runtime.app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
