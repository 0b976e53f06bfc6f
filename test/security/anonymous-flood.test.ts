import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type Session } from '../helpers/identity.js';
import { seedOperator } from '../helpers/seed.js';

interface Event {
  action: string;
  reason: string | null;
  requestId: string | null;
  actor: { id: string | null; ip: string | null };
  details: { count?: number; routes?: Record<string, number>; reasons?: Record<string, number> };
}

describe.each(BACKENDS)('anonymous flood [%s]', (backend) => {
  let t: TestApp;
  let operator: Session;
  let now = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 5_000);
  beforeAll(async () => {
    t = await createTestApp(backend, {
      env: { PCA_LOGIN_RATE_LIMIT: '1000', PCA_ANON_RATE_LIMIT: '30' },
      clock: () => now,
    });
    operator = await seedOperator(t);
  }, 60_000);
  afterAll(() => t.dispose());

  const anonymous = (ip: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url: '/api/v1/users', remoteAddress: ip, headers });
  const auditRows = () =>
    t.ctx.store.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', '=', 'access.denied')
      .executeTakeFirstOrThrow();

  it('rate-limits requests without credentials per address, and a signed-in caller from it is still served', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await anonymous('203.0.113.50')).statusCode);
    expect(statuses.filter((status) => status === 401)).toHaveLength(30);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
    const limited = await anonymous('203.0.113.50');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is untouched; so is a caller with valid credentials from the limited one.
    expect((await anonymous('203.0.113.51')).statusCode).toBe(401);
    const signedIn = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users',
      remoteAddress: '203.0.113.50',
      headers: bearer(operator.accessToken),
    });
    expect(signedIn.statusCode).toBe(200);
  });

  it('writes one access.denied event per address and minute with the count, and bounds the stored user agent', async () => {
    const before = Number((await auditRows()).n);
    const longAgent = `flood/${'x'.repeat(5_000)}`;
    for (let i = 0; i < 25; i++) await anonymous('198.51.100.60', { 'user-agent': longAgent });
    for (let i = 0; i < 3; i++)
      await t.app.inject({
        method: 'DELETE',
        url: '/api/v1/api-keys/key_x',
        remoteAddress: '198.51.100.61',
        headers: { authorization: 'Bearer forged' },
      });
    // Nothing is appended while the minute runs.
    expect(Number((await auditRows()).n)).toBe(before);

    now = new Date(now.getTime() + 60_000);
    await anonymous('198.51.100.62');
    const trail = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/events?limit=500&action=access.denied',
      headers: bearer(operator.accessToken),
    });
    const events = trail.json<{ items: Event[] }>().items;
    const first = events.filter((event) => event.actor.ip === '198.51.100.60');
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      reason: 'unauthorized',
      actor: { id: null },
      details: { count: 25, routes: { 'GET /api/v1/users': 25 } },
    });
    expect(events.filter((event) => event.actor.ip === '198.51.100.61').map((event) => event.details.count)).toEqual([
      3,
    ]);
    // The earlier minute's flood from .50: 41 refusals (401 and 429) in one event.
    expect(events.filter((event) => event.actor.ip === '203.0.113.50').map((event) => event.details)).toEqual([
      expect.objectContaining({ count: 41, reasons: { unauthorized: 30, 'rate-limited': 11 } }),
    ]);
    // .50 and .51 of the first minute, .60 and .61 of this one; .62's minute is still open.
    expect(Number((await auditRows()).n) - before).toBe(4);

    const stored = await t.ctx.store.db
      .selectFrom('audit_events')
      .select('actor_user_agent')
      .where('actor_ip', '=', '198.51.100.60')
      .executeTakeFirstOrThrow();
    expect(stored.actor_user_agent!.length).toBeLessThanOrEqual(200);
  });
});
