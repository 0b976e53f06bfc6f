import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';
import { dailyCsv } from '../helpers/campaigns.js';
import { multipart } from '../helpers/multipart.js';

/** Ten days of March 2026: Meta spends 200 a day, Google Ads 100. */
function exportCsv(): string {
  return dailyCsv({
    from: '2026-03-01',
    days: 10,
    currency: 'USD',
    campaigns: [
      {
        platform: 'Meta',
        campaign: 'Spring Sale',
        impressions: 10_000,
        clicks: 200,
        spend: 200,
        conversions: 10,
        revenue: 800,
      },
      {
        platform: 'Google Ads',
        campaign: 'Brand',
        impressions: 5_000,
        clicks: 300,
        spend: 100,
        conversions: 12,
        revenue: 900,
      },
    ],
  });
}

describe.each(BACKENDS)('budgets and pacing [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  let datasetId: string;

  beforeAll(async () => {
    t = await createTestApp(backend);
    org = await seedOrg(t, 'budgeted');
    other = await seedOrg(t, 'unbudgeted');
    const form = multipart({ name: 'march.csv', content: exportCsv() });
    const upload = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...bearer(org.users.analyst.accessToken), ...form.headers },
      payload: form.payload,
    });
    expect(upload.statusCode, upload.body).toBe(201);
    datasetId = upload.json<{ id: string }>().id;
  }, 120_000);
  afterAll(() => t.dispose());

  const post = (body: Record<string, unknown>, session = org.users.analyst) =>
    t.app.inject({ method: 'POST', url: '/api/v1/budgets', headers: bearer(session.accessToken), payload: body });
  const uploadCsv = (content: string) => {
    const form = multipart({ name: 'budgets.csv', content });
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/budgets/upload',
      headers: { ...bearer(org.users.analyst.accessToken), ...form.headers },
      payload: form.payload,
    });
  };
  const list = async () =>
    (
      await t.app.inject({ method: 'GET', url: '/api/v1/budgets', headers: bearer(org.users.viewer.accessToken) })
    ).json<{ items: { id: string; name: string }[] }>().items;

  it('validates budgets, and a CSV is stored all or nothing with every bad row named', async () => {
    expect(
      (
        await post({
          scope: 'campaign',
          name: 'Spring Sale',
          amount: 3000,
          startDate: '2026-03-10',
          endDate: '2026-03-01',
        })
      ).statusCode,
    ).toBe(422);
    expect(
      (
        await post({
          scope: 'campaign',
          name: 'Spring Sale',
          amount: -5,
          startDate: '2026-03-01',
          endDate: '2026-03-30',
        })
      ).statusCode,
    ).toBe(422);
    expect(
      (
        await post({
          scope: 'campaign',
          name: 'Spring Sale',
          amount: 300,
          startDate: '2026-02-30',
          endDate: '2026-03-30',
        })
      ).statusCode,
    ).toBe(422);
    expect(
      (
        await post(
          { scope: 'campaign', name: 'x', amount: 1, startDate: '2026-03-01', endDate: '2026-03-30' },
          org.users.viewer,
        )
      ).statusCode,
    ).toBe(403);

    const bad = await uploadCsv(
      'scope,name,amount,start,end\ncampaign,Spring Sale,3000,2026-03-01,2026-03-30\nregion,North,abc,2026-03-01,2026-01-01\n',
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.json<{ errors: { field: string }[] }>().errors.map((error) => error.field)).toEqual([
      '/rows/2/scope',
      '/rows/2/amount',
      '/rows/2/endDate',
    ]);
    expect(await list()).toEqual([]);
    expect((await uploadCsv('name,amount\nx,1\n')).statusCode).toBe(422);
    expect((await uploadCsv('')).statusCode).toBe(422);

    const good = await uploadCsv(
      'Scope,Name,Amount,Currency,Start,End\ncampaign,Spring Sale,"3,000",USD,2026-03-01,2026-03-30\nplatform,Google Ads,6000,USD,2026-03-01,2026-03-30\n',
    );
    expect(good.statusCode, good.body).toBe(201);
    expect((await list()).map((budget) => budget.name).sort()).toEqual(['Google Ads', 'Spring Sale']);
  });

  it('paces each budget against a straight line through its flight', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/budgets/pacing?datasetIds=${datasetId}&asOf=2026-03-10`,
      headers: bearer(org.users.viewer.accessToken),
    });
    expect(response.statusCode, response.body).toBe(200);
    const items = response.json<{
      items: {
        budget: { name: string };
        status: string;
        spendToDate: number;
        expectedToDate: number;
        projectedSpend: number;
      }[];
    }>().items;
    // Spring Sale: 2,000 spent of 3,000 after 10 of 30 days (expected 1,000): over. Google Ads: 1,000 of an expected 2,000: under.
    expect(items.find((item) => item.budget.name === 'Spring Sale')).toMatchObject({
      status: 'over',
      spendToDate: 2000,
      expectedToDate: 1000,
      projectedSpend: 6000,
    });
    expect(items.find((item) => item.budget.name === 'Google Ads')).toMatchObject({
      status: 'under',
      spendToDate: 1000,
      expectedToDate: 2000,
    });
    const looser = await t.app.inject({
      method: 'GET',
      url: `/api/v1/budgets/pacing?datasetIds=${datasetId}&asOf=2026-03-10&under=0.4&over=2.5`,
      headers: bearer(org.users.viewer.accessToken),
    });
    expect(looser.json<{ items: { status: string }[] }>().items.map((item) => item.status)).toEqual([
      'on_track',
      'on_track',
    ]);
  });

  it('turns an off-track budget into an insight and a recommendation of the next analysis', async () => {
    const analysis = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: bearer(org.users.analyst.accessToken),
      payload: { datasetIds: [datasetId] },
    });
    expect(analysis.statusCode).toBe(201);
    const items = await t.app.inject({
      method: 'GET',
      url: `/api/v1/analyses/${analysis.json<{ id: string }>().id}/insights`,
      headers: bearer(org.users.viewer.accessToken),
    });
    const insights = items.json<{
      insights: { ruleId: string; sentence: string }[];
      recommendations: { ruleId: string; title: string }[];
    }>();
    const pacing = insights.insights.filter((item) => item.ruleId === 'pacing.budget_off_track');
    expect(pacing.map((item) => item.sentence).sort()).toEqual([
      'Google Ads has spent 1,000.00 USD of 6,000.00 USD after 10 of 30 days (50.0% of the expected 2,000.00 USD); at this rate it will spend 3,000.00 USD.',
      'Spring Sale has spent 2,000.00 USD of 3,000.00 USD after 10 of 30 days (200% of the expected 1,000.00 USD); at this rate it will spend 6,000.00 USD.',
    ]);
    expect(
      insights.recommendations
        .filter((item) => item.ruleId === 'pacing.budget_off_track')
        .map((item) => item.title)
        .sort(),
    ).toEqual([
      "Lower Spring Sale's daily spend to about 50.00 USD for the remaining 20 days to land on budget.",
      "Raise Google Ads' daily spend to about 250.00 USD for the remaining 20 days to land on budget.",
    ]);
  });

  it('deletes a budget of its own organisation only', async () => {
    const [first] = await list();
    const foreign = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/budgets/${first!.id}`,
      headers: bearer(other.users.analyst.accessToken),
    });
    expect(foreign.statusCode).toBe(404);
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/budgets/${first!.id}`,
      headers: bearer(org.users.analyst.accessToken),
    });
    expect(removed.statusCode).toBe(204);
    expect((await list()).map((budget) => budget.id)).not.toContain(first!.id);
  });

  it('changes a budget in place, audited with its from/to, and refuses bad values, viewers and other tenants', async () => {
    const created = (
      await post({
        scope: 'campaign',
        name: 'Autumn',
        amount: 1000,
        currency: 'USD',
        startDate: '2026-09-01',
        endDate: '2026-09-30',
      })
    ).json<{ id: string }>();
    const put = (id: string, body: Record<string, unknown>, session = org.users.analyst) =>
      t.app.inject({
        method: 'PUT',
        url: `/api/v1/budgets/${id}`,
        headers: bearer(session.accessToken),
        payload: body,
      });
    const changed = {
      scope: 'campaign',
      name: 'Autumn',
      amount: 1500,
      currency: 'USD',
      startDate: '2026-09-01',
      endDate: '2026-10-15',
    };
    const response = await put(created.id, changed);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ id: created.id, amount: 1500, endDate: '2026-10-15' });
    expect((await list()).filter((budget) => budget.name === 'Autumn')).toHaveLength(1);
    const trail = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/events?action=budget.updated',
      headers: bearer(org.users.auditor.accessToken),
    });
    expect(trail.json<{ items: { details: unknown }[] }>().items[0]?.details).toEqual({
      changes: { amount: { from: 1000, to: 1500 }, endDate: { from: '2026-09-30', to: '2026-10-15' } },
    });
    // A flight that ends before it starts changes nothing.
    const bad = await put(created.id, { ...changed, amount: 9, endDate: '2026-08-01' });
    expect(bad.json<{ errors: { field: string }[] }>().errors.map((error) => error.field)).toEqual(['/body/endDate']);
    expect((await list()).find((budget) => budget.id === created.id)).toMatchObject({ amount: 1500 });
    expect((await put(created.id, changed, org.users.viewer)).statusCode).toBe(403);
    expect((await put(created.id, changed, other.users.analyst)).statusCode).toBe(404);
  });
});
