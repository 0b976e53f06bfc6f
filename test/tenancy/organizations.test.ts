import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type Session, type TestOrg } from '../helpers/identity.js';
import { seedOperator, seedOrg } from '../helpers/seed.js';

describe.each(BACKENDS)('organisations, quotas and features [%s]', (backend) => {
  let t: TestApp;
  let operator: Session;
  let org: TestOrg;

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    operator = await seedOperator(t);
    org = await seedOrg(t, 'tenant');
  }, 120_000);
  afterAll(() => t.dispose());

  const op = () => bearer(operator.accessToken);
  const admin = () => bearer(org.users.admin.accessToken);

  it('gives a new organisation the documented defaults', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/orgs',
      headers: op(),
      payload: { name: 'Fresh Co' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json<{ organization: object }>().organization).toMatchObject({
      slug: 'fresh-co',
      status: 'active',
      quotas: {
        maxUsers: 50,
        maxAnalysesPerMonth: 1000,
        maxDatasets: 500,
        maxStorageBytes: 10 * 1024 ** 3,
        maxUploadBytes: 200 * 1024 ** 2,
      },
      features: { exports: true, api_access: true, llm_insights: false, custom_branding: false },
      retention: { analysesDays: 365, datasetsDays: 365, auditDays: 730 },
      metadata: {},
    });
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/orgs',
      headers: op(),
      payload: { name: 'Fresh Co' },
    });
    expect(dup.statusCode).toBe(409);
  });

  it('refuses metadata over 16 KB and unknown quota names', async () => {
    const big = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${org.orgId}`,
      headers: admin(),
      payload: { metadata: { blob: 'x'.repeat(17 * 1024) } },
    });
    expect(big.statusCode).toBe(422);
    const unknown = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${org.orgId}`,
      headers: op(),
      payload: { quotas: { maxPlanets: 3 } },
    });
    expect(unknown.statusCode).toBe(422);
    const negative = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${org.orgId}`,
      headers: op(),
      payload: { quotas: { maxUsers: -1 } },
    });
    expect(negative.statusCode).toBe(422);
  });

  it('lets an org admin edit its own settings but not quotas or features', async () => {
    const ok = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${org.orgId}`,
      headers: admin(),
      payload: { name: 'Tenant Ltd', settings: { timezone: 'Europe/London' }, retention: { analysesDays: 90 } },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      name: 'Tenant Ltd',
      settings: { timezone: 'Europe/London' },
      retention: { analysesDays: 90, datasetsDays: 365 },
    });
    const quotas = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${org.orgId}`,
      headers: admin(),
      payload: { quotas: { maxUsers: 1000 } },
    });
    expect(quotas.statusCode).toBe(403);
  });

  it('enforces maxUsers where users are created, with limit and usage in the problem', async () => {
    const usage = await t.app.inject({ method: 'GET', url: `/api/v1/orgs/${org.orgId}/usage`, headers: admin() });
    const users = usage.json<{ usage: { users: number } }>().usage.users;
    expect(users).toBe(5);
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${org.orgId}`,
      headers: op(),
      payload: { quotas: { maxUsers: users } },
    });
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin(),
      payload: { username: 'one-too-many', role: 'viewer' },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ type: '/problems/quota-exceeded', quota: 'maxUsers', limit: 5, usage: 5 });
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: admin() });
    expect(list.json<{ items: unknown[] }>().items).toHaveLength(5);
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${org.orgId}`,
      headers: op(),
      payload: { quotas: { maxUsers: 50 } },
    });
  });

  it('answers a disabled feature with 403 feature-disabled, and api keys stop working', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: admin(),
      payload: { name: 'ci', scopes: ['users:manage'] },
    });
    const { key } = created.json<{ key: string }>();
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(key) })).statusCode).toBe(200);
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${org.orgId}`,
      headers: op(),
      payload: { features: { api_access: false } },
    });
    const disabled = await t.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: admin() });
    expect(disabled.statusCode).toBe(403);
    expect(disabled.json<{ type: string }>().type).toBe('/problems/feature-disabled');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(key) })).statusCode).toBe(401);
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${org.orgId}`,
      headers: op(),
      payload: { features: { api_access: true } },
    });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(key) })).statusCode).toBe(200);
  });

  it('suspension stops every session and API key at once and for good: reactivation brings none back', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: admin(),
      payload: { name: 'job', scopes: ['users:manage'] },
    });
    const { key } = created.json<{ key: string }>();
    const suspended = await t.app.inject({ method: 'POST', url: `/api/v1/orgs/${org.orgId}/suspend`, headers: op() });
    expect(suspended.json<{ status: string }>().status).toBe('suspended');
    for (const token of [org.users.admin.accessToken, org.users.viewer.accessToken, key]) {
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) })).statusCode).toBe(
        401,
      );
    }
    const loginRefused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: org.users.admin.refreshToken },
    });
    expect(loginRefused.statusCode).toBe(401);
    const self = await t.app.inject({ method: 'POST', url: `/api/v1/orgs/${operator.orgId}/suspend`, headers: op() });
    expect(self.statusCode).toBe(409);
    await t.app.inject({ method: 'POST', url: `/api/v1/orgs/${org.orgId}/reactivate`, headers: op() });
    for (const token of [org.users.admin.accessToken, key]) {
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) })).statusCode).toBe(
        401,
      );
    }
    const refreshAfter = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: org.users.viewer.refreshToken },
    });
    expect(refreshAfter.statusCode).toBe(401);
  });

  it('pages through organisations for the operator', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/api/v1/orgs?limit=1', headers: op() });
    const page = first.json<{ items: { slug: string }[]; nextCursor: string | null }>();
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).not.toBeNull();
    const all = await t.app.inject({ method: 'GET', url: '/api/v1/orgs?limit=200', headers: op() });
    expect(all.json<{ items: { slug: string }[] }>().items.map((item) => item.slug)).toEqual(
      expect.arrayContaining(['default', 'tenant']),
    );
  });
});
