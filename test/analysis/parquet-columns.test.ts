import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIMENSIONS, MEASURES } from '../../src/analysis/schema.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { campaignCsv } from '../helpers/campaigns.js';
import { bearer, type TestOrg } from '../helpers/identity.js';
import { multipart } from '../helpers/multipart.js';
import { seedOrg } from '../helpers/seed.js';

/** A second export with other fields: no platform column, a currency, video views. */
function videoCsv(): string {
  const lines = ['Day,Campaign,Spend,Video Views,Currency'];
  for (let day = 1; day <= 28; day++)
    lines.push(`2025-02-${String(day).padStart(2, '0')},Clip ${day % 3},${day * 1.5},${day * 100},EUR`);
  return lines.join('\n');
}

const typeOf = (field: string) =>
  field === 'date' ? 'DATE' : (MEASURES as readonly string[]).includes(field) ? 'DOUBLE' : 'VARCHAR';

describe.each(BACKENDS)(
  'dataset files hold only their stored fields, and files with all 25 still read the same [%s]',
  (backend) => {
    let t: TestApp;
    let org: TestOrg;
    const ids: string[] = [];
    const as = () => bearer(org.users.analyst.accessToken);

    const fileOf = async (id: string) => {
      const row = await t.ctx.store.db
        .selectFrom('datasets')
        .select(['data_file'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return path.join(t.ctx.layout.datasets, org.orgId, id, row.data_file!);
    };
    const columnsOf = async (file: string) =>
      (await t.ctx.duck.query(`SELECT name FROM parquet_schema('${file}') WHERE name <> 'duckdb_schema'`))
        .map((row) => String(row.name))
        .sort();

    /** Everything a user reads from the datasets: an analysis of both, queries with a filter, the previews. */
    async function readings() {
      const analysis = await t.app.inject({
        method: 'POST',
        url: '/api/v1/analyses',
        headers: as(),
        payload: { datasetIds: ids },
      });
      expect(analysis.statusCode).toBe(201);
      const { generatedAt, ...result } = analysis.json<{ result: Record<string, unknown> }>().result;
      expect(generatedAt).toBeDefined();
      const queries = [];
      for (const payload of [
        {
          datasetIds: ids,
          metrics: ['spend', 'video_views', 'roas'],
          dimensions: ['campaign'],
          filters: [{ dimension: 'platform', values: ['Meta', 'Unknown'] }],
        },
        { datasetIds: ids, metrics: ['spend', 'clicks'], dimensions: ['currency', 'device'], granularity: 'month' },
      ]) {
        const response = await t.app.inject({ method: 'POST', url: '/api/v1/query', headers: as(), payload });
        expect(response.statusCode).toBe(200);
        queries.push(response.json());
      }
      const previews = [];
      for (const id of ids) {
        const response = await t.app.inject({
          method: 'GET',
          url: `/api/v1/datasets/${id}/preview?limit=50`,
          headers: as(),
        });
        expect(response.statusCode).toBe(200);
        previews.push(response.json());
      }
      return { result, queries, previews };
    }

    /** Rewrites a dataset's current file as builds before this change did: every unified column, absent ones NULL. */
    async function rewriteWithAllColumns(id: string): Promise<void> {
      const file = await fileOf(id);
      const present = new Set(await columnsOf(file));
      const columns = [...DIMENSIONS, ...MEASURES].map((field) =>
        present.has(field) ? `"${field}"` : `CAST(NULL AS ${typeOf(field)}) AS "${field}"`,
      );
      const name = `data-${crypto.randomUUID()}.parquet`;
      await t.ctx.duck.query(
        `COPY (SELECT ${columns.join(', ')} FROM read_parquet('${file}')) TO '${path.join(path.dirname(file), name)}' (FORMAT parquet, COMPRESSION zstd)`,
      );
      await t.ctx.store.db.updateTable('datasets').set({ data_file: name }).where('id', '=', id).execute();
    }

    beforeAll(async () => {
      t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000', PCA_ANALYSIS_CACHE_MB: '0' } });
      org = await seedOrg(t, 'narrow');
      for (const [name, content] of [
        ['campaigns.csv', campaignCsv(3000, 12)],
        ['videos.csv', videoCsv()],
      ] as const) {
        const body = multipart({ name, content });
        const uploaded = await t.app.inject({
          method: 'POST',
          url: '/api/v1/datasets',
          headers: { ...as(), ...body.headers },
          payload: body.payload,
        });
        expect(uploaded.statusCode).toBe(201);
        ids.push(uploaded.json<{ id: string }>().id);
      }
    }, 120_000);
    afterAll(() => t.dispose());

    it('writes only the fields each dataset stores', async () => {
      expect(await columnsOf(await fileOf(ids[0]!))).toEqual([
        'ad_group',
        'campaign',
        'clicks',
        'conversions',
        'date',
        'device',
        'impressions',
        'platform',
        'revenue',
        'spend',
      ]);
      // The platform is a constant the plan detected, the currency a column.
      expect(await columnsOf(await fileOf(ids[1]!))).toEqual([
        'campaign',
        'currency',
        'date',
        'platform',
        'spend',
        'video_views',
      ]);
    });

    it('keeps dictionaries for dimensions and gives them up for measures with thousands of distinct values', async () => {
      const lines = ['Date,Campaign,Spend,Clicks'];
      for (let row = 0; row < 30_000; row++)
        lines.push(
          `2025-03-${String((row % 28) + 1).padStart(2, '0')},Campaign ${row % 20},${(row % 5000) + 0.25},${row % 7}`,
        );
      const body = multipart({ name: 'distinct.csv', content: lines.join('\n') });
      const uploaded = await t.app.inject({
        method: 'POST',
        url: '/api/v1/datasets',
        headers: { ...as(), ...body.headers },
        payload: body.payload,
      });
      expect(uploaded.statusCode).toBe(201);
      const file = await fileOf(uploaded.json<{ id: string }>().id);
      const encodings = new Map(
        (await t.ctx.duck.query(`SELECT path_in_schema, encodings FROM parquet_metadata('${file}')`)).map((row) => [
          String(row.path_in_schema),
          String(row.encodings),
        ]),
      );
      // 5,000 distinct spends, each six times, in one row group: past the limit, so no dictionary, where DuckDB's
      // default would have built one (it pays off); a few distinct values still get theirs.
      expect(encodings.get('spend')).not.toMatch(/DICTIONARY/);
      for (const field of ['campaign', 'date', 'clicks']) expect(encodings.get(field), field).toMatch(/DICTIONARY/);
      await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/datasets/${uploaded.json<{ id: string }>().id}`,
        headers: as(),
      });
    });

    it('previews every unified field, NULL where the dataset has none', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/v1/datasets/${ids[1]}/preview?limit=2`,
        headers: as(),
      });
      const [first] = response.json<{ rows: Record<string, unknown>[] }>().rows;
      expect(Object.keys(first!)).toEqual([...DIMENSIONS, ...MEASURES]);
      expect(first).toMatchObject({
        date: '2025-02-01',
        campaign: 'Clip 1',
        currency: 'EUR',
        spend: 1.5,
        video_views: 100,
        clicks: null,
        ad_group: null,
      });
    });

    it('gives the same analysis, queries and previews when one or both files hold all 25 columns (datasets stored before)', async () => {
      const narrow = await readings();
      await rewriteWithAllColumns(ids[0]!);
      expect(await columnsOf(await fileOf(ids[0]!))).toHaveLength(DIMENSIONS.length + MEASURES.length);
      expect(await readings()).toEqual(narrow);
      await rewriteWithAllColumns(ids[1]!);
      expect(await readings()).toEqual(narrow);
    });
  },
);
