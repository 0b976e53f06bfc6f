import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { bearer, operatorSession, orgWithEveryRole, type Session, type TestOrg } from '../helpers/identity.js';
import { multipart } from '../helpers/multipart.js';

const CSV =
  'Date,Platform,Campaign,Impressions,Clicks,Spend,Conversions,Revenue\n2026-03-01,Meta,Spring Sale,1000,20,10,1,40\n2026-03-02,Google Ads,Search Core,1200,25,12,2,60\n';

interface Listed {
  id: string;
  question: string;
  rating: string | null;
  comment: string | null;
  correction: string | null;
}

describe.each(BACKENDS)('pca ask-reviews [%s]', (backend) => {
  let t: TestApp;
  let env: Record<string, string>;
  let org: TestOrg;
  let apiWrong: Listed[];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    env = t.environment.env;
    const operator = await operatorSession(t.app);
    org = await orgWithEveryRole(t.app, operator, 'reviewed');
    const other = await orgWithEveryRole(t.app, operator, 'elsewhere');
    await orgWithEveryRole(t.app, operator, 'quiet');
    const as = (session: Session) => bearer(session.accessToken);
    const seed = async (owner: TestOrg, question: string, rating?: object) => {
      const form = multipart({ name: 'data.csv', content: CSV });
      const upload = await t.app.inject({
        method: 'POST',
        url: '/api/v1/datasets',
        headers: { ...as(owner.users.analyst), ...form.headers },
        payload: form.payload,
      });
      const asked = await t.app.inject({
        method: 'POST',
        url: '/api/v1/ask',
        headers: as(owner.users.analyst),
        payload: { question, datasetIds: [upload.json<{ id: string }>().id] },
      });
      const id = asked.json<{ id: string }>().id;
      if (rating) {
        const rated = await t.app.inject({
          method: 'PUT',
          url: `/api/v1/ask/${id}/rating`,
          headers: as(owner.users.analyst),
          payload: rating,
        });
        expect(rated.statusCode).toBe(200);
      }
      return id;
    };
    ids.first = await seed(org, 'Spend by platform', {
      rating: 'wrong',
      comment: 'I meant clicks',
      correction: 'Clicks by platform',
    });
    ids.useful = await seed(org, 'Clicks by campaign', { rating: 'useful' });
    ids.unrated = await seed(org, 'Revenue by platform');
    ids.second = await seed(org, 'Conversions by campaign', { rating: 'wrong' });
    ids.others = await seed(other, 'Spend by campaign', { rating: 'wrong', comment: 'theirs' });
    const reviews = await t.app.inject({ method: 'GET', url: '/api/v1/ask/reviews', headers: as(org.users.admin) });
    apiWrong = reviews.json<{ items: Listed[] }>().items;
    // The CLI reads the store as an operator would, with the server stopped.
    await t.close();
  }, 180_000);
  afterAll(() => t.environment.cleanup());

  it('lists what the review list shows, the same items in the same order, as JSON', async () => {
    const result = await runCli(['ask-reviews', '--org', org.slug, '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    const listed = JSON.parse(result.stdout) as { items: Listed[]; nextCursor: string | null };
    expect(listed.items.map((item) => item.id)).toEqual([ids.second, ids.first]);
    expect(listed.items).toEqual(apiWrong);
    expect(listed.nextCursor).toBeNull();
  }, 60_000);

  it('prints each wrong answer with its reading, comment and rewording, and none of another organisation', async () => {
    const result = await runCli(['ask-reviews', '--org', org.orgId], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${ids.first}  rated wrong`);
    expect(result.stdout).toContain('  question:       Spend by platform\n  read as:        Spend by platform');
    expect(result.stdout).toContain('  comment:        I meant clicks\n  reworded as:    Clicks by platform\n');
    expect(result.stdout).toContain('  question:       Conversions by campaign');
    for (const absent of ['Clicks by campaign', 'Revenue by platform', 'theirs', ids.others!])
      expect(result.stdout).not.toContain(absent);
  }, 60_000);

  it('lists useful ones on request, pages with the cursor it prints, and says when there is nothing', async () => {
    const useful = await runCli(['ask-reviews', '--org', org.slug, '--rating', 'useful', '--json'], env);
    expect((JSON.parse(useful.stdout) as { items: Listed[] }).items.map((item) => item.id)).toEqual([ids.useful]);
    const page = await runCli(['ask-reviews', '--org', org.slug, '--limit', '1'], env);
    expect(page.stdout).toContain(ids.second);
    expect(page.stdout).not.toContain(ids.first);
    const cursor = /more: --cursor (\S+)\n$/.exec(page.stdout)?.[1];
    expect(cursor).toBeDefined();
    const next = await runCli(['ask-reviews', '--org', org.slug, '--limit', '1', '--cursor', cursor!], env);
    expect(next.stdout).toContain(ids.first);
    expect(next.stdout).not.toContain('more: --cursor');
    const quiet = await runCli(['ask-reviews', '--org', 'quiet'], env);
    expect(quiet.stdout).toBe('no answers rated wrong in quiet\n');
  }, 120_000);

  it('refuses an unknown organisation, a bad limit, a bad rating and a forged cursor', async () => {
    const missing = await runCli(['ask-reviews', '--org', 'nowhere'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('pca: no organisation "nowhere"\n');
    const limit = await runCli(['ask-reviews', '--org', org.slug, '--limit', '0'], env);
    expect(limit.code).toBe(1);
    expect(limit.stderr).toBe('pca: --limit must be a whole number from 1 to 200, not "0"\n');
    const rating = await runCli(['ask-reviews', '--org', org.slug, '--rating', 'great'], env);
    expect(rating.code).not.toBe(0);
    expect(rating.stderr).toContain("argument 'great' is invalid");
    const cursor = await runCli(['ask-reviews', '--org', org.slug, '--cursor', 'not-a-cursor'], env);
    expect(cursor.code).toBe(1);
    expect(cursor.stdout).toBe('');
    expect(cursor.stderr).toBe('pca: The cursor is not one this API returned.\n');
  }, 120_000);
});
