import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { installGracefulShutdown } from '../../src/server/shutdown.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createTestEnvironment, type TestEnvironment } from '../helpers/backends.js';
import { startServer } from '../helpers/cli.js';

async function waitFor<T>(read: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('graceful shutdown of a listening server', () => {
  let t: TestApp | undefined;
  let environment: TestEnvironment | undefined;
  afterEach(async () => {
    await t?.dispose();
    await environment?.cleanup();
    t = undefined;
    environment = undefined;
  });

  async function listeningApp(slowMs: number) {
    t = await createTestApp('sqlite', {
      beforeReady: ({ app }) => {
        app.get('/test/slow', async () => {
          await sleep(slowMs);
          return { done: true };
        });
      },
    });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as AddressInfo;
    const handlers = new Map<string, () => void>();
    let exitCode: number | undefined;
    installGracefulShutdown({
      close: t.close,
      timeoutMs: 1_000,
      log: t.app.log,
      exit: (code) => (exitCode = code),
      on: (signal, handler) => handlers.set(signal, handler),
    });
    return { base: `http://127.0.0.1:${port}`, handlers, exitCode: () => exitCode };
  }

  it('finishes in-flight requests, refuses new ones, closes the store, exits 0', async () => {
    const { base, handlers, exitCode } = await listeningApp(400);
    const inFlight = fetch(`${base}/test/slow`);
    await sleep(100);
    handlers.get('SIGTERM')?.();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    expect(await waitFor(exitCode)).toBe(0);
    await expect(fetch(`${base}/health/live`)).rejects.toThrow();
    await expect(t!.ctx.store.ping()).rejects.toThrow();
  });

  it('exits 1 when in-flight work overruns the grace period', async () => {
    const { base, handlers, exitCode } = await listeningApp(3_000);
    const inFlight = fetch(`${base}/test/slow`).catch(() => undefined);
    await sleep(100);
    handlers.get('SIGINT')?.();
    expect(await waitFor(exitCode)).toBe(1);
    await inFlight;
  });

  it('`pca serve` stops on SIGTERM with exit code 0', async () => {
    environment = await createTestEnvironment('sqlite');
    const server = await startServer(environment.env);
    const ready = await fetch(`${server.url}/health/ready`);
    expect(ready.status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('shutdown complete');
  });
});
