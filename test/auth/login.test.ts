import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS, OPERATOR_FIRST_PASSWORD } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, login, operatorSession, OPERATOR_PASSWORD } from '../helpers/identity.js';

describe.each(BACKENDS)('login, tokens and sessions [%s]', (backend) => {
  let t: TestApp | undefined;
  let now = new Date('2026-11-26T10:00:00Z');
  const clock = () => now;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
    now = new Date('2026-11-26T10:00:00Z');
  });

  async function start(env: Record<string, string> = {}) {
    t = await createTestApp(backend, { clock, env: { PCA_LOGIN_RATE_LIMIT: '1000', ...env } });
    return t;
  }

  it('makes the operator change the first password before anything else', async () => {
    const { app } = await start();
    const first = await login(app, 'admin', OPERATOR_FIRST_PASSWORD);
    const blocked = await app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(first.accessToken) });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json<{ type: string }>().type).toBe('/problems/password-change-required');
    const me = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(first.accessToken) });
    expect(me.statusCode).toBe(200);
    expect(me.json<{ user: { mustChangePassword: boolean } }>().user.mustChangePassword).toBe(true);
    const change = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: bearer(first.accessToken),
      payload: { currentPassword: OPERATOR_FIRST_PASSWORD, newPassword: OPERATOR_PASSWORD },
    });
    expect(change.statusCode).toBe(200);
    const allowed = await app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(first.accessToken) });
    expect(allowed.statusCode).toBe(200);
  });

  it('answers an unknown user and a wrong password identically', async () => {
    const { app } = await start();
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'ghost', password: 'whatever-it-is-123' },
    });
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: 'whatever-it-is-123' },
    });
    const strip = (body: string) => ({ ...JSON.parse(body), requestId: undefined }) as unknown;
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(strip(unknown.body)).toEqual(strip(wrong.body));
    expect(unknown.headers['content-type']).toBe(wrong.headers['content-type']);
  });

  it('issues an HS256 JWT with the documented claims', async () => {
    const { app } = await start();
    const session = await login(app, 'admin', OPERATOR_FIRST_PASSWORD);
    const [header, payload] = session.accessToken
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
    expect(header).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    expect(typeof header?.kid).toBe('string');
    expect(payload).toMatchObject({
      iss: 'pca-agent',
      aud: 'pca-agent-api',
      sub: session.userId,
      org: session.orgId,
      role: 'admin',
    });
    expect(Number(payload?.exp) - Number(payload?.iat)).toBe(900);
    expect(String(payload?.sid)).toMatch(/^ses_/);
  });

  it('refuses a token signed with alg none, a tampered token and an expired one', async () => {
    const { app } = await start();
    const session = await login(app, 'admin', OPERATOR_FIRST_PASSWORD);
    const [, payload, signature] = session.accessToken.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    const tamperedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'admin', org: 'org_other' }),
    ).toString('base64url');
    const tampered = `${session.accessToken.split('.')[0]}.${tamperedPayload}.${signature}`;
    for (const token of [none, tampered, 'garbage', `${session.accessToken}x`]) {
      const response = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) });
      expect(response.statusCode).toBe(401);
    }
    now = new Date(now.getTime() + 901_000);
    const expired = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(session.accessToken) });
    expect(expired.statusCode).toBe(401);
    expect(expired.headers['www-authenticate']).toContain('Bearer');
  });

  it('rotates refresh tokens; reusing one revokes the whole family', async () => {
    const { app } = await start();
    const session = await login(app, 'admin', OPERATOR_FIRST_PASSWORD);
    const first = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: session.refreshToken },
    });
    expect(first.statusCode).toBe(200);
    const rotated = first.json<{ accessToken: string; refreshToken: string }>();
    expect(rotated.refreshToken).not.toBe(session.refreshToken);
    const meWithNew = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(rotated.accessToken) });
    expect(meWithNew.statusCode).toBe(200);

    const reuse = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: session.refreshToken },
    });
    expect(reuse.statusCode).toBe(401);
    // Every token of the family is dead now: the newest refresh token and both access tokens.
    const newest = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: rotated.refreshToken },
    });
    expect(newest.statusCode).toBe(401);
    for (const token of [session.accessToken, rotated.accessToken]) {
      const response = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) });
      expect(response.statusCode).toBe(401);
    }
  });

  it('lets only one of two concurrent refreshes with the same token win', async () => {
    const { app } = await start();
    const session = await login(app, 'admin', OPERATOR_FIRST_PASSWORD);
    const results = await Promise.all(
      [1, 2].map(() =>
        app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: session.refreshToken } }),
      ),
    );
    // Exactly one wins: two refusals (or two successes) would both fail here.
    expect(results.map((result) => result.statusCode).sort()).toEqual([200, 401]);
    const winner = results
      .find((result) => result.statusCode === 200)!
      .json<{ accessToken: string; refreshToken: string }>();
    expect(winner.refreshToken).not.toBe(session.refreshToken);
    // The loser presented a used token: a reuse, which ends the session, the winner's new tokens included.
    const events = await t!.ctx.store.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', 'in', ['auth.session.refreshed', 'auth.refresh_token.reused'])
      .execute();
    expect(events.map((event) => event.action).sort()).toEqual(['auth.refresh_token.reused', 'auth.session.refreshed']);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refreshToken: winner.refreshToken },
        })
      ).statusCode,
    ).toBe(401);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(winner.accessToken) })).statusCode,
    ).toBe(401);
  });

  it('refuses an expired refresh token (30-day absolute lifetime)', async () => {
    const { app } = await start();
    const session = await login(app, 'admin', OPERATOR_FIRST_PASSWORD);
    now = new Date(now.getTime() + 30 * 86_400_000 + 1000);
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: session.refreshToken },
    });
    expect(response.statusCode).toBe(401);
  });

  it('logout kills the access token at once; logout-all kills every session', async () => {
    const { app } = await start();
    const operator = await operatorSession(app);
    const other = await login(app, 'admin', OPERATOR_PASSWORD);
    const logout = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: bearer(operator.accessToken),
    });
    expect(logout.statusCode).toBe(204);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(operator.accessToken) })).statusCode,
    ).toBe(401);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refreshToken: operator.refreshToken },
        })
      ).statusCode,
    ).toBe(401);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(other.accessToken) })).statusCode,
    ).toBe(200);

    const third = await login(app, 'admin', OPERATOR_PASSWORD);
    const all = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout-all',
      headers: bearer(third.accessToken),
    });
    expect(all.json()).toEqual({ revokedSessions: 2 });
    for (const token of [other.accessToken, third.accessToken]) {
      expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) })).statusCode).toBe(
        401,
      );
    }
  });

  it('lists own sessions and revokes one; another user’s session id is 404', async () => {
    const { app } = await start();
    const operator = await operatorSession(app);
    const second = await login(app, 'admin', OPERATOR_PASSWORD);
    const list = await app.inject({
      method: 'GET',
      url: '/api/v1/auth/sessions',
      headers: bearer(operator.accessToken),
    });
    const items = list.json<{ items: { id: string; current: boolean }[] }>().items;
    expect(items).toHaveLength(2);
    expect(items.filter((item) => item.current)).toHaveLength(1);
    const target = items.find((item) => !item.current)!;
    const revoke = await app.inject({
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${target.id}`,
      headers: bearer(operator.accessToken),
    });
    expect(revoke.statusCode).toBe(204);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(second.accessToken) })).statusCode,
    ).toBe(401);
    const again = await app.inject({
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${target.id}`,
      headers: bearer(operator.accessToken),
    });
    expect(again.statusCode).toBe(404);
  });

  it('changing the password ends the other sessions, keeps this one, and enforces the policy', async () => {
    const { app } = await start();
    const operator = await operatorSession(app);
    const other = await login(app, 'admin', OPERATOR_PASSWORD);
    for (const [newPassword, rule] of [
      ['short-pass', 'at least 12'],
      ['password1234', 'too common'],
      ['ADMIN', 'at least 12'],
      ['x'.repeat(257), 'at most 256'],
    ] as const) {
      const refused = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: bearer(operator.accessToken),
        payload: { currentPassword: OPERATOR_PASSWORD, newPassword },
      });
      expect(refused.statusCode).toBe(422);
      expect(refused.body).toContain(rule);
    }
    const wrongCurrent = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: bearer(operator.accessToken),
      payload: { currentPassword: 'not-the-password', newPassword: 'another-Good-pass-42' },
    });
    expect(wrongCurrent.statusCode).toBe(401);
    const changed = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: bearer(operator.accessToken),
      payload: { currentPassword: OPERATOR_PASSWORD, newPassword: 'another-Good-pass-42' },
    });
    expect(changed.json()).toEqual({ revokedSessions: 1 });
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(operator.accessToken) })).statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(other.accessToken) })).statusCode,
    ).toBe(401);
  });

  it('locks an account after 5 failures with the same 401, and unlocks after 15 minutes', async () => {
    const { app } = await start();
    await operatorSession(app);
    const attempt = (password: string) =>
      app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password } });
    const generic = (await attempt('wrong-password-0')).body;
    for (let i = 1; i < 5; i++) expect((await attempt(`wrong-password-${i}`)).statusCode).toBe(401);
    const locked = await attempt(OPERATOR_PASSWORD);
    expect(locked.statusCode).toBe(401);
    expect({ ...locked.json<object>(), requestId: 0 }).toEqual({ ...(JSON.parse(generic) as object), requestId: 0 });
    now = new Date(now.getTime() + 14 * 60_000);
    expect((await attempt(OPERATOR_PASSWORD)).statusCode).toBe(401);
    now = new Date(now.getTime() + 61_000);
    expect((await attempt(OPERATOR_PASSWORD)).statusCode).toBe(200);
  });

  it('rate-limits logins per client address', async () => {
    const { app } = await start({ PCA_LOGIN_RATE_LIMIT: '3' });
    const attempt = () =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'nobody', password: 'nothing-at-all-1' },
      });
    for (let i = 0; i < 3; i++) expect((await attempt()).statusCode).toBe(401);
    const limited = await attempt();
    expect(limited.statusCode).toBe(429);
    expect(limited.json<{ type: string }>().type).toBe('/problems/rate-limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // The window slides (the previous minute still weighs in), so the count is clear two minutes on.
    now = new Date(now.getTime() + 120_000);
    expect((await attempt()).statusCode).toBe(401);
  });

  it('refuses an unknown organisation exactly as a wrong password', async () => {
    const { app } = await start();
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: OPERATOR_FIRST_PASSWORD, organization: 'nope' },
    });
    expect(response.statusCode).toBe(401);
  });
});
