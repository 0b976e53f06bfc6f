import { afterEach, describe, expect, it } from 'vitest';
import { tryAcquireLease } from '../../src/store/leases.js';
import { runRetention } from '../../src/commands/retention.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, login } from '../helpers/identity.js';
import { seedOperator } from '../helpers/seed.js';

describe.each(BACKENDS)('retention and leases [%s]', (backend) => {
  let t: TestApp | undefined;
  let now = new Date('2026-11-26T10:00:00Z');
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
    now = new Date('2026-11-26T10:00:00Z');
  });

  it('removes sessions ended more than 30 days ago, keeps live ones, and is idempotent', async () => {
    t = await createTestApp(backend, { clock: () => now, env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    const operator = await seedOperator(t);
    const old = await login(t.app, 'admin', 'operator-Chosen-pass-2026');
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(old.accessToken) });
    now = new Date(now.getTime() + 31 * 86_400_000);
    const live = await login(t.app, 'admin', 'operator-Chosen-pass-2026');
    const first = await runRetention(
      { db: t.ctx.store.db, layout: t.ctx.layout, duck: t.ctx.duck, audit: t.ctx.audit },
      now,
    );
    expect(first.removed.sessions).toBe(1);
    const second = await runRetention(
      { db: t.ctx.store.db, layout: t.ctx.layout, duck: t.ctx.duck, audit: t.ctx.audit },
      now,
    );
    expect(second.removed.sessions).toBe(0);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(live.accessToken) })).statusCode,
    ).toBe(200);
    expect(operator.userId).toBe(live.userId);
    // The refresh tokens of removed sessions went with them.
    const orphans = await t.ctx.store.db
      .selectFrom('refresh_tokens')
      .leftJoin('sessions', 'sessions.id', 'refresh_tokens.session_id')
      .select('refresh_tokens.token_hash')
      .where('sessions.id', 'is', null)
      .execute();
    expect(orphans).toEqual([]);
  });

  it('grants a lease to one holder at a time until it expires', async () => {
    t = await createTestApp(backend);
    const db = t.ctx.store.db;
    const results = await Promise.all(['a', 'b', 'c'].map((holder) => tryAcquireLease(db, 'job', holder, 60_000, now)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = ['a', 'b', 'c'][results.indexOf(true)]!;
    const loser = ['a', 'b', 'c'].find((holder) => holder !== winner)!;
    expect(await tryAcquireLease(db, 'job', winner, 60_000, new Date(now.getTime() + 30_000))).toBe(true);
    expect(await tryAcquireLease(db, 'job', loser, 60_000, new Date(now.getTime() + 60_000))).toBe(false);
    expect(await tryAcquireLease(db, 'job', loser, 60_000, new Date(now.getTime() + 90_001))).toBe(true);
  });

  it('runs from the scheduler only where the lease is held', async () => {
    t = await createTestApp(backend, { clock: () => now });
    const report = await t.retention.tick();
    expect(report?.organizations).toBe(1);
    expect(t.retention.lastRunAt()).toBe(now.toISOString());
    await tryAcquireLease(t.ctx.store.db, 'retention', 'someone-else', 3_600_000, new Date(now.getTime() + 4_000_000));
    now = new Date(now.getTime() + 4_000_001);
    expect(await t.retention.tick()).toBeUndefined();
  });
});
