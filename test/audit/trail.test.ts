import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, isAuditAction } from '../../src/audit/catalog.js';
import { systemRecorder } from '../../src/audit/recorder.js';
import { inTransaction } from '../../src/store/transactions.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import {
  bearer,
  login,
  operatorSession,
  orgWithEveryRole,
  USER_PASSWORD,
  type Session,
  type TestOrg,
} from '../helpers/identity.js';

interface Event {
  seq: number;
  action: string;
  outcome: string;
  severity: string;
  reason: string | null;
  requestId: string | null;
  actor: { type: string; id: string | null; name: string | null; ip: string | null };
  target: { type: string | null; id: string | null; name: string | null };
  details: Record<string, unknown>;
}

describe.each(BACKENDS)('audit trail [%s]', (backend) => {
  let t: TestApp;
  let operator: Session;
  let acme: TestOrg;
  let other: TestOrg;

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    operator = await operatorSession(t.app);
    acme = await orgWithEveryRole(t.app, operator, 'acme');
    other = await orgWithEveryRole(t.app, operator, 'other');
  }, 120_000);
  afterAll(() => t.dispose());

  const events = async (org: TestOrg, query = ''): Promise<Event[]> => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/audit/events?limit=500${query}`,
      headers: bearer(org.users.auditor.accessToken),
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ items: Event[] }>().items;
  };

  it('declares an audit action on every route that changes state, from a catalog of at least 25', () => {
    expect(AUDIT_ACTIONS.length).toBeGreaterThanOrEqual(25);
    const missing: string[] = [];
    for (const route of t.app.routeTable.filter((entry) => entry.url.startsWith('/api/') && entry.method !== 'GET')) {
      const audit = route.audit;
      if (audit === undefined || (audit !== 'read-only' && audit.length === 0))
        missing.push(`${route.method} ${route.url}`);
      if (audit !== undefined && audit !== 'read-only')
        for (const action of audit) expect(isAuditAction(action), action).toBe(true);
    }
    expect(missing).toEqual([]);
  });

  it('records a change with actor, address, request id and from/to, and never a secret', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { ...bearer(acme.users.admin.accessToken), 'x-request-id': 'req-audit-1', 'user-agent': 'audit-test' },
      payload: { username: 'newbie', role: 'viewer', password: 'a-Secret-Password-99' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const userId = created.json<{ user: { id: string } }>().user.id;
    const promoted = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${userId}`,
      headers: bearer(acme.users.admin.accessToken),
      payload: { role: 'analyst', displayName: 'New Bie' },
    });
    expect(promoted.statusCode).toBe(200);

    const trail = await events(acme, `&targetId=${userId}`);
    const creation = trail.find((event) => event.action === 'user.created')!;
    expect(creation).toMatchObject({
      outcome: 'success',
      severity: 'info',
      requestId: 'req-audit-1',
      actor: { type: 'user', id: acme.users.admin.userId, name: 'boss', ip: '127.0.0.1' },
      target: { type: 'user', id: userId, name: 'newbie' },
    });
    expect(JSON.stringify(trail)).not.toContain('a-Secret-Password-99');
    expect(trail.find((event) => event.action === 'user.role_changed')?.details).toEqual({
      changes: { role: { from: 'viewer', to: 'analyst' } },
    });
    expect(trail.find((event) => event.action === 'user.updated')?.details).toEqual({
      changes: { displayName: { from: null, to: 'New Bie' } },
    });
  });

  it('records failed logins with their reason while the caller sees one answer, and the lockout', async () => {
    for (let i = 0; i < 5; i++) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'viewer-user', password: `wrong-${i}`, organization: 'acme' },
      });
      expect(response.statusCode).toBe(401);
    }
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'ghost', password: 'whatever-it-is', organization: 'acme' },
    });
    expect(unknown.statusCode).toBe(401);
    const failed = await events(acme, '&action=auth.login.failed');
    expect(
      failed.filter((event) => event.reason === 'bad_password' && event.target.name === 'viewer-user'),
    ).toHaveLength(5);
    expect(
      failed.some(
        (event) => event.reason === 'unknown_user' && event.actor.name === 'ghost' && event.actor.id === null,
      ),
    ).toBe(true);
    const locked = await events(acme, '&action=auth.account.locked');
    expect(locked).toHaveLength(1);
    expect(locked[0]).toMatchObject({ outcome: 'denied', target: { id: acme.users.viewer.userId } });
  });

  it('records refresh-token reuse as critical', async () => {
    const session = await login(t.app, 'analyst-user', USER_PASSWORD, 'acme');
    const first = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: session.refreshToken },
    });
    expect(first.statusCode).toBe(200);
    const reuse = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: session.refreshToken },
    });
    expect(reuse.statusCode).toBe(401);
    const reused = await events(acme, '&action=auth.refresh_token.reused');
    expect(reused).toHaveLength(1);
    expect(reused[0]).toMatchObject({
      severity: 'critical',
      outcome: 'denied',
      actor: { id: acme.users.analyst.userId },
    });
  });

  it('records refusals: 403, a disabled feature, a quota, and a cross-tenant id as a probe', async () => {
    const forbidden = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(acme.users.viewer.accessToken),
      payload: { username: 'x1', role: 'viewer' },
    });
    expect(forbidden.statusCode).toBe(403);
    const foreign = await t.app.inject({
      method: 'GET',
      url: `/api/v1/users/${other.users.analyst.userId}`,
      headers: bearer(acme.users.admin.accessToken),
    });
    expect(foreign.statusCode).toBe(404);
    const missing = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users/usr_doesnotexist',
      headers: bearer(acme.users.admin.accessToken),
    });
    expect(missing.statusCode).toBe(404);
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${acme.orgId}`,
      headers: bearer(operator.accessToken),
      payload: { quotas: { maxUsers: 1 } },
    });
    const overQuota = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(acme.users.admin.accessToken),
      payload: { username: 'x2', role: 'viewer' },
    });
    expect(overQuota.statusCode).toBe(403);
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${acme.orgId}`,
      headers: bearer(operator.accessToken),
      payload: { quotas: { maxUsers: 100 } },
    });

    const denied = await events(acme, '&action=access.denied');
    expect(
      denied.some(
        (event) =>
          event.actor.id === acme.users.viewer.userId &&
          event.reason === 'forbidden' &&
          event.details.route === '/api/v1/users',
      ),
    ).toBe(true);
    const probes = await events(acme, '&action=access.not_found');
    // The prober's trail cannot tell an id of another organisation from one that does not exist.
    const foreignProbe = probes.find((event) => event.target.id === other.users.analyst.userId);
    expect(foreignProbe).toMatchObject({ outcome: 'failure', severity: 'info' });
    expect(foreignProbe?.details).not.toHaveProperty('crossTenant');
    expect(probes.find((event) => event.target.id === 'usr_doesnotexist')).toMatchObject({
      outcome: 'failure',
      severity: 'info',
    });
    // The operator's trail holds the probe, flagged.
    const operatorTrail = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/events?limit=500&action=access.not_found',
      headers: bearer(operator.accessToken),
    });
    expect(
      operatorTrail.json<{ items: Event[] }>().items.find((event) => event.target.id === other.users.analyst.userId),
    ).toMatchObject({
      outcome: 'denied',
      severity: 'warning',
      details: { crossTenant: true, proberOrgId: acme.orgId },
    });
    expect((await events(acme, '&action=quota.exceeded')).length).toBeGreaterThanOrEqual(1);
    const settings = await events(acme, '&action=org.settings_changed');
    expect(settings[0]?.details).toMatchObject({
      changes: { quotas: { from: { maxUsers: 1 }, to: { maxUsers: 100 } } },
      editor: 'operator',
    });
    // The other organisation's trail holds none of this.
    expect(
      (await events(other, '&action=access.not_found')).some((event) => event.target.id === other.users.analyst.userId),
    ).toBe(false);
  });

  it('records every API-key call with route, status and duration', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: bearer(acme.users.admin.accessToken),
      payload: { name: 'ci', scopes: ['analyses:read'] },
    });
    expect(created.statusCode).toBe(201);
    const { key, apiKey } = created.json<{ key: string; apiKey: { id: string } }>();
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/datasets', headers: bearer(key) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(key) })).statusCode).toBe(403);
    const calls = await events(acme, '&action=api.call');
    expect(calls.map((event) => [event.details.route, event.details.status, event.actor.id])).toEqual([
      ['/api/v1/users', 403, apiKey.id],
      ['/api/v1/datasets', 200, apiKey.id],
    ]);
    expect(typeof calls[0]!.details.durationMs).toBe('number');
    expect(JSON.stringify(await events(acme, '&action=api_key.created'))).not.toContain(key);
  });

  it('keeps a change and its event together: when the event cannot be written the change is undone', async () => {
    const db = t.ctx.store.db;
    if (backend === 'sqlite') {
      await sql`create trigger refuse_user_created before insert on audit_events when new.action = 'user.created' begin select raise(abort, 'refused by test'); end`.execute(
        db,
      );
    } else {
      await sql`create function refuse_user_created() returns trigger language plpgsql as $$ begin if new.action = 'user.created' then raise exception 'refused by test'; end if; return new; end $$`.execute(
        db,
      );
      await sql`create trigger refuse_user_created before insert on audit_events for each row execute function refuse_user_created()`.execute(
        db,
      );
    }
    try {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: bearer(acme.users.admin.accessToken),
        payload: { username: 'orphan', role: 'viewer' },
      });
      expect(response.statusCode).toBe(500);
      const row = await db.selectFrom('users').select('id').where('username', '=', 'orphan').executeTakeFirst();
      expect(row).toBeUndefined();
      expect((await events(acme, '&action=error')).some((event) => event.details.route === '/api/v1/users')).toBe(true);
    } finally {
      await sql`drop trigger refuse_user_created${backend === 'postgres' ? sql` on audit_events` : sql``}`.execute(db);
      if (backend === 'postgres') await sql`drop function refuse_user_created()`.execute(db);
    }
  });

  it('keeps seq gapless and the chain valid under concurrent writes', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/users',
          headers: bearer(acme.users.admin.accessToken),
          payload: { username: `burst-${i}`, role: 'viewer' },
        }),
      ),
    );
    expect(results.every((result) => result.statusCode === 201)).toBe(true);
    const rows = await t.ctx.store.db
      .selectFrom('audit_events')
      .select('seq')
      .where('org_id', '=', acme.orgId)
      .orderBy('seq')
      .execute();
    expect(rows.map((row) => Number(row.seq))).toEqual(rows.map((_, i) => i + 1));
    const verified = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/verify',
      headers: bearer(acme.users.auditor.accessToken),
    });
    expect(verified.json()).toMatchObject({ valid: true, checked: rows.length });
  });

  it('filters and pages the trail, and only for audit:read', async () => {
    const firstPage = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/events?limit=3&action=user.*',
      headers: bearer(acme.users.auditor.accessToken),
    });
    const page = firstPage.json<{ items: Event[]; nextCursor: string }>();
    expect(page.items).toHaveLength(3);
    expect(page.items.every((event) => event.action.startsWith('user.'))).toBe(true);
    const second = await t.app.inject({
      method: 'GET',
      url: `/api/v1/audit/events?limit=3&action=user.*&cursor=${page.nextCursor}`,
      headers: bearer(acme.users.auditor.accessToken),
    });
    const next = second.json<{ items: Event[] }>().items;
    expect(Math.max(...next.map((event) => event.seq))).toBeLessThan(Math.min(...page.items.map((event) => event.seq)));
    const bad = await t.app.inject({
      method: 'GET',
      url: "/api/v1/audit/events?action=user'%20or%201=1",
      headers: bearer(acme.users.auditor.accessToken),
    });
    expect(bad.statusCode).toBe(422);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/audit/events',
          headers: bearer(acme.users.analyst.accessToken),
        })
      ).statusCode,
    ).toBe(403);
    // Reading is itself recorded.
    expect(
      (await events(acme, '&action=audit.read')).some((event) => event.actor.id === acme.users.auditor.userId),
    ).toBe(true);
  });

  it("shows a user's activity, and 404 for another organisation's user", async () => {
    const activity = await t.app.inject({
      method: 'GET',
      url: `/api/v1/audit/users/${acme.users.viewer.userId}/activity`,
      headers: bearer(acme.users.auditor.accessToken),
    });
    expect(activity.statusCode).toBe(200);
    const items = activity.json<{ items: Event[] }>().items;
    expect(items.length).toBeGreaterThan(0);
    expect(
      items.every(
        (event) => event.actor.id === acme.users.viewer.userId || event.target.id === acme.users.viewer.userId,
      ),
    ).toBe(true);
    const foreign = await t.app.inject({
      method: 'GET',
      url: `/api/v1/audit/users/${other.users.viewer.userId}/activity`,
      headers: bearer(acme.users.auditor.accessToken),
    });
    expect(foreign.statusCode).toBe(404);
  });

  it('reports the compliance figures and exports with cells neutralised', async () => {
    const hostile = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${acme.users.viewer.userId}`,
      headers: { ...bearer(acme.users.admin.accessToken), 'user-agent': '=HYPERLINK("http://evil","x")' },
      payload: { displayName: '@SUM(1+1)' },
    });
    expect(hostile.statusCode).toBe(200);
    const report = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/report',
      headers: bearer(acme.users.auditor.accessToken),
    });
    expect(report.statusCode).toBe(200);
    const figures = report.json<{
      failedLogins: number;
      lockouts: number;
      crossTenantProbes: number;
      activityByHour: number[];
      totalEvents: number;
      mostActiveActors: unknown[];
    }>();
    expect(figures.failedLogins).toBe(6);
    expect(figures.lockouts).toBe(1);
    // A user id of the other organisation, asked for directly and through the activity route: counted in the operator's report only.
    expect(figures.crossTenantProbes).toBe(0);
    const operatorReport = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/report',
      headers: bearer(operator.accessToken),
    });
    expect(operatorReport.json<{ crossTenantProbes: number }>().crossTenantProbes).toBe(2);
    expect(figures.activityByHour.reduce((a, b) => a + b, 0)).toBe(figures.totalEvents);
    expect(figures.mostActiveActors.length).toBeGreaterThan(0);
    const csvReport = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/report?format=csv',
      headers: bearer(acme.users.auditor.accessToken),
    });
    expect(csvReport.body.split('\r\n')[0]).toBe('section,key,value');
    expect(csvReport.body).toContain('summary,failedLogins,6');

    const csv = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/export?format=csv',
      headers: bearer(acme.users.auditor.accessToken),
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).not.toMatch(/(^|,)"?=HYPERLINK/m);
    expect(csv.body).toContain("'=HYPERLINK");
    const jsonl = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/export?format=jsonl',
      headers: bearer(acme.users.auditor.accessToken),
    });
    const lines = jsonl.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Event);
    const count = await t.ctx.store.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', acme.orgId)
      .executeTakeFirstOrThrow();
    // Everything up to the export's own event.
    expect(lines.length).toBeGreaterThanOrEqual(Number(count.n) - 1);
    expect(lines.map((event) => event.seq)).toEqual(lines.map((_, i) => i + 1));
    const json = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/export?format=json&action=auth.*',
      headers: bearer(acme.users.auditor.accessToken),
    });
    expect((JSON.parse(json.body) as Event[]).every((event) => event.action.startsWith('auth.'))).toBe(true);
    const xlsx = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/export?format=xlsx',
      headers: bearer(acme.users.auditor.accessToken),
    });
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    expect((await events(acme, '&action=audit.exported')).length).toBe(4);
  });

  it('streams an export across many batches, in order and complete', async () => {
    const audit = systemRecorder(t.ctx.audit, 'bulk', other.orgId);
    await inTransaction(t.ctx.store.db, async (trx) => {
      for (let i = 0; i < 4_500; i++)
        await audit.record(trx, { action: 'analysis.viewed', target: { type: 'analysis', id: `an_${i}` } });
    });
    const head = await t.ctx.store.db
      .selectFrom('audit_heads')
      .select('seq')
      .where('org_id', '=', other.orgId)
      .executeTakeFirstOrThrow();
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/export?format=jsonl',
      headers: bearer(other.users.auditor.accessToken),
    });
    const seqs = response.body
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as Event).seq);
    // Every event up to and including the export's own, which is recorded before the stream starts.
    expect(seqs).toEqual(Array.from({ length: Number(head.seq) + 1 }, (_, i) => i + 1));
  });
});
