import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';

describe.each(BACKENDS)('API keys [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;
  let now = new Date('2026-11-26T10:00:00Z');

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' }, clock: () => now });
    org = await seedOrg(t, 'keys');
  }, 120_000);
  afterAll(() => t.dispose());

  it('shows a pca_ key once, stores only its hash, and accepts it as a bearer with its scopes only', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: bearer(org.users.admin.accessToken),
      payload: { name: 'reporting', scopes: ['users:manage'] },
    });
    expect(created.statusCode).toBe(201);
    const { key, apiKey } = created.json<{ key: string; apiKey: { id: string; prefix: string } }>();
    expect(key).toMatch(/^pca_[A-Za-z0-9_-]{40,}$/);
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    const stored = await t.ctx.store.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', apiKey.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(key);
    const listed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/api-keys',
      headers: bearer(org.users.admin.accessToken),
    });
    expect(listed.body).not.toContain(key);

    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(key) })).statusCode).toBe(200);
    const outOfScope = await t.app.inject({ method: 'GET', url: '/api/v1/orgs/' + org.orgId, headers: bearer(key) });
    expect(outOfScope.statusCode).toBe(403);
    // Keys cannot act on the login session.
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(key) })).statusCode).toBe(
      403,
    );
    const used = await t.app.inject({
      method: 'GET',
      url: '/api/v1/api-keys',
      headers: bearer(org.users.admin.accessToken),
    });
    expect(
      used.json<{ items: { id: string; lastUsedAt: string | null }[] }>().items.find((item) => item.id === apiKey.id)
        ?.lastUsedAt,
    ).not.toBeNull();
  });

  it('refuses scopes beyond the creator’s permissions', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: bearer(org.users.api_user.accessToken),
      payload: { name: 'greedy', scopes: ['users:manage'] },
    });
    expect(response.statusCode).toBe(403);
    const fine = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: bearer(org.users.api_user.accessToken),
      payload: { name: 'fine', scopes: ['analyses:read'] },
    });
    expect(fine.statusCode).toBe(201);
  });

  it('stops a revoked key and an expired key', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: bearer(org.users.admin.accessToken),
      payload: {
        name: 'short',
        scopes: ['users:manage'],
        expiresAt: new Date(now.getTime() + 3_600_000).toISOString(),
      },
    });
    const { key, apiKey } = created.json<{ key: string; apiKey: { id: string } }>();
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(key) })).statusCode).toBe(200);
    now = new Date(now.getTime() + 3_600_001);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(key) })).statusCode).toBe(401);
    now = new Date('2026-11-26T10:00:00Z');
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/api-keys/${apiKey.id}`,
      headers: bearer(org.users.admin.accessToken),
    });
    expect(revoke.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(key) })).statusCode).toBe(401);
    const past = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: bearer(org.users.admin.accessToken),
      payload: { name: 'past', scopes: ['users:manage'], expiresAt: '2020-01-01T00:00:00Z' },
    });
    expect(past.statusCode).toBe(422);
  });

  it('stops a key whose creator is deactivated, and limits it to what the creator holds today', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: bearer(org.users.api_user.accessToken),
      payload: { name: 'integration', scopes: ['analyses:read'] },
    });
    const { key } = created.json<{ key: string }>();
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(key) });
    expect(me.json()).toMatchObject({ via: 'api_key', permissions: ['analyses:read'] });
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${org.users.api_user.userId}/deactivate`,
      headers: bearer(org.users.admin.accessToken),
    });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(key) })).statusCode).toBe(401);
  });
});
