import { expect } from 'vitest';
import type { HttpServer } from '../../src/server/http.js';

/** The pause between probes: short, so work that now takes well under 100 ms is still probed several times. */
const PAUSE_MS = 5;

/**
 * Probes GET /health/live every PAUSE_MS until `work` settles. Each latency is a
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
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    const health = await app.inject({ method: 'GET', url: '/health/live' });
    latencies.push(performance.now() - started - PAUSE_MS);
    expect(health.statusCode).toBe(200);
  }
  return { result: await watched, latencies };
}
