import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fuzzCase } from '../../bench/fuzz-cases.mjs';
import { createTestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { bearer } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';
import { multipart } from '../helpers/multipart.js';
import { deflatedEntry, inlineRow, sheetXml, workbookParts, zip } from '../../bench/workbooks.mjs';

/** Cases per backend; bench/fuzz.bench.mjs runs 10,000 against a `pca serve`. */
const CASES = 200;
const SEED = 14;

const entries = (dir: string) => readdir(dir).catch(() => [] as string[]);

describe.each(BACKENDS)('malformed uploads through the API, generated [%s]', (backend) => {
  it(`answer ${CASES} mutated CSV/XLSX exports with 201 or a precise 4xx problem, leaving state as it was after each refusal`, async () => {
    const t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    try {
      const org = await seedOrg(t, 'fuzz');
      const orgDir = path.join(t.ctx.layout.datasets, org.orgId);
      const datasetCount = async () =>
        Number(
          (
            await t.ctx.store.db
              .selectFrom('datasets')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('org_id', '=', org.orgId)
              .executeTakeFirstOrThrow()
          ).n,
        );
      const outcomes = new Map<string, number>();
      for (let index = 0; index < CASES; index++) {
        const sample = fuzzCase(SEED, index);
        const label = `case ${index} (${sample.kind}, ${sample.name})`;
        const [rowsBefore, dirsBefore] = [await datasetCount(), new Set(await entries(orgDir))];
        const body = multipart({ name: sample.name, content: sample.bytes, type: 'application/octet-stream' });
        const response = await t.app.inject({
          method: 'POST',
          url: '/api/v1/datasets',
          headers: { ...bearer(org.users.analyst.accessToken), ...body.headers },
          payload: body.payload,
        });
        outcomes.set(
          `${sample.kind} ${response.statusCode}`,
          (outcomes.get(`${sample.kind} ${response.statusCode}`) ?? 0) + 1,
        );
        if (sample.valid) expect(response.statusCode, `${label}: ${response.body.slice(0, 300)}`).toBe(201);
        if (response.statusCode === 201) continue;
        expect([400, 413, 415, 422], `${label}: ${response.statusCode} ${response.body.slice(0, 300)}`).toContain(
          response.statusCode,
        );
        expect(response.headers['content-type'], label).toMatch(/^application\/problem\+json/);
        const problem = response.json<{ status: number; title: string; detail: string; type: string }>();
        expect(problem.status, label).toBe(response.statusCode);
        expect(typeof problem.title === 'string' && typeof problem.type === 'string', label).toBe(true);
        // Precise and bounded: a short sentence, never a stack or a dump of the file.
        expect(problem.detail.length, `${label}: ${problem.detail.slice(0, 200)}`).toBeLessThan(1000);
        expect(problem.detail, label).not.toMatch(/\n\s+at /);
        expect(await datasetCount(), label).toBe(rowsBefore);
        expect(
          (await entries(orgDir)).filter((name) => !dirsBefore.has(name)),
          label,
        ).toEqual([]);
        expect(
          (await entries(t.ctx.layout.tmp)).filter((name) => name !== 'duckdb'),
          label,
        ).toEqual([]);
      }
      // Both answers occur: valid exports were stored, broken ones refused.
      const statuses = [...outcomes.keys()].map((key) => key.split(' ').pop());
      expect(statuses).toContain('201');
      expect(statuses).toContain('422');
      expect((await t.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    } finally {
      await t.dispose();
    }
  }, 900_000);

  it('stores a file name, dataset name and sheet name with control characters (NUL included) without them', async () => {
    const t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    try {
      const org = await seedOrg(t, 'names');
      const csv = 'Day,Campaign name,Amount spent (USD)\n2025-11-01,A,10\n';
      for (const [fields, expected] of [
        [{}, { name: 'ab.csv', originalFilename: 'ab.csv' }],
        [{ name: 'My\u0000 set\u0007' }, { name: 'My set', originalFilename: 'ab.csv' }],
      ] as const) {
        const body = multipart({ name: 'a\u0000b\u0007.csv', content: csv }, fields);
        const response = await t.app.inject({
          method: 'POST',
          url: '/api/v1/datasets',
          headers: { ...bearer(org.users.analyst.accessToken), ...body.headers },
          payload: body.payload,
        });
        expect(response.statusCode, response.body).toBe(201);
        expect(response.json()).toMatchObject(expected);
      }
      // A crafted workbook's sheet name with a NUL.
      const rows = [
        inlineRow(1, ['Day', 'Campaign name', 'Amount spent (USD)']),
        inlineRow(2, ['2025-11-01', 'A', '10']),
      ].join('');
      const book = multipart({
        name: 'book.xlsx',
        content: zip([...workbookParts(['S\u0000x\u0001']), deflatedEntry('xl/worksheets/sheet1.xml', sheetXml(rows))]),
      });
      const stored = await t.app.inject({
        method: 'POST',
        url: '/api/v1/datasets',
        headers: { ...bearer(org.users.analyst.accessToken), ...book.headers },
        payload: book.payload,
      });
      expect(stored.statusCode, stored.body).toBe(201);
      expect(stored.json()).toMatchObject({ sheet: 'Sx' });
    } finally {
      await t.dispose();
    }
  });
});
