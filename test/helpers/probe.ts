import { expect } from 'vitest';
import type { HttpServer } from '../../src/server/http.js';

/**
 * Probes GET /health/live every 20 ms until `work` settles. Each latency is a
 * probe's wait beyond its pause, measured from before the pause, so a loop
 * blocked during the pause counts too.
 */
export async function probeHealthDuring<T>(
  app: HttpServer,
  work: Promise<T>,
): Promise<{ result: T; latencies: number[] }> {
  let finished = false;
  const watched = work.finally(() => (finished = true));
  const latencies: number[] = [];
  while (!finished) {
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const health = await app.inject({ method: 'GET', url: '/health/live' });
    latencies.push(performance.now() - started - 20);
    expect(health.statusCode).toBe(200);
  }
  return { result: await watched, latencies };
}
