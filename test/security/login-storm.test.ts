import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { boundedHasher, type PasswordHasher } from '../../src/auth/passwords.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

describe('bounded password hashing', () => {
  it('runs at most `concurrency` hashes, queues `queue` more, and refuses the rest with a retry hint', async () => {
    let active = 0;
    let peak = 0;
    const releases: (() => void)[] = [];
    const slow: PasswordHasher = {
      hash: () => Promise.resolve('x'),
      verify: async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise<void>((resolve) => releases.push(resolve));
        active--;
        return true;
      },
      needsRehash: () => false,
    };
    const bounded = boundedHasher(slow, 2, 3);
    const accepted = Array.from({ length: 5 }, () => bounded.verify('s', 'p'));
    const refused = await bounded.verify('s', 'p').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ kind: 'rate-limited', extensions: { retryAfter: 1 } });
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      releases.shift()?.();
    }
    expect(await Promise.all(accepted)).toEqual([true, true, true, true, true]);
    expect(peak).toBe(2);
  });
});

describe.each(BACKENDS)('sign-in storm [%s]', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '100000', PCA_HASH_CONCURRENCY: '1', PCA_HASH_QUEUE: '2' } });
  }, 60_000);
  afterAll(() => t.dispose());

  it('answers sign-ins past the hashing queue with 429 problem+json and Retry-After, the rest as usual', async () => {
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: `storm-${i}`, password: 'not-the-password-1' } })),
    );
    const busy = responses.filter((response) => response.statusCode === 429);
    expect(busy.length).toBeGreaterThan(0);
    expect(responses.every((response) => response.statusCode === 401 || response.statusCode === 429)).toBe(true);
    for (const response of busy) {
      expect(response.headers['retry-after']).toBe('1');
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
  });
});

describe.each(BACKENDS)('sign-ins past a full hashing queue [%s]', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    // bcrypt at cost 13 holds the one slot for about a second: long enough to send the rest meanwhile.
    t = await createTestApp(backend, {
      env: { PCA_LOGIN_RATE_LIMIT: '100000', PCA_PASSWORD_HASH: 'bcrypt', PCA_BCRYPT_COST: '13', PCA_HASH_CONCURRENCY: '1', PCA_HASH_QUEUE: '0' },
    });
  }, 60_000);
  afterAll(() => t.dispose());

  it('are refused at the door: no store write, no chained event each, one summary for the address', async () => {
    const db = t.ctx.store.db;
    const login = (username: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'not-the-password-1' } });
    const first = login('holder');
    const until = Date.now() + 10_000;
    while (!t.ctx.auth.hasher.saturated() && Date.now() < until) await new Promise((resolve) => setImmediate(resolve));
    expect(t.ctx.auth.hasher.saturated()).toBe(true);
    const refused = await Promise.all(Array.from({ length: 10 }, (_, i) => login(`storm-${i}`)));
    for (const response of refused) {
      expect(response.statusCode).toBe(429);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.json<{ type: string; retryAfter: number }>()).toMatchObject({ retryAfter: 1 });
      expect(response.json<{ type: string }>().type).toContain('rate-limited');
    }
    expect((await first).statusCode).toBe(401);

    const failed = await db.selectFrom('audit_events').select(['actor_name', 'reason']).where('action', '=', 'auth.login.failed').execute();
    expect(failed).toEqual([{ actor_name: 'holder', reason: 'unknown_user' }]);
    const counted = await db.selectFrom('rate_limits').select(['key', 'count']).where('key', 'like', 'login:%').execute();
    expect(counted.map((row) => Number(row.count))).toEqual([1]);
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/outcome="busy"[^\n]* 10\n/);

    // The refusals are summarised when the minute ends or the instance stops.
    await t.app.close();
    const summaries = await db.selectFrom('audit_events').select(['reason', 'details']).where('action', '=', 'access.denied').execute();
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.reason).toBe('rate-limited');
    expect(JSON.parse(summaries[0]!.details)).toMatchObject({ count: 10, routes: { 'POST /api/v1/auth/login': 10 } });
  }, 60_000);
});
