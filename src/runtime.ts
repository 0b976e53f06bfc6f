import path from 'node:path';
import { openDuckEngine } from './analysis/engine/duckdb.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { duckdbCheck, storeCheck } from './monitoring/core-checks.js';
import { HealthRegistry } from './monitoring/health.js';
import { buildApp, type BuildAppOptions } from './server/app.js';
import type { HttpServer } from './server/http.js';
import { prepareDataDir } from './store/data-dir.js';
import { migrateToLatest, openStore } from './store/store.js';

export interface OpenContext extends AppContext {
  /** Closes DuckDB and the store; safe to call twice. */
  readonly close: () => Promise<void>;
}

/** Opens everything an instance needs and applies pending migrations. */
export async function openContext(config: Config, clock: () => Date = () => new Date()): Promise<OpenContext> {
  const layout = await prepareDataDir(config.dataDir);
  const store = openStore(config.database);
  try {
    await migrateToLatest(store, config.database);
  } catch (error) {
    await store.close();
    throw error;
  }
  const duck = await openDuckEngine(config.duckdb, path.join(layout.tmp, 'duckdb'));
  const health = new HealthRegistry();
  health.register(storeCheck(store));
  health.register(duckdbCheck(duck));
  let closing: Promise<void> | undefined;
  return {
    config,
    layout,
    store,
    duck,
    health,
    clock,
    close: () => {
      closing ??= (async () => {
        duck.close();
        await store.close();
      })();
      return closing;
    },
  };
}

export interface Runtime {
  readonly ctx: OpenContext;
  readonly app: HttpServer;
  /** Stops accepting, lets in-flight requests finish, then closes the context. */
  readonly close: () => Promise<void>;
}

export async function startRuntime(config: Config, options: BuildAppOptions = {}): Promise<Runtime> {
  const ctx = await openContext(config);
  let app: HttpServer;
  try {
    app = await buildApp(ctx, options);
  } catch (error) {
    await ctx.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    ctx,
    app,
    close: () => {
      closing ??= (async () => {
        await app.close();
        await ctx.close();
      })();
      return closing;
    },
  };
}
