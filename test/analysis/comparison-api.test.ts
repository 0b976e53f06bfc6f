import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';
import { uploadCsv } from '../helpers/multipart.js';

/** Two years of one campaign: 2024 spends 10 a day, 2025 spends 20 a day. */
function twoYears(): string {
  const lines = ['Date,Campaign,Impressions,Clicks,Spend,Currency'];
  for (const year of [2024, 2025]) {
    for (let day = 1; day <= 28; day += 1) {
      for (const month of ['02', '03'])
        lines.push(`${year}-${month}-${String(day).padStart(2, '0')},Brand,1000,10,${year === 2024 ? 10 : 20},EUR`);
    }
  }
  lines.push('2024-02-29,Brand,1000,10,10,EUR');
  return lines.join('\n');
}

interface Comparison {
  kind?: string;
  range: { from: string; to: string };
  previousRange: { from: string; to: string };
  byCurrency: Record<
    string,
    { previous: { spend: number } | null; change: Record<string, { relative: number | null }> }
  >;
}

describe.each(BACKENDS)('choosing the comparison period of an analysis [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;
  let datasetId: string;

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    org = await seedOrg(t, 'compare');
    datasetId = await uploadCsv(t.app, org.users.analyst, 'two-years.csv', twoYears());
  }, 120_000);
  afterAll(() => t.dispose());

  async function analyse(extra: Record<string, unknown>) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: bearer(org.users.analyst.accessToken),
      payload: { datasetIds: [datasetId], dateRange: { from: '2025-03-01', to: '2025-03-28' }, ...extra },
    });
    return response;
  }

  it('compares with the period just before by default', async () => {
    const response = await analyse({});
    expect(response.statusCode).toBe(201);
    const pop = response.json<{ result: { periodOverPeriod: Comparison } }>().result.periodOverPeriod;
    expect(pop).toMatchObject({ kind: 'previous', previousRange: { from: '2025-02-01', to: '2025-02-28' } });
    expect(pop.byCurrency.EUR?.change.spend?.relative).toBe(0);
  });

  it('compares with the same dates a year earlier, and the stored analysis says so', async () => {
    const response = await analyse({ comparison: 'year' });
    expect(response.statusCode).toBe(201);
    const created = response.json<{
      id: string;
      request: Record<string, unknown>;
      result: { periodOverPeriod: Comparison };
    }>();
    expect(created.result.periodOverPeriod).toMatchObject({
      kind: 'year',
      range: { from: '2025-03-01', to: '2025-03-28' },
      previousRange: { from: '2024-03-01', to: '2024-03-28' },
    });
    expect(created.result.periodOverPeriod.byCurrency.EUR?.previous?.spend).toBe(280);
    expect(created.result.periodOverPeriod.byCurrency.EUR?.change.spend?.relative).toBe(1);
    const fetched = await t.app.inject({
      method: 'GET',
      url: `/api/v1/analyses/${created.id}`,
      headers: bearer(org.users.viewer.accessToken),
    });
    expect(
      fetched.json<{ request: Record<string, unknown>; result: { periodOverPeriod: Comparison } }>(),
    ).toMatchObject({ request: { comparison: 'year' }, result: { periodOverPeriod: { kind: 'year' } } });
  });

  it('a year before 29 February ends on 28 February', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: bearer(org.users.analyst.accessToken),
      payload: { datasetIds: [datasetId], dateRange: { from: '2024-02-01', to: '2024-02-29' }, comparison: 'year' },
    });
    expect(response.statusCode).toBe(201);
    const pop = response.json<{ result: { periodOverPeriod: Comparison } }>().result.periodOverPeriod;
    expect(pop.previousRange).toEqual({ from: '2023-02-01', to: '2023-02-28' });
    expect(pop.byCurrency.EUR?.previous).toBeNull();
  });

  it('compares with nothing when asked, and refuses an unknown comparison with 422 naming the field', async () => {
    const none = await analyse({ comparison: 'none' });
    expect(none.statusCode).toBe(201);
    expect(none.json<{ result: { periodOverPeriod: unknown } }>().result.periodOverPeriod).toBeNull();
    const bad = await analyse({ comparison: 'quarter' });
    expect(bad.statusCode).toBe(422);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(JSON.stringify(bad.json())).toContain('/body/comparison');
  });
});
