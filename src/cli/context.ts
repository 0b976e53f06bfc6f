import { loadConfig } from '../config.js';
import { openContext, type OpenContext } from '../runtime.js';

/** Tells the console (never the log) what first-start bootstrapping did. */
export function announceBootstrap(ctx: OpenContext): void {
  if (ctx.bootstrap.kind !== 'created') return;
  const password = ctx.bootstrap.generatedPassword;
  process.stderr.write(
    password === undefined
      ? 'PCA Agent: created organisation "default" and operator "admin" with PCA_ADMIN_PASSWORD; it must be changed at first login.\n'
      : `PCA Agent: created organisation "default" and operator "admin".\n  One-time password: ${password}\n  It is shown only now and must be changed at first login.\n`,
  );
}

/** Opens the local store (no server) for one command, and closes it afterwards. */
export async function withLocalContext<T>(work: (ctx: OpenContext) => Promise<T>): Promise<T> {
  const ctx = await openContext(loadConfig());
  announceBootstrap(ctx);
  try {
    return await work(ctx);
  } finally {
    await ctx.close();
  }
}
