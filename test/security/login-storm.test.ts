import type { AddressInfo } from 'node:net';
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
    t = await createTestApp(backend, {
      env: { PCA_LOGIN_RATE_LIMIT: '100000', PCA_HASH_CONCURRENCY: '1', PCA_HASH_QUEUE: '2' },
    });
  }, 60_000);
  afterAll(() => t.dispose());

  it('answers sign-ins past the hashing queue with 429 problem+json and Retry-After, the rest as usual', async () => {
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username: `storm-${i}`, password: 'not-the-password-1' },
        }),
      ),
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

/** An answer as both transports give it. */
interface Answer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

type Send = (method: string, url: string, payload?: unknown) => Promise<Answer>;

function injected(t: TestApp): Send {
  return async (method, url, payload) => {
    const response = await t.app.inject({ method: method as 'GET' | 'POST', url, payload: payload as object });
    return {
      statusCode: response.statusCode,
      headers: Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, String(value)])),
      body: response.body,
    };
  };
}

function overSocket(base: string): Send {
  return async (method, url, payload) => {
    const response = await fetch(`${base}${url}`, {
      method,
      headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    return {
      statusCode: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      body: await response.text(),
    };
  };
}

// Over a socket, the door answers in the HTTP server's own listener before Fastify; `inject` goes
// straight to Fastify, where an onRequest hook keeps the same door. Both must answer alike.
describe.each(BACKENDS.flatMap((backend) => [`${backend} inject`, `${backend} socket`]))(
  'sign-ins past a full hashing queue [%s]',
  (variant) => {
    const [backend, transport] = variant.split(' ') as [(typeof BACKENDS)[number], 'inject' | 'socket'];
    let t: TestApp;
    let send: Send;
    beforeAll(async () => {
      // bcrypt at cost 13 holds the one slot for about a second: long enough to send the rest meanwhile.
      t = await createTestApp(backend, {
        env: {
          PCA_LOGIN_RATE_LIMIT: '100000',
          PCA_PASSWORD_HASH: 'bcrypt',
          PCA_BCRYPT_COST: '13',
          PCA_HASH_CONCURRENCY: '1',
          PCA_HASH_QUEUE: '0',
        },
      });
      if (transport === 'socket') {
        await t.app.listen({ port: 0, host: '127.0.0.1' });
        send = overSocket(`http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`);
      } else send = injected(t);
    }, 60_000);
    afterAll(() => t.dispose());

    it('are refused at the door: no store write, no chained event each, one summary for the address', async () => {
      const db = t.ctx.store.db;
      const login = (username: string) =>
        send('POST', '/api/v1/auth/login', { username, password: 'not-the-password-1' });
      const first = login('holder');
      const until = Date.now() + 10_000;
      while (!t.ctx.auth.hasher.saturated() && Date.now() < until)
        await new Promise((resolve) => setImmediate(resolve));
      expect(t.ctx.auth.hasher.saturated()).toBe(true);
      const refused = await Promise.all(Array.from({ length: 10 }, (_, i) => login(`storm-${i}`)));
      // Any other problem answer, for the headers every answer carries.
      const other = await send('GET', '/api/v1/auth/me');
      expect(other.statusCode).toBe(401);
      const securityHeaders = [
        'content-security-policy',
        'strict-transport-security',
        'x-content-type-options',
        'x-frame-options',
        'referrer-policy',
        'cross-origin-opener-policy',
      ];
      for (const response of refused) {
        expect(response.statusCode).toBe(429);
        expect(response.headers['retry-after']).toBe('1');
        const body = JSON.parse(response.body) as { type: string; requestId: string };
        // The cheap refusal is an answer like any other: problem+json, request id, security headers, no caching.
        expect(response.headers['content-type']).toBe(other.headers['content-type']);
        expect(response.headers['cache-control']).toBe('no-store');
        expect(response.headers.connection).toBe('close');
        expect(body.requestId).toBe(response.headers['x-request-id']);
        expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.body));
        for (const name of securityHeaders) expect(response.headers[name], name).toBe(other.headers[name]);
        expect(body).toEqual({
          type: body.type,
          title: 'Too many requests',
          status: 429,
          detail: 'Too many sign-ins at once; try again in a moment.',
          retryAfter: 1,
          requestId: response.headers['x-request-id'],
        });
        expect(body.type).toContain('rate-limited');
      }
      expect(new Set(refused.map((response) => response.headers['x-request-id'])).size).toBe(10);
      expect((await first).statusCode).toBe(401);

      const failed = await db
        .selectFrom('audit_events')
        .select(['actor_name', 'reason'])
        .where('action', '=', 'auth.login.failed')
        .execute();
      expect(failed).toEqual([{ actor_name: 'holder', reason: 'unknown_user' }]);
      const counted = await db
        .selectFrom('rate_limits')
        .select(['key', 'count'])
        .where('key', 'like', 'login:%')
        .execute();
      expect(counted.map((row) => Number(row.count))).toEqual([1]);
      const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(/outcome="busy"[^\n]* 10\n/);
      // Measured by route like every answer: the holder's 401 and the ten 429s.
      expect(metrics).toMatch(
        /http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/auth\/login",status_class="4xx"\} 11\n/,
      );
      expect(metrics).toMatch(/http_requests_in_flight 1\n/);

      // The refusals are summarised when the minute ends or the instance stops.
      await t.app.close();
      const summaries = await db
        .selectFrom('audit_events')
        .select(['reason', 'details'])
        .where('action', '=', 'access.denied')
        .execute();
      expect(summaries).toHaveLength(1);
      expect(summaries[0]!.reason).toBe('rate-limited');
      // The ten refusals at the door and the one 401 asked for its headers, from the one address.
      expect(JSON.parse(summaries[0]!.details)).toMatchObject({
        count: 11,
        reasons: { 'rate-limited': 10, unauthorized: 1 },
        routes: { 'POST /api/v1/auth/login': 10, 'GET /api/v1/auth/me': 1 },
      });
      // One log line for the burst, none for each refusal.
      const loginLines = t.logs.filter(
        (line) => (line.req as { url?: string } | undefined)?.url === '/api/v1/auth/login',
      );
      expect(loginLines.map((line) => (line.res as { statusCode: number }).statusCode)).toEqual([401]);
      const bursts = t.logs.filter((line) => line.msg === 'requests refused at the door');
      expect(bursts).toEqual([expect.objectContaining({ refused: 10, routes: { 'POST /api/v1/auth/login': 10 } })]);
    }, 60_000);
  },
);
