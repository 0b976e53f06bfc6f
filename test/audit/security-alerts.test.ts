import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, login, USER_PASSWORD, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';

interface Alert {
  title: string;
  category: string;
  severity: string;
  fingerprint: string;
  count: number;
}

describe.each(BACKENDS)('security alerts from the audit trail [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;
  let bystander: TestOrg;
  let now = new Date('2026-05-01T09:00:00Z');

  beforeAll(async () => {
    t = await createTestApp(backend, {
      clock: () => now,
      env: { PCA_LOGIN_RATE_LIMIT: '1000', PCA_ALERT_INTERVAL_SECONDS: '3600' },
    });
    org = await seedOrg(t, 'watched');
    bystander = await seedOrg(t, 'bystander');
  }, 120_000);
  afterAll(() => t.dispose());

  const alerts = async (of: TestOrg): Promise<Alert[]> => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/alerts?category=security',
      headers: bearer(of.users.admin.accessToken),
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ items: Alert[] }>().items;
  };
  const fail = (username: string, times: number, stepMs: number) =>
    (async () => {
      for (let i = 0; i < times; i++) {
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username, password: `wrong-password-${i}`, organization: 'watched' },
        });
        now = new Date(now.getTime() + stepMs);
      }
    })();

  it('stays quiet at 9 failed sign-ins in 5 minutes, and alerts at the 10th', async () => {
    await fail('viewer-user', 9, 20_000);
    await t.alerts.tick();
    expect(await alerts(org)).toEqual([]);
    await fail('viewer-user', 1, 1_000);
    const tick = await t.alerts.tick();
    expect(tick?.security.opened.map((opened) => opened.orgId)).toEqual([org.orgId, org.orgId]);
    const raised = await alerts(org);
    expect(raised.map((alert) => alert.fingerprint).sort()).toEqual([
      'security:failed-logins:account:viewer-user',
      'security:failed-logins:address:127.0.0.1',
    ]);
    expect(raised.every((alert) => alert.severity === 'critical')).toBe(true);
    // The organisation concerned gets them, nobody else; and each is in its trail.
    expect(await alerts(bystander)).toEqual([]);
    const trail = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/events?action=security.alert',
      headers: bearer(org.users.auditor.accessToken),
    });
    expect(trail.json<{ items: unknown[] }>().items).toHaveLength(2);
    // Nothing new: a second pass raises nothing and counts nothing.
    await t.alerts.tick();
    expect((await alerts(org)).map((alert) => alert.count)).toEqual([1, 1]);
  });

  it('does not count failures spread wider than the window', async () => {
    now = new Date(now.getTime() + 3_600_000);
    await fail('analyst-user', 12, 40_000);
    await t.alerts.tick();
    org.users.admin = await login(t.app, 'boss', USER_PASSWORD, 'watched');
    expect(
      (await alerts(org)).some((alert) => alert.fingerprint === 'security:failed-logins:account:analyst-user'),
    ).toBe(false);
  });

  it('alerts on refresh-token reuse and on a broken audit chain', async () => {
    org.users.auditor = await login(t.app, 'auditor-user', USER_PASSWORD, 'watched');
    const session = await login(t.app, 'api_user-user', USER_PASSWORD, 'watched');
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: session.refreshToken },
    });
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: session.refreshToken },
    });
    await t.ctx.store.db
      .updateTable('audit_events')
      .set({ reason: 'edited' })
      .where('org_id', '=', org.orgId)
      .where('seq', '=', 3)
      .execute();
    const verdict = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/verify',
      headers: bearer(org.users.auditor.accessToken),
    });
    expect(verdict.json()).toMatchObject({ valid: false, firstBrokenSeq: 3 });
    await t.alerts.tick();
    const titles = (await alerts(org)).map((alert) => alert.title);
    expect(titles).toContain('A refresh token was used twice');
    expect(titles).toContain('The audit trail failed verification');
  });
});
