import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, firstLogin, USER_PASSWORD, type Session, type TestOrg } from '../helpers/identity.js';
import { seedOperator, seedOrg } from '../helpers/seed.js';
import { multipart } from '../helpers/multipart.js';

describe.each(BACKENDS)('quotas under concurrent requests [%s]', (backend) => {
  let t: TestApp;
  let operator: Session;
  let org: TestOrg;

  // Concurrent uploads past the per-organisation limit would get 429 before the quota is reached; the race under test is the quota's.
  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000', PCA_ORG_CONCURRENT_UPLOADS: '10' } });
    operator = await seedOperator(t);
    org = await seedOrg(t, 'racing');
  }, 120_000);
  afterAll(() => t.dispose());

  const setQuotas = (quotas: Record<string, number>) =>
    t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${org.orgId}`,
      headers: bearer(operator.accessToken),
      payload: { quotas },
    });

  it('lets exactly the remaining number of concurrent user creations through', async () => {
    await setQuotas({ maxUsers: 7 });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/users',
          headers: bearer(org.users.admin.accessToken),
          payload: { username: `racer-${i}`, role: 'viewer' },
        }),
      ),
    );
    const codes = results.map((result) => result.statusCode).sort();
    expect(codes).toEqual([201, 201, 403, 403, 403, 403]);
    const usage = await t.app.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.orgId}/usage`,
      headers: bearer(org.users.admin.accessToken),
    });
    expect(usage.json<{ usage: { users: number } }>().usage.users).toBe(7);
  });

  it('lets exactly the remaining number of concurrent uploads through', async () => {
    await setQuotas({ maxDatasets: 2 });
    const upload = (i: number) => {
      const body = multipart({
        name: `race-${i}.csv`,
        content: `Date,Campaign,Spend\n2025-11-0${i + 1},C${i},${i + 1}\n`,
      });
      return t.app.inject({
        method: 'POST',
        url: '/api/v1/datasets',
        headers: { ...bearer(org.users.analyst.accessToken), ...body.headers },
        payload: body.payload,
      });
    };
    const results = await Promise.all([0, 1, 2, 3].map(upload));
    expect(results.map((result) => result.statusCode).sort()).toEqual([201, 201, 403, 403]);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/datasets',
      headers: bearer(org.users.analyst.accessToken),
    });
    expect(list.json<{ items: unknown[] }>().items).toHaveLength(2);
  });

  it('never removes the last admin when two admins deactivate each other at once', async () => {
    await setQuotas({ maxUsers: 50 });
    const second = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(org.users.admin.accessToken),
      payload: { username: 'deputy', role: 'admin' },
    });
    expect(second.statusCode, second.body).toBe(201);
    const { user, oneTimePassword } = second.json<{ user: { id: string }; oneTimePassword: string }>();
    const deputy = await firstLogin(t.app, 'deputy', oneTimePassword, USER_PASSWORD, 'racing');
    const results = await Promise.all([
      t.app.inject({
        method: 'POST',
        url: `/api/v1/users/${user.id}/deactivate`,
        headers: bearer(org.users.admin.accessToken),
      }),
      t.app.inject({
        method: 'POST',
        url: `/api/v1/users/${org.users.admin.userId}/deactivate`,
        headers: bearer(deputy.accessToken),
      }),
    ]);
    // One wins; the other is refused (the last admin stays, or its caller was just deactivated).
    expect(results.filter((result) => result.statusCode === 200)).toHaveLength(1);
    const admins = await t.ctx.store.db
      .selectFrom('users')
      .select('id')
      .where('org_id', '=', org.orgId)
      .where('role', '=', 'admin')
      .where('status', '=', 'active')
      .execute();
    expect(admins).toHaveLength(1);
  });
});
