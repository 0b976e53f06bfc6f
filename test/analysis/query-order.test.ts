import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';
import { uploadCsv } from '../helpers/multipart.js';

/** 40 campaigns over two platforms and three days; spend ties in fours (campaign i spends 10 * floor(i / 4)). */
function csv(): string {
  const lines = ['Date,Platform,Campaign,Impressions,Clicks,Spend'];
  for (let day = 1; day <= 3; day++) {
    for (let campaign = 39; campaign >= 0; campaign--) {
      const platform = campaign % 2 ? 'Meta' : 'Google Ads';
      lines.push(
        `2026-02-0${day},${platform},Campaign ${String(campaign).padStart(2, '0')},100,1,${10 * Math.floor(campaign / 4)}`,
      );
    }
  }
  return lines.join('\n');
}

describe.each(BACKENDS)('the order of query rows [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;
  let id: string;
  const query = async (body: object) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: bearer(org.users.viewer.accessToken),
      payload: { datasetIds: [id], ...body },
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ rows: Record<string, string | number | null>[] }>().rows;
  };

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000', PCA_DUCKDB_THREADS: '2' } });
    org = await seedOrg(t, 'ordering');
    id = await uploadCsv(t.app, org.users.analyst, 'ties.csv', csv());
  }, 120_000);
  afterAll(() => t.dispose());

  const names = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, index) => `Campaign ${String(from + index).padStart(2, '0')}`);

  it('without an order, lists the groups by name', async () => {
    const rows = await query({ metrics: ['spend'], dimensions: ['campaign'] });
    expect(rows.map((row) => row.campaign)).toEqual(names(0, 39));
  });

  it('breaks ties in the requested order by the groups, so a limit cuts at the same rows every time', async () => {
    const spec = {
      metrics: ['spend'],
      dimensions: ['campaign'],
      orderBy: { field: 'spend', direction: 'desc' },
      limit: 6,
    };
    const first = await query(spec);
    expect(first.map((row) => row.campaign)).toEqual([...names(36, 39), ...names(32, 33)]);
    expect(first.map((row) => row.spend)).toEqual([270, 270, 270, 270, 240, 240]);
    for (let run = 0; run < 5; run++) expect(await query(spec)).toEqual(first);
  });

  it('lists days in order, and the groups of a day by name', async () => {
    const rows = await query({ metrics: ['spend'], dimensions: ['date', 'platform'] });
    expect(rows.map((row) => `${row.date} ${row.platform}`)).toEqual([
      '2026-02-01 Google Ads',
      '2026-02-01 Meta',
      '2026-02-02 Google Ads',
      '2026-02-02 Meta',
      '2026-02-03 Google Ads',
      '2026-02-03 Meta',
    ]);
  });

  it('orders a period first and then the groups, and a dimension asked for', async () => {
    const weekly = await query({ metrics: ['spend'], dimensions: ['platform'], granularity: 'week' });
    // 1 February 2026 is a Sunday: the first day is week 5, the next two week 6.
    expect(weekly.map((row) => `${row.period} ${row.platform}`)).toEqual([
      '2026-W05 Google Ads',
      '2026-W05 Meta',
      '2026-W06 Google Ads',
      '2026-W06 Meta',
    ]);
    const byPlatform = await query({
      metrics: ['clicks'],
      dimensions: ['platform', 'campaign'],
      orderBy: { field: 'platform', direction: 'desc' },
      limit: 3,
    });
    expect(byPlatform.map((row) => `${row.platform} ${row.campaign}`)).toEqual([
      'Meta Campaign 01',
      'Meta Campaign 03',
      'Meta Campaign 05',
    ]);
  });

  it('compares figures as it shows them: sums equal to the cent tie, and the tie goes by name', async () => {
    const cents = await uploadCsv(
      t.app,
      org.users.analyst,
      'cents.csv',
      [
        'Date,Campaign,Impressions,Clicks,Spend',
        '2026-02-01,Zed,10,1,0.1',
        '2026-02-02,Zed,10,1,0.2',
        '2026-02-01,Alpha,10,1,0.3',
      ].join('\n'),
    );
    const rows = await query({
      datasetIds: [cents],
      metrics: ['spend'],
      dimensions: ['campaign'],
      orderBy: { field: 'spend', direction: 'desc' },
    });
    expect(rows).toEqual([
      { campaign: 'Alpha', currency: null, spend: 0.3 },
      { campaign: 'Zed', currency: null, spend: 0.3 },
    ]);
  });
});
