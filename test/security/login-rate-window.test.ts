import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slidingDecision } from '../../src/store/rate-limits.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

describe('sliding window arithmetic', () => {
  it('weighs the previous window by its overlap and says when to come back', () => {
    expect(slidingDecision(0, 5, 30_000, 60_000, 5)).toMatchObject({ allowed: true, count: 5 });
    // Half of the previous window still overlaps: 10 * 0.5 + 1 = 6 > 5, allowed again once 10 * w + 1 <= 5 (w <= 0.4).
    expect(slidingDecision(10, 1, 30_000, 60_000, 5)).toEqual({ allowed: false, count: 6, retryAfterSeconds: 6 });
    expect(slidingDecision(10, 1, 59_999, 60_000, 5).allowed).toBe(true);
    // Over the limit within the window itself: wait for the window to end and its share to fade.
    expect(slidingDecision(0, 10, 0, 60_000, 5)).toEqual({ allowed: false, count: 10, retryAfterSeconds: 90 });
  });
});

describe.each(BACKENDS)('login rate limit window [%s]', (backend) => {
  let t: TestApp;
  // Aligned so the first burst lands in the last second of a window.
  let now = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 59_000);
  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '5' }, clock: () => now });
  }, 60_000);
  afterAll(() => t.dispose());

  const attempt = () =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '198.51.100.7',
      payload: { username: 'nobody', password: 'nothing-at-all-1' },
    });

  it('gives no second burst across a window edge', async () => {
    for (let i = 0; i < 5; i++) expect((await attempt()).statusCode).toBe(401);
    now = new Date(now.getTime() + 2_000);
    const next = await attempt();
    expect(next.statusCode).toBe(429);
    expect(Number(next.headers['retry-after'])).toBeGreaterThan(0);
    now = new Date(now.getTime() + 120_000);
    expect((await attempt()).statusCode).toBe(401);
  });
});
