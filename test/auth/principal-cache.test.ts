import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type Session, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';

describe.each(BACKENDS)('the principal cache and the store epoch [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    org = await seedOrg(t, 'cache');
  }, 120_000);
  afterAll(() => t.dispose());

  const epoch = async () =>
    Number((await t.ctx.store.db.selectFrom('auth_epoch').select('epoch').executeTakeFirstOrThrow()).epoch);
  const me = (session: Session) =>
    t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(session.accessToken) });

  it('applies a change written straight to the store (another instance, the CLI) at the next request', async () => {
    const analyst = org.users.analyst;
    expect((await me(analyst)).statusCode).toBe(200);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/analyses',
          headers: bearer(analyst.accessToken),
          payload: {},
        })
      ).statusCode,
    ).toBe(422);
    const before = await epoch();
    await t.ctx.store.db.updateTable('users').set({ role: 'viewer' }).where('id', '=', analyst.userId).execute();
    expect(await epoch()).toBe(before + 1);
    // The access hook refuses by the role it read: a viewer may not create analyses (before the body is even validated).
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/analyses',
          headers: bearer(analyst.accessToken),
          payload: {},
        })
      ).statusCode,
    ).toBe(403);
    await t.ctx.store.db.updateTable('users').set({ status: 'deactivated' }).where('id', '=', analyst.userId).execute();
    expect((await me(analyst)).statusCode).toBe(401);
  });

  it('suspends an organisation and revokes a session at once, but a last-used touch does not bump the epoch', async () => {
    const viewer = org.users.viewer;
    expect((await me(viewer)).statusCode).toBe(200);
    const before = await epoch();
    await t.ctx.store.db
      .updateTable('sessions')
      .set({ last_used_at: new Date(0).toISOString() })
      .where('user_id', '=', viewer.userId)
      .execute();
    expect(await epoch()).toBe(before);
    await t.ctx.store.db
      .updateTable('sessions')
      .set({ revoked_at: new Date().toISOString() })
      .where('user_id', '=', viewer.userId)
      .execute();
    expect((await me(viewer)).statusCode).toBe(401);
    const admin = org.users.admin;
    expect((await me(admin)).statusCode).toBe(200);
    await t.ctx.store.db
      .updateTable('organizations')
      .set({ status: 'suspended' })
      .where('id', '=', org.orgId)
      .execute();
    expect((await me(admin)).statusCode).toBe(401);
  });
});
