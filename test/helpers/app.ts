import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createTestEnvironment, type Backend, type TestEnvironment } from './backends.js';

export interface TestApp extends Runtime {
  readonly environment: TestEnvironment;
  readonly config: Config;
  /** Every log line the app wrote, parsed. */
  readonly logs: Record<string, unknown>[];
  /** Closes the app and removes its data dir and schema. */
  dispose(): Promise<void>;
}

/** An isolated instance per test: its own data dir and (on PostgreSQL) its own schema. */
export async function createTestApp(
  backend: Backend,
  options: {
    env?: Record<string, string>;
    beforeReady?: (runtime: Runtime) => void;
    clock?: () => Date;
    /** Start on the data dir and store of an earlier (closed) instance, as a restart would. */
    reuse?: TestEnvironment;
    /** Where the built web app is (default dist/web). */
    webRoot?: string;
  } = {},
): Promise<TestApp> {
  const environment = options.reuse
    ? { ...options.reuse, config: loadConfig({ ...options.reuse.env, PCA_LOG_LEVEL: 'info', ...options.env }) }
    : await createTestEnvironment(backend, { PCA_LOG_LEVEL: 'info', ...options.env });
  const logs: Record<string, unknown>[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const runtime = await startRuntime(environment.config, {
    logStream,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.webRoot !== undefined ? { webRoot: options.webRoot } : {}),
  });
  options.beforeReady?.(runtime);
  await runtime.app.ready();
  return {
    ...runtime,
    environment,
    config: environment.config,
    logs,
    dispose: async () => {
      await runtime.close();
      await environment.cleanup();
      // Every test doubles as a check that the routes it called wrote their audit events with their changes.
      const lapses = logs.filter(
        (line) =>
          line.msg === 'audit event not recorded with its change' || line.msg === 'audit event could not be written',
      );
      if (lapses.length > 0)
        throw new Error(
          `audit lapses: ${JSON.stringify(lapses.map((line) => ({ msg: line.msg, route: line.route, err: line.err })))}`,
        );
    },
  };
}
