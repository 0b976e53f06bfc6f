import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, firstLogin, OPERATOR_PASSWORD, USER_PASSWORD, login, type Session } from '../helpers/identity.js';
import { seedOperator } from '../helpers/seed.js';

interface Event {
  action: string;
  outcome: string;
  reason: string | null;
  actor: { id: string | null };
  target: { id: string | null };
}

describe.each(BACKENDS)('operator takeover [%s]', (backend) => {
  let t: TestApp;
  let operator: Session;
  let platformAdmin: Session;
  let otherAdminId: string;

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    operator = await seedOperator(t);
    // A second admin of the platform organisation: every permission but the operator's.
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(operator.accessToken),
      payload: { username: 'deputy', role: 'admin' },
    });
    expect(created.statusCode, created.body).toBe(201);
    platformAdmin = await firstLogin(
      t.app,
      'deputy',
      created.json<{ oneTimePassword: string }>().oneTimePassword,
      USER_PASSWORD,
    );
    const other = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(operator.accessToken),
      payload: { username: 'peer', role: 'admin', password: USER_PASSWORD },
    });
    otherAdminId = other.json<{ user: { id: string } }>().user.id;
  }, 120_000);
  afterAll(() => t.dispose());

  const asDeputy = () => bearer(platformAdmin.accessToken);

  it('refuses every takeover path against the operator with 403 problem+json, each recorded as a refusal', async () => {
    const attempts = [
      {
        method: 'POST' as const,
        url: `/api/v1/users/${operator.userId}/reset-password`,
        action: 'auth.password.reset',
      },
      { method: 'POST' as const, url: `/api/v1/users/${operator.userId}/deactivate`, action: 'user.deactivated' },
      {
        method: 'PATCH' as const,
        url: `/api/v1/users/${operator.userId}`,
        payload: { role: 'viewer' },
        action: 'user.role_changed',
      },
      {
        method: 'PATCH' as const,
        url: `/api/v1/users/${operator.userId}`,
        payload: { email: 'mine@evil.test' },
        action: 'user.updated',
      },
    ];
    for (const attempt of attempts) {
      const response = await t.app.inject({
        method: attempt.method,
        url: attempt.url,
        headers: asDeputy(),
        ...(attempt.payload ? { payload: attempt.payload } : {}),
      });
      expect(response.statusCode, `${attempt.url} ${response.body}`).toBe(403);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json<{ detail: string }>().detail).toContain('operator');
    }
    // The operator is untouched: same password, same role, still active.
    const again = await login(t.app, 'admin', OPERATOR_PASSWORD);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(again.accessToken) });
    const identity = me.json<{ user: { role: string; status: string; email: string | null }; permissions: string[] }>();
    expect(identity.user).toMatchObject({ role: 'admin', status: 'active', email: null });
    expect(identity.permissions).toContain('platform:orgs');

    const trail = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/events?limit=200',
      headers: bearer(operator.accessToken),
    });
    const refusals = trail
      .json<{ items: Event[] }>()
      .items.filter((event) => event.actor.id === platformAdmin.userId && event.outcome === 'denied');
    expect(refusals.map((event) => event.action).sort()).toEqual(
      ['auth.password.reset', 'user.deactivated', 'user.updated', 'user.updated'].sort(),
    );
    expect(refusals.every((event) => event.reason === 'forbidden')).toBe(true);
  });

  it("refuses revoking the operator's API keys, but the operator manages them, and the deputy manages a peer", async () => {
    const key = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: bearer(operator.accessToken),
      payload: { name: 'ops', scopes: ['analyses:read'] },
    });
    const keyId = key.json<{ apiKey: { id: string } }>().apiKey.id;
    const refused = await t.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${keyId}`, headers: asDeputy() });
    expect(refused.statusCode).toBe(403);
    const own = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/api-keys/${keyId}`,
      headers: bearer(operator.accessToken),
    });
    expect(own.statusCode).toBe(204);

    // Equal rights are enough: one admin may still reset and deactivate another.
    const reset = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${otherAdminId}/reset-password`,
      headers: asDeputy(),
    });
    expect(reset.statusCode, reset.body).toBe(200);
    const deactivated = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${otherAdminId}/deactivate`,
      headers: asDeputy(),
    });
    expect(deactivated.statusCode, deactivated.body).toBe(200);
  });

  it('lets the operator, who holds platform rights, manage the deputy', async () => {
    const demoted = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${platformAdmin.userId}`,
      headers: bearer(operator.accessToken),
      payload: { role: 'analyst' },
    });
    expect(demoted.statusCode, demoted.body).toBe(200);
  });
});
