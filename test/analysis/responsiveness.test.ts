import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type Session } from '../helpers/identity.js';
import { seedOperator } from '../helpers/seed.js';
import { multipart } from '../helpers/multipart.js';
import { probeHealthDuring } from '../helpers/probe.js';
import { campaignCsv } from '../helpers/campaigns.js';

const ROWS = 300_000;
const CAMPAIGNS = 100;

describe.each(BACKENDS)('the event loop while a large analysis runs [%s]', (backend) => {
  let t: TestApp;
  let operator: Session;
  let datasetId: string;

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_WORKER_THREADS: '1' } });
    operator = await seedOperator(t);
    const body = multipart({ name: 'large.csv', content: campaignCsv(ROWS, CAMPAIGNS) });
    const uploaded = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...bearer(operator.accessToken), ...body.headers },
      payload: body.payload,
    });
    expect(uploaded.statusCode).toBe(201);
    datasetId = uploaded.json<{ id: string }>().id;
  }, 180_000);
  afterAll(() => t.dispose());

  it('answers GET /health/live promptly during the analysis of 300,000 rows', async () => {
    const { result: response, latencies } = await probeHealthDuring(
      t.app,
      t.app.inject({
        method: 'POST',
        url: '/api/v1/analyses',
        headers: bearer(operator.accessToken),
        payload: { datasetIds: [datasetId] },
      }),
    );
    expect(response.statusCode).toBe(201);
    const stored = response.json<{
      id: string;
      result: { rows: number; breakdowns: Record<string, unknown[]> };
      summary: { text: string };
    }>();
    expect(stored.result.rows).toBe(ROWS);
    expect(stored.result.breakdowns.campaign).toHaveLength(CAMPAIGNS);
    expect(stored.summary.text.length).toBeGreaterThan(0);
    // The analysis is long enough to be probed several times; blocking the loop held a probe for seconds.
    expect(latencies.length).toBeGreaterThan(3);
    expect(Math.max(...latencies)).toBeLessThan(1_000);
    // What the API answered is what it stored.
    const fetched = await t.app.inject({
      method: 'GET',
      url: `/api/v1/analyses/${stored.id}`,
      headers: bearer(operator.accessToken),
    });
    expect(fetched.json<{ result: unknown }>().result).toEqual(stored.result);
  }, 180_000);

  it('answers GET /health/live promptly while the budgets of 300,000 rows are paced', async () => {
    const budget = await t.app.inject({
      method: 'POST',
      url: '/api/v1/budgets',
      headers: bearer(operator.accessToken),
      payload: { scope: 'campaign', name: 'Campaign 1', amount: 5_000, startDate: '2025-01-01', endDate: '2025-12-31' },
    });
    expect(budget.statusCode).toBe(201);
    const { result: response, latencies } = await probeHealthDuring(
      t.app,
      t.app.inject({
        method: 'GET',
        url: `/api/v1/budgets/pacing?datasetIds=${datasetId}&asOf=2025-06-30`,
        headers: bearer(operator.accessToken),
      }),
    );
    expect(response.statusCode).toBe(200);
    const [item] = response.json<{ items: { budget: { name: string }; spendToDate: number; status: string }[] }>()
      .items;
    expect(item?.budget.name).toBe('Campaign 1');
    expect(item?.spendToDate).toBeGreaterThan(0);
    expect(latencies.length).toBeGreaterThan(3);
    expect(Math.max(...latencies)).toBeLessThan(1_000);
  }, 180_000);
});
