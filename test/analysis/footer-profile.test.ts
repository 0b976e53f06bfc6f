import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { footerProfile, unifiedParquetSource } from '../../src/analysis/datasets/parquet-source.js';
import { profile } from '../../src/analysis/engine/analysis.js';
import { DIMENSIONS, MEASURES } from '../../src/analysis/schema.js';
import { harnessForSuite } from './helpers.js';

// A whole dataset's profile counts each field's values from the Parquet footers instead of reading every column.
describe('profile of dataset files from their footers', () => {
  const suite = harnessForSuite({ threads: 2 });
  const file = (name: string) => path.join(suite.dir, name);

  beforeAll(async () => {
    // As uploads write them (V2, only the stored fields), in several row groups; clicks and the currency are
    // missing on some rows, revenue on every row.
    await suite.duck.query(
      `COPY (SELECT DATE '2025-01-01' + CAST(i % 90 AS INTEGER) AS "date",
          CASE WHEN i % 3 = 0 THEN 'Meta' ELSE 'Google Ads' END AS platform,
          'Campaign ' || (i % 7) AS campaign,
          CASE i % 4 WHEN 0 THEN 'EUR' WHEN 1 THEN NULL ELSE 'USD' END AS currency,
          CAST(i AS DOUBLE) / 10 AS spend,
          CASE WHEN i % 5 = 0 THEN NULL ELSE CAST(i % 50 AS DOUBLE) END AS clicks,
          CAST(NULL AS DOUBLE) AS revenue
        FROM range(7000) AS t(i))
       TO '${file('narrow.parquet')}' (FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION V2, ROW_GROUP_SIZE 2048)`,
    );
    // As builds before wrote them: every unified column, the absent ones NULL, format V1.
    const all = [...DIMENSIONS, ...MEASURES].map((field) =>
      field === 'date'
        ? `DATE '2024-12-30' AS "date"`
        : field === 'campaign'
          ? `'Old' AS campaign`
          : field === 'impressions' || field === 'spend'
            ? `CAST(i AS DOUBLE) AS "${field}"`
            : `CAST(NULL AS ${(MEASURES as readonly string[]).includes(field) ? 'DOUBLE' : 'VARCHAR'}) AS "${field}"`,
    );
    await suite.duck.query(
      `COPY (SELECT ${all.join(', ')} FROM range(300) AS t(i)) TO '${file('legacy.parquet')}' (FORMAT parquet, COMPRESSION zstd)`,
    );
    await suite.duck.query(
      `COPY (SELECT * FROM read_parquet('${file('narrow.parquet')}') WHERE false) TO '${file('empty.parquet')}' (FORMAT parquet, PARQUET_VERSION V2)`,
    );
  });

  const both = async (files: readonly string[]) => {
    const source = await unifiedParquetSource(suite.duck, files);
    return suite.duck.withConnection(async (connection) => ({
      footer: await footerProfile(connection, source),
      scan: await profile(connection, source, {}),
    }));
  };

  it('gives what a scan of every column gives, for new, old and empty files alone and together', async () => {
    for (const names of [
      ['narrow.parquet'],
      ['legacy.parquet'],
      ['empty.parquet'],
      ['narrow.parquet', 'legacy.parquet'],
      ['empty.parquet', 'legacy.parquet', 'narrow.parquet'],
    ]) {
      const { footer, scan } = await both(names.map(file));
      expect(footer, names.join(' + ')).toEqual(scan);
    }
  });

  it('counts partial fields as present but not complete, and all-NULL fields as absent', async () => {
    const { footer } = await both([file('narrow.parquet')]);
    expect(footer).toEqual({
      rows: 7000,
      measures: ['clicks', 'spend'],
      dimensions: ['date', 'platform', 'campaign', 'currency'],
      currencies: ['EUR', 'USD', null],
      platforms: ['Google Ads', 'Meta'],
      dateRange: { from: '2025-01-01', to: '2025-03-31' },
      complete: ['spend', 'date', 'platform', 'campaign'],
    });
    const together = await both([file('narrow.parquet'), file('legacy.parquet')]);
    expect(together.footer).toMatchObject({
      rows: 7300,
      measures: ['impressions', 'clicks', 'spend'],
      dateRange: { from: '2024-12-30', to: '2025-03-31' },
      complete: ['spend', 'date', 'campaign'],
    });
    const empty = await both([file('empty.parquet')]);
    expect(empty.footer).toMatchObject({ rows: 0, measures: [], dimensions: [], complete: [] });
  });

  it("gives a scope's profile within the whole's as a scan counting every field gives it", async () => {
    const source = await unifiedParquetSource(suite.duck, [file('narrow.parquet'), file('legacy.parquet')]);
    await suite.duck.withConnection(async (connection) => {
      const whole = await footerProfile(connection, source);
      expect(whole?.complete).toEqual(['spend', 'date', 'campaign']);
      for (const scope of [
        { filters: [{ dimension: 'platform' as const, values: ['Meta'] }] },
        { dateRange: { from: '2025-02-01' } },
        // Only the legacy rows: no platform, clicks or currency there, impressions on every row.
        { dateRange: { to: '2024-12-31' } },
        { filters: [{ dimension: 'campaign' as const, values: ['Campaign 3'] }], dateRange: { to: '2025-01-31' } },
        { filters: [{ dimension: 'platform' as const, values: ['None such'] }] },
      ]) {
        const counted = await profile(connection, source, scope);
        expect(await profile(connection, source, scope, whole), JSON.stringify(scope)).toEqual(counted);
      }
      const legacy = await profile(connection, source, { dateRange: { to: '2024-12-31' } }, whole);
      expect(legacy).toMatchObject({ rows: 300, measures: ['impressions', 'spend'], dimensions: ['date', 'campaign'] });
      expect(legacy.complete).toEqual(['impressions', 'spend', 'date', 'campaign']);
    });
  });

  it('leaves a source it did not build to the scan', async () => {
    const source = `(SELECT * FROM read_parquet(['${file('narrow.parquet')}']))`;
    expect(await suite.duck.withConnection((connection) => footerProfile(connection, source))).toBeUndefined();
  });
});
