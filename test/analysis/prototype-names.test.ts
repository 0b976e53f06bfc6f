import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';
import { multipart } from '../helpers/multipart.js';
import { seriesOfRows } from '../../src/insights/pure.js';

/** Names an export may carry that are also keys of every plain object. */
const CAMPAIGNS = [
  { campaign: '__proto__', platform: 'Meta', spikeDay: 15 },
  { campaign: 'constructor', platform: 'toString', spikeDay: 17 },
  { campaign: 'Brand', platform: 'Meta', spikeDay: 19 },
];

const spendOf = (day: number, spikeDay: number) => (day === spikeDay ? 1000 : 100 + (day % 3));
const DAYS = Array.from({ length: 20 }, (_, index) => index + 1);

/** Twenty days per campaign, steady but for one spike each (on different days), so each has a daily anomaly of its own. */
function exportCsv(): string {
  const lines = ['Date,Platform,Campaign,Spend,Impressions,Clicks,Conversions,Currency'];
  for (const { campaign, platform, spikeDay } of CAMPAIGNS)
    for (const day of DAYS)
      lines.push(
        `2025-01-${String(day).padStart(2, '0')},${platform},${campaign},${spendOf(day, spikeDay)},5000,100,10,USD`,
      );
  return `${lines.join('\n')}\n`;
}

interface Row {
  currency: string | null;
  spend: number;
  [key: string]: unknown;
}

