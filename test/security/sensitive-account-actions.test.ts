import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, login, operatorSession, orgWithEveryRole, USER_PASSWORD, type TestOrg } from '../helpers/identity.js';

describe.each(BACKENDS)('sensitive account actions [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;
  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000', PCA_LOCKOUT_THRESHOLD: '5' } });
    org = await orgWithEveryRole(t.app, await operatorSession(t.app), 'sensitive');
  }, 120_000);
  afterAll(() => t.dispose());

  const change = (token: string, currentPassword: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: bearer(token),
      payload: { currentPassword, newPassword: 'another-Strong-pass-77' },
    });

  it('counts wrong current passwords toward the lockout and throttles the check', async () => {
    const token = org.users.analyst.accessToken;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await change(token, `wrong-guess-${i}-Aa`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    // Locked now: even the right password is refused, and past ten checks a minute (the first-login change was one) the check is throttled.
    const locked = await change(token, USER_PASSWORD);
    expect(locked.statusCode).toBe(401);
    expect(locked.json<{ detail: string }>().detail).toContain('locked');
    const more: number[] = [];
    for (let i = 0; i < 5; i++) more.push((await change(token, `wrong-guess-${i}-Bb`)).statusCode);
    expect(more).toEqual([401, 401, 401, 429, 429]);
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'analyst-user', password: USER_PASSWORD, organization: 'sensitive' },
    });
    expect(signIn.statusCode).toBe(401);
    const row = await t.ctx.store.db
      .selectFrom('users')
      .select('locked_until')
      .where('id', '=', org.users.analyst.userId)
      .executeTakeFirstOrThrow();
    expect(row.locked_until).not.toBeNull();
    const trail = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/events?action=auth.account.locked',
      headers: bearer(org.users.auditor.accessToken),
    });
    expect(trail.json<{ items: { target: { id: string } }[] }>().items.map((event) => event.target.id)).toContain(
      org.users.analyst.userId,
    );
  });

  it('needs a fresh password to set up or enable MFA, so a stolen session cannot enrol its own device', async () => {
    const token = org.users.viewer.accessToken;
    const bare = await t.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/setup', headers: bearer(token) });
    expect(bare.statusCode).toBe(422);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/setup',
      headers: bearer(token),
      payload: { password: 'not-the-password-1' },
    });
    expect(wrong.statusCode).toBe(401);
    const setup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/setup',
      headers: bearer(token),
      payload: { password: USER_PASSWORD },
    });
    expect(setup.statusCode).toBe(200);
    const enableWithoutPassword = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/enable',
      headers: bearer(token),
      payload: { code: '123456' },
    });
    expect(enableWithoutPassword.statusCode).toBe(422);
    const enableWrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/enable',
      headers: bearer(token),
      payload: { password: 'not-the-password-1', code: '123456' },
    });
    expect(enableWrong.statusCode).toBe(401);
    // The viewer still signs in without a second factor: nothing was enrolled.
    expect((await login(t.app, 'viewer-user', USER_PASSWORD, 'sensitive')).accessToken).toBeTruthy();
  });
});
