import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, firstLogin, login, USER_PASSWORD, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';

describe.each(BACKENDS)('users [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    org = await seedOrg(t, 'acme');
  }, 120_000);
  afterAll(() => t.dispose());

  const asAdmin = () => bearer(org.users.admin.accessToken);

  it('creates a user with a one-time password that must be changed, and lists users with a cursor', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: asAdmin(),
      payload: { username: 'New.Person', role: 'viewer', email: 'new@acme.test' },
    });
    expect(created.statusCode).toBe(201);
    const body = created.json<{ user: { username: string; mustChangePassword: boolean }; oneTimePassword: string }>();
    expect(body.user).toMatchObject({ username: 'new.person', mustChangePassword: true });
    expect(body.oneTimePassword.length).toBeGreaterThanOrEqual(12);
    expect(created.body).not.toContain('password_hash');
    const session = await login(t.app, 'NEW.PERSON', body.oneTimePassword, 'acme');
    const blocked = await t.app.inject({ method: 'GET', url: '/api/v1/roles', headers: bearer(session.accessToken) });
    expect(blocked.json<{ type: string }>().type).toBe('/problems/password-change-required');

    const first = await t.app.inject({ method: 'GET', url: '/api/v1/users?limit=2', headers: asAdmin() });
    const page1 = first.json<{ items: { id: string }[]; nextCursor: string }>();
    expect(page1.items).toHaveLength(2);
    const second = await t.app.inject({
      method: 'GET',
      url: `/api/v1/users?limit=2&cursor=${page1.nextCursor}`,
      headers: asAdmin(),
    });
    const page2 = second.json<{ items: { id: string }[] }>();
    expect(page2.items.map((item) => item.id)).not.toContain(page1.items[0]!.id);
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/users?cursor=not-a-cursor', headers: asAdmin() });
    expect(bad.statusCode).toBe(422);
  });

  it('refuses a duplicate username (case-insensitively) with 409, and concurrent duplicates too', async () => {
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: asAdmin(),
      payload: { username: 'VIEWER-user', role: 'viewer' },
    });
    expect(dup.statusCode).toBe(409);
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/users',
          headers: asAdmin(),
          payload: { username: 'racer', role: 'viewer' },
        }),
      ),
    );
    expect(results.map((result) => result.statusCode).sort()).toEqual([201, 409, 409]);
  });

  it('refuses hostile and malformed usernames and bad roles with 422', async () => {
    for (const payload of [
      { username: "x'; drop table users;--", role: 'viewer' },
      { username: '../../etc/passwd', role: 'viewer' },
      { username: 'ok-name', role: 'superuser' },
      { username: 'ok-name', role: 'viewer', email: 'not-an-email' },
    ]) {
      const response = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: asAdmin(), payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(422);
    }
  });

  it('lets nobody change their own role, and keeps the last active admin', async () => {
    const own = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${org.users.admin.userId}`,
      headers: asAdmin(),
      payload: { role: 'viewer' },
    });
    expect(own.statusCode).toBe(403);
    const deactivateSelf = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${org.users.admin.userId}/deactivate`,
      headers: asAdmin(),
    });
    expect(deactivateSelf.statusCode).toBe(409);
    expect(deactivateSelf.body).toContain('last active admin');
    // With a second admin, the first can be demoted by the second.
    const promote = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${org.users.analyst.userId}`,
      headers: asAdmin(),
      payload: { role: 'admin' },
    });
    expect(promote.statusCode).toBe(200);
    const demote = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${org.users.admin.userId}`,
      headers: bearer(org.users.analyst.accessToken),
      payload: { role: 'analyst' },
    });
    expect(demote.statusCode).toBe(200);
    // The demotion applies to the live token at once.
    const now = await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: asAdmin() });
    expect(now.statusCode).toBe(403);
    const lastAdmin = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${org.users.analyst.userId}`,
      headers: asAdmin(),
      payload: { role: 'viewer' },
    });
    expect(lastAdmin.statusCode).toBe(403);
    // Restore: the new admin promotes the old one back.
    const restore = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${org.users.admin.userId}`,
      headers: bearer(org.users.analyst.accessToken),
      payload: { role: 'admin' },
    });
    expect(restore.statusCode).toBe(200);
    const back = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${org.users.analyst.userId}`,
      headers: asAdmin(),
      payload: { role: 'analyst' },
    });
    expect(back.statusCode).toBe(200);
  });

  it('stops a deactivated user’s live token at once, and reactivation needs a new login', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: asAdmin(),
      payload: { username: 'leaver', role: 'analyst' },
    });
    const { user, oneTimePassword } = created.json<{ user: { id: string }; oneTimePassword: string }>();
    const session = await firstLogin(t.app, 'leaver', oneTimePassword, USER_PASSWORD, 'acme');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(session.accessToken) })).statusCode,
    ).toBe(200);
    const deactivated = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${user.id}/deactivate`,
      headers: asAdmin(),
    });
    expect(deactivated.json<{ status: string }>().status).toBe('deactivated');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(session.accessToken) })).statusCode,
    ).toBe(401);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'leaver', password: USER_PASSWORD, organization: 'acme' },
    });
    expect(refused.statusCode).toBe(401);
    await t.app.inject({ method: 'POST', url: `/api/v1/users/${user.id}/reactivate`, headers: asAdmin() });
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(session.accessToken) })).statusCode,
    ).toBe(401);
    await login(t.app, 'leaver', USER_PASSWORD, 'acme');
  });

  it('resets a password: one-time password, sessions ended, lockout cleared', async () => {
    const target = org.users.auditor;
    for (let i = 0; i < 5; i++) {
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'auditor-user', password: `wrong-guess-${i}-xx`, organization: 'acme' },
      });
    }
    const locked = await t.app.inject({ method: 'GET', url: `/api/v1/users/${target.userId}`, headers: asAdmin() });
    expect(locked.json<{ lockedUntil: string | null }>().lockedUntil).not.toBeNull();
    const reset = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${target.userId}/reset-password`,
      headers: asAdmin(),
    });
    const { oneTimePassword, user } = reset.json<{
      oneTimePassword: string;
      user: { mustChangePassword: boolean; lockedUntil: null };
    }>();
    expect(user).toMatchObject({ mustChangePassword: true, lockedUntil: null });
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(target.accessToken) })).statusCode,
    ).toBe(401);
    org.users.auditor = await firstLogin(t.app, 'auditor-user', oneTimePassword, 'auditor-New-pass-2026', 'acme');
  });

  it('shows an admin a user’s live sessions, ended ones gone, and no other organisation’s', async () => {
    const sessionsOf = (userId: string, headers = asAdmin()) =>
      t.app.inject({ method: 'GET', url: `/api/v1/users/${userId}/sessions`, headers });
    const second = await login(t.app, 'viewer-user', USER_PASSWORD, 'acme');
    const live = await sessionsOf(org.users.viewer.userId);
    expect(live.statusCode).toBe(200);
    const items = live.json<{ items: { id: string; current: boolean; lastUsedAt: string }[] }>().items;
    expect(items).toHaveLength(2);
    // "current" is the caller's own session, never the user's.
    expect(items.every((item) => !item.current)).toBe(true);
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(second.accessToken) });
    expect((await sessionsOf(org.users.viewer.userId)).json<{ items: unknown[] }>().items).toHaveLength(1);
    // An analyst may not look; another organisation's admin gets "not found".
    expect((await sessionsOf(org.users.viewer.userId, bearer(org.users.analyst.accessToken))).statusCode).toBe(403);
    const other = await seedOrg(t, 'other');
    expect((await sessionsOf(org.users.viewer.userId, bearer(other.users.admin.accessToken))).statusCode).toBe(404);
  });
});