describe.each(BACKENDS)('campaigns and platforms named like object keys [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    org = await seedOrg(t, 'media');
  }, 120_000);
  afterAll(() => t.dispose());

  let datasetId: string;

  it('keeps every campaign and platform in the breakdowns, totals and daily anomalies', async () => {
    const form = multipart({ name: 'names.csv', content: exportCsv() });
    const uploaded = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...bearer(org.users.analyst.accessToken), ...form.headers },
      payload: form.payload,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    datasetId = uploaded.json<{ id: string }>().id;
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: bearer(org.users.analyst.accessToken),
      payload: { datasetIds: [datasetId] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const analysis = created.json<{
      id: string;
      result: { totals: Row[]; breakdowns: Record<string, Row[]> };
      summary: { text: string };
    }>();
    // The summary keeps each finding and action a sentence of its own, as a client reads them.
    expect(analysis.summary.text).toContain('What matters most: On Jan 15, 2025, __proto__ had CPA of 100.00 USD');
    expect(analysis.summary.text).toContain('899.00 USD at stake. On Jan 15, 2025, __proto__ had spend');
    expect(analysis.summary.text).toContain(
      'Next: Add the revenue columns to the export (conversion value for revenue). Review',
    );
    expect(analysis.summary.text).not.toMatch(/; On |; Review /);

    const campaigns = analysis.result.breakdowns.campaign!;
    expect(campaigns.map((row) => row.campaign).sort()).toEqual(['Brand', '__proto__', 'constructor']);
    const platforms = analysis.result.breakdowns.platform!;
    expect(platforms.map((row) => row.platform).sort()).toEqual(['Meta', 'toString']);
    const total = analysis.result.totals.find((row) => row.currency === 'USD')!;
    expect(total.spend).toBe(campaigns.reduce((sum, row) => sum + row.spend, 0));
    expect(total.spend).toBe(platforms.reduce((sum, row) => sum + row.spend, 0));
    expect(total.spend).toBe(
      CAMPAIGNS.reduce((sum, { spikeDay }) => sum + DAYS.reduce((days, day) => days + spendOf(day, spikeDay), 0), 0),
    );

    const insights = await t.app.inject({
      method: 'GET',
      url: `/api/v1/analyses/${analysis.id}/insights`,
      headers: bearer(org.users.viewer.accessToken),
    });
    expect(insights.statusCode, insights.body).toBe(200);
    const anomalies = insights.json<{ anomalies: { subject: string }[] }>().anomalies;
    for (const { campaign, spikeDay } of CAMPAIGNS)
      expect(anomalies.map((item) => item.subject)).toContain(
        `campaign:${campaign}:spend:2025-01-${String(spikeDay).padStart(2, '0')}`,
      );
  });

  it('paces budgets named like object keys against their own spend, and one without data at zero', async () => {
    const budgets = [
      { scope: 'campaign', name: '__proto__' },
      { scope: 'campaign', name: 'constructor' },
      { scope: 'platform', name: 'toString' },
      { scope: 'campaign', name: 'valueOf' },
    ];
    for (const budget of budgets) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/budgets',
        headers: bearer(org.users.analyst.accessToken),
        payload: { ...budget, amount: 5000, currency: 'USD', startDate: '2025-01-01', endDate: '2025-01-31' },
      });
      expect(response.statusCode, response.body).toBe(201);
    }
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/budgets/pacing?datasetIds=${datasetId}&asOf=2025-01-20`,
      headers: bearer(org.users.viewer.accessToken),
    });
    expect(response.statusCode, response.body).toBe(200);
    const items = response.json<{ items: { budget: { name: string }; spendToDate: number }[] }>().items;
    const spentBy = (campaigns: readonly (typeof CAMPAIGNS)[number][]) =>
      campaigns.reduce((sum, { spikeDay }) => sum + DAYS.reduce((days, day) => days + spendOf(day, spikeDay), 0), 0);
    // Pairs, not an object literal: `{ __proto__: … }` would set a prototype, not a key.
    expect(items.map((item) => [item.budget.name, item.spendToDate]).sort()).toEqual([
      ['__proto__', spentBy([CAMPAIGNS[0]!])],
      ['constructor', spentBy([CAMPAIGNS[1]!])],
      ['toString', spentBy([CAMPAIGNS[1]!])],
      ['valueOf', 0],
    ]);
  });
});

describe.each(BACKENDS)('headers and platform cells named like object keys [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;

  beforeAll(async () => {
    t = await createTestApp(backend);
    org = await seedOrg(t, 'media');
  }, 120_000);
  afterAll(() => t.dispose());

  it('leaves a `constructor` column unknown and a `constructor` platform cell no platform, with or without a mapping', async () => {
    const csv =
      'Date,Platform,Campaign,Cost,Impressions,Clicks,constructor\n' +
      '2025-01-01,Meta,Brand,10,1000,10,x\n' +
      '2025-01-02,constructor,Brand,12,1100,12,y\n';
    const withAndWithoutMapping: Record<string, string>[] = [{}, { mapping: JSON.stringify({ Cost: 'spend' }) }];
    for (const fields of withAndWithoutMapping) {
      const form = multipart({ name: 'keys.csv', content: csv }, fields);
      const uploaded = await t.app.inject({
        method: 'POST',
        url: '/api/v1/datasets',
        headers: { ...bearer(org.users.analyst.accessToken), ...form.headers },
        payload: form.payload,
      });
      expect(uploaded.statusCode, uploaded.body).toBe(201);
      const dataset = uploaded.json<{
        mapping: { source: string; field: string }[];
        unmapped: { source: string; reason: string }[];
        platforms: string[];
      }>();
      expect(dataset.mapping.find((column) => column.source === 'constructor')).toBeUndefined();
      expect(dataset.mapping.every((column) => typeof column.field === 'string')).toBe(true);
      expect(dataset.unmapped).toContainEqual(expect.objectContaining({ source: 'constructor' }));
      expect(
        dataset.platforms.every((platform) => typeof platform === 'string' && !platform.includes('function')),
      ).toBe(true);
    }
  });
});

describe("the report rows series (pca analyze's deck) with names like object keys", () => {
  it('keeps a group per name, in the order met', () => {
    const rows = CAMPAIGNS.map(({ campaign }) => ({ currency: 'USD', date: '2025-01-01', campaign, spend: 1 }));
    const series = seriesOfRows(rows, 'campaign').get('USD')!;
    expect(Object.keys(series)).toEqual(['__proto__', 'constructor', 'Brand']);
    expect(Object.values(series).map((days) => [...days.figure('spend')])).toEqual([[1], [1], [1]]);
  });
});
