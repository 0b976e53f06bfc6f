import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';
import { uploadCsv } from '../helpers/multipart.js';

const ROWS = 2500;

/**
 * Rows in a known order, larger than one of DuckDB's scan chunks, with a
 * platform spelled two ways and a "n/a" measure: the platform and the number
 * parsing are the expressions that once lost the file's order.
 */
function csv(): string {
  const lines = ['Date,Platform,Campaign,Impressions,Clicks,Spend'];
  for (let row = 0; row < ROWS; row++) {
    const platform = row % 3 === 0 ? 'facebook' : 'Google Ads';
    const impressions = row === 7 ? 'n/a' : '100';
    lines.push(
      `2026-01-${String((row % 28) + 1).padStart(2, '0')},${platform},Campaign ${row},${impressions},1,${row}`,
    );
  }
  return lines.join('\n');
}

describe.each(BACKENDS)('paging through a dataset preview [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;
  let id: string;
  const page = async (query: string) =>
    t.app.inject({
      method: 'GET',
      url: `/api/v1/datasets/${id}/preview?${query}`,
      headers: bearer(org.users.viewer.accessToken),
    });

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000', PCA_DUCKDB_THREADS: '2' } });
    org = await seedOrg(t, 'pages');
    id = await uploadCsv(t.app, org.users.analyst, 'rows.csv', csv());
  }, 120_000);
  afterAll(() => t.dispose());

  it('pages through every row in file order, without gaps or repeats, and the last page is short', async () => {
    const seen: number[] = [];
    for (let offset = 0; offset < ROWS + 1000; offset += 1000) {
      const response = await page(`limit=1000&offset=${offset}`);
      expect(response.statusCode).toBe(200);
      seen.push(...response.json<{ rows: { spend: number }[] }>().rows.map((row) => row.spend));
    }
    expect(seen).toEqual(Array.from({ length: ROWS }, (_, index) => index));
    const past = await page(`limit=10&offset=${ROWS}`);
    expect(past.json<{ rows: unknown[] }>().rows).toEqual([]);
  });

  it('refuses a negative offset and a page over 1000 rows with 422 naming the field', async () => {
    for (const [query, field] of [
      ['offset=-1', '/querystring/offset'],
      ['limit=1001', '/querystring/limit'],
    ] as const) {
      const response = await page(query);
      expect(response.statusCode).toBe(422);
      expect(JSON.stringify(response.json())).toContain(field);
    }
  });
});
