import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type Session, type TestOrg } from '../helpers/identity.js';
import { seedOperator, seedOrg } from '../helpers/seed.js';

describe.each(BACKENDS)('API key lineage [%s]', (backend) => {
  let t: TestApp;
  let operator: Session;
  let org: TestOrg;

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    operator = await seedOperator(t);
    org = await seedOrg(t, 'lineage');
  }, 120_000);
  afterAll(() => t.dispose());

  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  const createKey = (token: string, payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer(token), payload });
  const me = async (token: string) =>
    (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) })).statusCode;

  it("the operator's key with the platform scope can use it", async () => {
    const created = await createKey(operator.accessToken, { name: 'platform automation', scopes: ['platform:orgs'] });
    expect(created.statusCode, created.body).toBe(201);
    const key = created.json<{ key: string }>().key;
    const orgs = await t.app.inject({ method: 'GET', url: '/api/v1/orgs', headers: bearer(key) });
    expect(orgs.statusCode, orgs.body).toBe(200);
    // An organisation's admin does not hold it, so cannot mint it.
    expect((await createKey(org.users.admin.accessToken, { name: 'x', scopes: ['platform:orgs'] })).statusCode).toBe(
      403,
    );
  });

  it('a key minted by a key neither outlives nor outranks it, and dies with it', async () => {
    const parent = await createKey(org.users.admin.accessToken, {
      name: 'parent',
      scopes: ['api_keys:manage', 'analyses:read'],
      expiresAt: inDays(1),
    });
    expect(parent.statusCode, parent.body).toBe(201);
    const { key: parentKey, apiKey } = parent.json<{ key: string; apiKey: { id: string } }>();

    const forever = await createKey(parentKey, { name: 'forever', scopes: ['analyses:read'] });
    expect(forever.statusCode).toBe(422);
    expect(forever.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('/body/expiresAt');
    expect(
      (await createKey(parentKey, { name: 'later', scopes: ['analyses:read'], expiresAt: inDays(2) })).statusCode,
    ).toBe(422);
    // The admin could grant users:manage; the parent key cannot.
    expect(
      (await createKey(parentKey, { name: 'wider', scopes: ['users:manage'], expiresAt: inDays(1) })).statusCode,
    ).toBe(403);

    const child = await createKey(parentKey, {
      name: 'child',
      scopes: ['analyses:read', 'api_keys:manage'],
      expiresAt: inDays(0.5),
    });
    expect(child.statusCode, child.body).toBe(201);
    const childKey = child.json<{ key: string }>().key;
    const grandchild = await createKey(childKey, {
      name: 'grandchild',
      scopes: ['analyses:read'],
      expiresAt: inDays(0.25),
    });
    expect(grandchild.statusCode, grandchild.body).toBe(201);
    const grandchildKey = grandchild.json<{ key: string }>().key;
    expect(await me(childKey)).toBe(200);
    expect(await me(grandchildKey)).toBe(200);

    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/api-keys/${apiKey.id}`,
      headers: bearer(org.users.admin.accessToken),
    });
    expect(revoked.statusCode).toBe(204);
    expect(await me(childKey)).toBe(401);
    expect(await me(grandchildKey)).toBe(401);
  });

  it("a sign-out of every session revokes the account's keys; so does an admin's password reset", async () => {
    const own = await createKey(org.users.api_user.accessToken, { name: 'mine', scopes: ['analyses:read'] });
    const ownKey = own.json<{ key: string }>().key;
    expect(await me(ownKey)).toBe(200);
    const reset = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${org.users.api_user.userId}/reset-password`,
      headers: bearer(org.users.admin.accessToken),
    });
    expect(reset.statusCode).toBe(200);
    expect(await me(ownKey)).toBe(401);

    const adminKey = (
      await createKey(org.users.admin.accessToken, { name: 'admin job', scopes: ['analyses:read'] })
    ).json<{ key: string }>().key;
    expect(await me(adminKey)).toBe(200);
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout-all',
      headers: bearer(org.users.admin.accessToken),
    });
    expect(out.statusCode).toBe(200);
    expect(await me(adminKey)).toBe(401);
  });

  it('suspension ends sessions and keys for good: reactivation brings none of them back', async () => {
    const fresh = await seedOrg(t, 'suspended');
    const key = (await createKey(fresh.users.admin.accessToken, { name: 'job', scopes: ['analyses:read'] })).json<{
      key: string;
    }>().key;
    expect(await me(key)).toBe(200);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/api/v1/orgs/${fresh.orgId}/suspend`,
          headers: bearer(operator.accessToken),
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/api/v1/orgs/${fresh.orgId}/reactivate`,
          headers: bearer(operator.accessToken),
        })
      ).statusCode,
    ).toBe(200);
    expect(await me(key)).toBe(401);
    expect(await me(fresh.users.analyst.accessToken)).toBe(401);
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: fresh.users.analyst.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
  });
});
