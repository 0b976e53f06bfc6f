import { afterEach, describe, expect, it } from 'vitest';
import { runRetention } from '../../src/commands/retention.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, operatorSession, orgWithEveryRole, type Session, type TestOrg } from '../helpers/identity.js';
import { multipart } from '../helpers/multipart.js';

const CSV =
  'Date,Platform,Campaign,Impressions,Clicks,Spend,Conversions,Revenue\n2026-03-01,Meta,Spring Sale,1000,20,10,1,40\n2026-03-02,Meta,Spring Sale,1200,25,12,2,60\n';

describe.each(BACKENDS)('retention of asked questions [%s]', (backend) => {
  let t: TestApp | undefined;
  let now = new Date('2026-04-01T10:00:00Z');
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
    now = new Date('2026-04-01T10:00:00Z');
  });

  it("removes each organisation's questions older than its analyses retention, with their ratings, and only those", async () => {
    t = await createTestApp(backend, { clock: () => now, env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    const app = t.app;
    const operator = await operatorSession(app);
    const short = await orgWithEveryRole(app, operator, 'short-memory');
    const long = await orgWithEveryRole(app, operator, 'long-memory');
    const as = (session: Session) => bearer(session.accessToken);
    const datasetOf = async (org: TestOrg) => {
      const form = multipart({ name: 'meta.csv', content: CSV });
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/datasets',
        headers: { ...as(org.users.analyst), ...form.headers },
        payload: form.payload,
      });
      expect(response.statusCode).toBe(201);
      return response.json<{ id: string }>().id;
    };
    const ask = async (org: TestOrg, datasetId: string, question: string) => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/ask',
        headers: as(org.users.analyst),
        payload: { question, datasetIds: [datasetId] },
      });
      expect(response.statusCode).toBe(200);
      return response.json<{ id: string }>().id;
    };
    const history = async (org: TestOrg) => {
      const response = await app.inject({ method: 'GET', url: '/api/v1/ask/history', headers: as(org.users.analyst) });
      return response.json<{ items: { id: string }[] }>().items.map((item) => item.id);
    };
    const shortData = await datasetOf(short);
    const longData = await datasetOf(long);
    const old = await ask(short, shortData, 'Spend by platform');
    const rated = await app.inject({
      method: 'PUT',
      url: `/api/v1/ask/${old}/rating`,
      headers: as(short.users.analyst),
      payload: { rating: 'wrong', comment: 'not what I meant' },
    });
    expect(rated.statusCode).toBe(200);
    const othersOld = await ask(long, longData, 'Spend by platform');
    const start = now;
    // Two minutes later: the sessions stay valid, and retention runs at later times of its own.
    now = new Date(start.getTime() + 2 * 60_000);
    const recent = await ask(short, shortData, 'Clicks by campaign');
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${short.orgId}`,
      headers: as(operator),
      payload: { retention: { analysesDays: 1 } },
    });
    expect(patched.statusCode).toBe(200);

    const deps = { db: t.ctx.store.db, layout: t.ctx.layout, duck: t.ctx.duck, audit: t.ctx.audit };
    // A question exactly at the cut-off is kept: only older ones go.
    const atEdge = await runRetention(deps, new Date(start.getTime() + 86_400_000));
    expect(atEdge.removed.questions).toBe(0);
    const first = await runRetention(deps, new Date(start.getTime() + 86_400_000 + 60_000));
    expect(first.removed.questions).toBe(1);
    expect(await history(short)).toEqual([recent]);
    expect(await history(long)).toEqual([othersOld]);
    const reviews = await app.inject({ method: 'GET', url: '/api/v1/ask/reviews', headers: as(short.users.admin) });
    expect(reviews.json<{ items: unknown[] }>().items).toEqual([]);
    const gone = await app.inject({
      method: 'PUT',
      url: `/api/v1/ask/${old}/rating`,
      headers: as(short.users.analyst),
      payload: { rating: 'useful' },
    });
    expect(gone.statusCode).toBe(404);
    const second = await runRetention(deps, new Date(start.getTime() + 86_400_000 + 60_000));
    expect(second.removed.questions).toBe(0);

    const events = await app.inject({
      method: 'GET',
      url: '/api/v1/audit/events?action=retention.run',
      headers: as(short.users.auditor),
    });
    const runs = events.json<{ items: { details: { removed: Record<string, number> } }[] }>().items;
    expect(runs.map((run) => run.details.removed.questions)).toContain(1);
  });
});
