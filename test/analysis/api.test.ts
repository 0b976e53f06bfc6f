import { readdir, readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type Session, type TestOrg } from '../helpers/identity.js';
import { seedOperator, seedOrg } from '../helpers/seed.js';
import { multipart } from '../helpers/multipart.js';
import { fixture } from './helpers.js';

interface DatasetBody {
  id: string;
  name: string;
  platform: string;
  rows: number;
  mapping: { source: string; field: string }[];
  quality: { rowsKept: number };
}

describe.each(BACKENDS)('datasets, analyses and the query API [%s]', (backend) => {
  let t: TestApp;
  let operator: Session;
  let org: TestOrg;
  const as = (session: Session) => bearer(session.accessToken);

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    operator = await seedOperator(t);
    org = await seedOrg(t, 'media');
  }, 120_000);
  afterAll(() => t.dispose());

  async function upload(
    name: string,
    content: string | Buffer,
    fields: Record<string, string> = {},
    session = org.users.analyst,
  ) {
    const body = multipart({ name, content }, fields);
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...as(session), ...body.headers },
      payload: body.payload,
    });
  }

  async function datasetFiles(): Promise<string[]> {
    try {
      return await readdir(`${t.ctx.layout.datasets}/${org.orgId}`);
    } catch {
      return [];
    }
  }

  it('stores an upload as Parquet with its mapping and quality, and previews it', async () => {
    const response = await upload('meta.csv', await readFile(fixture('meta.csv')), { name: 'Meta November' });
    expect(response.statusCode).toBe(201);
    const dataset = response.json<DatasetBody>();
    expect(dataset).toMatchObject({ name: 'Meta November', platform: 'Meta', rows: 4, quality: { rowsKept: 4 } });
    expect(dataset.id).toMatch(/^ds_/);
    expect((await readdir(`${t.ctx.layout.datasets}/${org.orgId}/${dataset.id}`)).sort()).toEqual([
      expect.stringMatching(/^data-[0-9a-f-]{36}\.parquet$/),
      'source.csv',
    ]);
    const preview = await t.app.inject({
      method: 'GET',
      url: `/api/v1/datasets/${dataset.id}/preview?limit=2`,
      headers: as(org.users.viewer),
    });
    const rows = preview.json<{ rows: Record<string, unknown>[] }>().rows;
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      date: '2025-11-01',
      platform: 'Meta',
      campaign: 'Prospecting - Broad',
      spend: 300,
      currency: 'USD',
    });
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/datasets', headers: as(org.users.viewer) });
    expect(list.json<{ items: { id: string }[] }>().items.map((item) => item.id)).toContain(dataset.id);
  });

  it('refuses an empty file, garbage and a file with no measure with 422, storing nothing', async () => {
    const before = await datasetFiles();
    const count = async () =>
      (await t.app.inject({ method: 'GET', url: '/api/v1/datasets?limit=200', headers: as(org.users.analyst) })).json<{
        items: unknown[];
      }>().items.length;
    const datasetsBefore = await count();
    for (const [name, content, message] of [
      ['empty.csv', '', 'empty'],
      ['noise.csv', Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 37) % 256)), 'binary'],
      ['names.csv', 'Name,Colour\na,b\n', 'No recognisable measure'],
      ['report.xlsx', 'Date,Spend\n2025-01-01,1\n', 'not an XLSX'],
    ] as const) {
      const response = await upload(name, content);
      expect(response.statusCode, name).toBe(422);
      expect(response.headers['content-type']).toMatch(/problem\+json/);
      expect(response.json<{ detail: string }>().detail).toContain(message);
    }
    expect(await datasetFiles()).toEqual(before);
    expect(await count()).toBe(datasetsBefore);
    expect((await readdir(t.ctx.layout.tmp)).filter((name) => name !== 'duckdb')).toEqual([]);
  });

  it('refuses a request that is not multipart, and a file field with another name', async () => {
    const json = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: as(org.users.analyst),
      payload: { file: 'x' },
    });
    expect(json.statusCode).toBe(415);
    const wrong = multipart({ name: 'a.csv', content: 'Date,Spend\n2025-01-01,1\n' }, {}, 'upload');
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...as(org.users.analyst), ...wrong.headers },
      payload: wrong.payload,
    });
    expect(response.statusCode).toBe(422);
  });

  it('enforces maxUploadBytes (413), maxDatasets and maxStorageBytes (403 quota-exceeded)', async () => {
    const patch = (quotas: Record<string, number>) =>
      t.app.inject({ method: 'PATCH', url: `/api/v1/orgs/${org.orgId}`, headers: as(operator), payload: { quotas } });
    await patch({ maxUploadBytes: 100 });
    const big = await upload('big.csv', `Date,Spend\n${'2025-01-01,1\n'.repeat(50)}`);
    expect(big.statusCode).toBe(413);
    expect(big.json<{ type: string }>().type).toBe('/problems/payload-too-large');
    await patch({ maxUploadBytes: 200 * 1024 * 1024 });
    const usage = (
      await t.app.inject({ method: 'GET', url: `/api/v1/orgs/${org.orgId}/usage`, headers: as(org.users.admin) })
    ).json<{ usage: { datasets: number; storageBytes: number } }>().usage;
    expect(usage.datasets).toBeGreaterThanOrEqual(1);
    expect(usage.storageBytes).toBeGreaterThan(0);
    await patch({ maxDatasets: usage.datasets });
    const over = await upload('tiktok.csv', await readFile(fixture('tiktok.csv')));
    expect(over.statusCode).toBe(403);
    expect(over.json()).toMatchObject({
      type: '/problems/quota-exceeded',
      quota: 'maxDatasets',
      limit: usage.datasets,
      usage: usage.datasets,
    });
    await patch({ maxDatasets: 500, maxStorageBytes: usage.storageBytes + 10 });
    const storage = await upload('tiktok.csv', await readFile(fixture('tiktok.csv')));
    expect(storage.json()).toMatchObject({ type: '/problems/quota-exceeded', quota: 'maxStorageBytes' });
    await patch({ maxStorageBytes: 10 * 1024 ** 3 });
  });

  it('analyses several datasets, stores the result, and exports it in four formats with neutralised cells', async () => {
    const google = (await upload('google-ads.csv', await readFile(fixture('google-ads.csv')))).json<DatasetBody>();
    const hostile = (
      await upload('hostile.csv', 'Date,Platform,Campaign,Spend,Clicks,Currency\n2025-11-01,Meta,=cmd|calc,5,1,USD\n')
    ).json<DatasetBody>();
    const list = (await t.app.inject({ method: 'GET', url: '/api/v1/datasets', headers: as(org.users.analyst) })).json<{
      items: DatasetBody[];
    }>();
    const meta = list.items.find((item) => item.platform === 'Meta' && item.name === 'Meta November')!;
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: as(org.users.analyst),
      payload: { datasetIds: [meta.id, google.id, hostile.id], name: 'November cross-platform' },
    });
    expect(created.statusCode).toBe(201);
    const analysis = created.json<{
      id: string;
      result: {
        totals: { currency: string; spend: number }[];
        breakdowns: Record<string, unknown[]>;
        timeSeries: Record<string, unknown[]>;
        periodOverPeriod: unknown;
        warnings: string[];
        dateRange: { from: string; to: string };
      };
    }>();
    expect(analysis.id).toMatch(/^an_/);
    // Two exports end before Google Ads does: the totals of the later days are not the whole account's.
    expect(analysis.result.warnings).toEqual([
      'Meta November ends on Nov 2, 2025 while the analysis runs to Nov 13, 2025: the data after Nov 2, 2025 comes from Google Ads only.',
      'hostile.csv ends on Nov 1, 2025 while the analysis runs to Nov 13, 2025: the data after Nov 1, 2025 comes from Meta November and google-ads.csv only.',
    ]);
    expect(analysis.result.totals.map((row) => [row.currency, row.spend])).toEqual([
      ['EUR', 310],
      ['USD', 555],
    ]);
    expect(Object.keys(analysis.result.breakdowns)).toEqual(
      expect.arrayContaining(['platform', 'campaign', 'ad_group']),
    );
    expect(Object.keys(analysis.result.timeSeries).sort()).toEqual(['day', 'month', 'quarter', 'week']);
    expect(analysis.result.periodOverPeriod).toMatchObject({
      range: { from: '2025-11-01', to: '2025-11-13' },
      previousRange: { from: '2025-10-19', to: '2025-10-31' },
    });

    const fetched = await t.app.inject({
      method: 'GET',
      url: `/api/v1/analyses/${analysis.id}`,
      headers: as(org.users.viewer),
    });
    expect(fetched.json<{ result: unknown }>().result).toEqual(analysis.result);

    const csv = await t.app.inject({
      method: 'GET',
      url: `/api/v1/analyses/${analysis.id}/export?format=csv`,
      headers: as(org.users.analyst),
    });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const { from, to } = analysis.result.dateRange;
    expect(csv.headers['content-disposition']).toBe(
      `attachment; filename="November cross-platform - ${from} to ${to}.csv"`,
    );
    expect(csv.body).toContain("'=cmd|calc");
    expect(csv.body).not.toMatch(/(^|,)=cmd/m);
    const xlsx = await t.app.inject({
      method: 'GET',
      url: `/api/v1/analyses/${analysis.id}/export?format=xlsx`,
      headers: as(org.users.analyst),
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ExcelJS.Buffer);
    const campaigns = book.getWorksheet('By campaign')!.getColumn(1).values;
    expect(campaigns).toContain("'=cmd|calc");
    // A client reads labels, not keys, and each total's money in its own currency.
    const headerOf = (sheet: ExcelJS.Worksheet) => (sheet.getRow(1).values as unknown[]).slice(1);
    expect(headerOf(book.getWorksheet('By campaign')!)).toEqual(
      expect.arrayContaining(['Campaign', 'Currency', 'Spend', 'Clicks', 'CTR', 'CPC']),
    );
    expect(headerOf(book.getWorksheet('By ad group')!)[0]).toBe('Ad group');
    expect(headerOf(book.getWorksheet('Daily')!)[0]).toBe('Period');
    const totals = book.getWorksheet('Totals')!;
    const spend = headerOf(totals).indexOf('Spend') + 1;
    expect(
      [2, 3].map((row) => [totals.getRow(row).getCell(spend).value, totals.getRow(row).getCell(spend).numFmt]),
    ).toEqual([
      [310, '#,##0.00 "EUR"'],
      [555, '#,##0.00 "USD"'],
    ]);
    const md = await t.app.inject({
      method: 'GET',
      url: `/api/v1/analyses/${analysis.id}/export?format=md`,
      headers: as(org.users.analyst),
    });
    expect(md.body).toMatch(/^# PCA Agent/);
    const json = await t.app.inject({
      method: 'GET',
      url: `/api/v1/analyses/${analysis.id}/export?format=json`,
      headers: as(org.users.analyst),
    });
    expect(JSON.parse(json.body)).toMatchObject({ rows: 8 });

    // Viewers read but cannot export; a disabled exports feature stops everyone.
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/analyses/${analysis.id}/export`,
          headers: as(org.users.viewer),
        })
      ).statusCode,
    ).toBe(403);
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${org.orgId}`,
      headers: as(operator),
      payload: { features: { exports: false } },
    });
    const disabled = await t.app.inject({
      method: 'GET',
      url: `/api/v1/analyses/${analysis.id}/export`,
      headers: as(org.users.analyst),
    });
    expect(disabled.json<{ type: string }>().type).toBe('/problems/feature-disabled');
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${org.orgId}`,
      headers: as(operator),
      payload: { features: { exports: true } },
    });
  });

  it('counts analyses against maxAnalysesPerMonth and answers 404 for an unknown dataset', async () => {
    const meta = (await t.app.inject({ method: 'GET', url: '/api/v1/datasets', headers: as(org.users.analyst) })).json<{
      items: DatasetBody[];
    }>().items[0]!;
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: as(org.users.analyst),
      payload: { datasetIds: [meta.id, 'ds_missing'] },
    });
    expect(unknown.statusCode).toBe(404);
    const used = (
      await t.app.inject({ method: 'GET', url: `/api/v1/orgs/${org.orgId}/usage`, headers: as(org.users.admin) })
    ).json<{ usage: { analysesThisMonth: number } }>().usage.analysesThisMonth;
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${org.orgId}`,
      headers: as(operator),
      payload: { quotas: { maxAnalysesPerMonth: used } },
    });
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: as(org.users.analyst),
      payload: { datasetIds: [meta.id] },
    });
    expect(refused.json()).toMatchObject({
      type: '/problems/quota-exceeded',
      quota: 'maxAnalysesPerMonth',
      limit: used,
    });
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${org.orgId}`,
      headers: as(operator),
      payload: { quotas: { maxAnalysesPerMonth: 1000 } },
    });
  });

  it('queries with bound filters, a spend floor, ordering by a KPI, granularity and period over period', async () => {
    const csv = [
      'Date,Platform,Campaign,Spend,Revenue,Clicks,Impressions,Currency',
      '2025-11-01,Meta,Big,100,300,10,1000,USD',
      '2025-11-02,Meta,Tiny,3,300,1,10,USD',
      '2025-11-03,Google Ads,Mid,50,100,5,500,USD',
      '2025-10-30,Meta,Big,50,100,5,500,USD',
      "2025-11-04,Meta,O'Reilly; DROP TABLE users;--,10,10,1,100,USD",
    ].join('\n');
    const dataset = (await upload('query.csv', csv)).json<DatasetBody>();
    const query = (body: object) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/query',
        headers: as(org.users.viewer),
        payload: { datasetIds: [dataset.id], ...body },
      });

    const top = await query({
      metrics: ['spend', 'roas'],
      dimensions: ['campaign'],
      orderBy: { field: 'roas', direction: 'desc' },
      minSpend: 20,
    });
    expect(top.statusCode).toBe(200);
    expect(top.json<{ rows: { campaign: string; roas: number }[] }>().rows.map((row) => row.campaign)).toEqual([
      'Big',
      'Mid',
    ]);

    const filtered = await query({
      metrics: ['spend'],
      dimensions: ['platform'],
      filters: [{ dimension: 'campaign', values: ["O'Reilly; DROP TABLE users;--", 'Mid'] }],
    });
    expect(
      filtered
        .json<{ rows: { platform: string; spend: number }[] }>()
        .rows.sort((a, b) => a.platform.localeCompare(b.platform)),
    ).toEqual([
      { platform: 'Google Ads', currency: 'USD', spend: 50 },
      { platform: 'Meta', currency: 'USD', spend: 10 },
    ]);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: as(org.users.admin) })).statusCode).toBe(
      200,
    );

    const weekly = await query({ metrics: ['spend', 'ctr'], dimensions: [], granularity: 'week' });
    expect(weekly.json<{ rows: { period: string }[] }>().rows.map((row) => row.period)).toEqual([
      '2025-W44',
      '2025-W45',
    ]);

    const pop = await query({
      metrics: ['spend', 'cpc'],
      dimensions: ['platform'],
      dateRange: { from: '2025-11-01', to: '2025-11-04' },
      comparePrevious: true,
    });
    const body = pop.json<{
      previousRange: object;
      rows: {
        platform: string;
        spend: number;
        previous: { spend: number | null };
        change: { spend: { absolute: number | null; relative: number | null } };
      }[];
    }>();
    expect(body.previousRange).toEqual({ from: '2025-10-28', to: '2025-10-31' });
    const metaRow = body.rows.find((row) => row.platform === 'Meta')!;
    expect(metaRow).toMatchObject({
      spend: 113,
      previous: { spend: 50 },
      change: { spend: { absolute: 63, relative: 1.26 } },
    });
    const googleRow = body.rows.find((row) => row.platform === 'Google Ads')!;
    expect(googleRow.change.spend).toEqual({ absolute: null, relative: null });

    for (const bad of [
      { metrics: ['spend; drop table'], dimensions: [] },
      { metrics: ['spend'], dimensions: ['campaign"'] },
      { metrics: ['spend'], dimensions: [], orderBy: { field: 'revenue', direction: 'desc' } },
      { metrics: ['spend'], dimensions: [], dateRange: { from: '2025-13-45' } },
      { metrics: ['spend'], dimensions: [], comparePrevious: true },
    ]) {
      const response = await query(bad);
      expect(response.statusCode, JSON.stringify(bad)).toBe(422);
    }
  });

  it('rebuilds a dataset with a user mapping, and deletes it with its files', async () => {
    const refused = await upload('generic.csv', 'When,Where,Money,Taps\n2025-11-01,Meta,10,2\n2025-11-02,Meta,5,1\n');
    expect(refused.statusCode).toBe(422);
    const dataset = (
      await upload('generic.csv', 'When,Where,Money,Taps\n2025-11-01,Meta,10,2\n2025-11-02,Meta,5,1\n', {
        mapping: JSON.stringify({ Money: 'spend' }),
      })
    ).json<DatasetBody>();
    expect(dataset.mapping.map((column) => column.source)).toEqual(['Money']);
    const remapped = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/datasets/${dataset.id}/mapping`,
      headers: as(org.users.analyst),
      payload: { mapping: { When: 'date', Where: 'platform', Money: 'spend', Taps: 'clicks' } },
    });
    expect(remapped.statusCode).toBe(200);
    const after = remapped.json<DatasetBody & { dateRange: object }>();
    expect(after.mapping.map((column) => [column.source, column.field])).toEqual([
      ['When', 'date'],
      ['Where', 'platform'],
      ['Money', 'spend'],
      ['Taps', 'clicks'],
    ]);
    expect(after.dateRange).toEqual({ from: '2025-11-01', to: '2025-11-02' });
    const invalid = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/datasets/${dataset.id}/mapping`,
      headers: as(org.users.analyst),
      payload: { mapping: { When: 'planet' } },
    });
    expect(invalid.statusCode).toBe(422);
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/datasets/${dataset.id}`,
      headers: as(org.users.analyst),
    });
    expect(removed.statusCode).toBe(204);
    expect(await datasetFiles()).not.toContain(dataset.id);
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/datasets/${dataset.id}`, headers: as(org.users.analyst) }))
        .statusCode,
    ).toBe(404);
  });
});
