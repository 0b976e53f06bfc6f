import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type Session, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';

/*
 * On SQLite a cached principal's epoch is read at once, outside Kysely's queue (store/read-now.ts).
 * These are the two ways that could go stale: a commit by another connection, and a transaction
 * still open on the server's own connection.
 */
describe.each(BACKENDS)('a principal read at once stays exact [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    org = await seedOrg(t, 'now');
  }, 120_000);
  afterAll(() => t.dispose());

  const me = (session: Session) =>
    t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(session.accessToken) });
  type Me = { user: { role: string }; permissions: string[] };

  it('applies a demotion and a logout committed through another connection (another instance, the CLI) at the next request', async () => {
    const integrator = org.users.api_user;
    expect((await me(integrator)).json<Me>().user.role).toBe('api_user');
    expect((await me(integrator)).statusCode).toBe(200);
    const other = openStore(t.config.database);
    try {
      await other.db.updateTable('users').set({ role: 'viewer' }).where('id', '=', integrator.userId).execute();
      const demoted = await me(integrator);
      expect(demoted.json<Me>().user.role).toBe('viewer');
      expect(demoted.json<Me>().permissions).not.toContain('analyses:create');
      await other.db
        .updateTable('sessions')
        .set({ revoked_at: new Date().toISOString() })
        .where('user_id', '=', integrator.userId)
        .execute();
    } finally {
      await other.close();
    }
    expect((await me(integrator)).statusCode).toBe(401);
  });

  it('never caches a principal under the epoch of a deactivation that rolled back, so the next one applies at once', async () => {
    const analyst = org.users.analyst;
    expect((await me(analyst)).statusCode).toBe(200);
    let during: ReturnType<typeof me> | undefined;
    await expect(
      t.ctx.store.db.transaction().execute(async (trx) => {
        await trx.updateTable('users').set({ status: 'deactivated' }).where('id', '=', analyst.userId).execute();
        during = me(analyst);
        // Long enough for the request to reach the access hook while the transaction is open.
        await new Promise((resolve) => setTimeout(resolve, 100));
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    expect((await during!).statusCode).toBe(200);
    await t.ctx.store.db.updateTable('users').set({ status: 'deactivated' }).where('id', '=', analyst.userId).execute();
    expect((await me(analyst)).statusCode).toBe(401);
  });
});
