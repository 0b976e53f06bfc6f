import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_COLUMNS } from '../../src/analysis/ingest/sniff.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { bearer, operatorSession, orgWithEveryRole, type TestOrg } from '../helpers/identity.js';
import { multipart } from '../helpers/multipart.js';
import { probeHealthDuring } from '../helpers/probe.js';

/** Generous on a loaded 2-core machine; the header of 40,000 like-named columns held the loop for about 30 s. */
const PROBE_BOUND_MS = 500;

const csv = (rows: readonly (readonly (string | number)[])[]) => `${rows.map((row) => row.join(',')).join('\n')}\n`;

/** `width` columns: a date, impressions, then columns nobody maps, with `rows` data rows. */
function wideExport(width: number, rows: number): string {
  const header = ['Day', 'Impressions', ...Array.from({ length: width - 2 }, (_, i) => `Extra ${i}`)];
  return csv([
    header,
    ...Array.from({ length: rows }, (_, r) =>
      header.map((_, i) => (i === 0 ? `2025-11-${String((r % 28) + 1).padStart(2, '0')}` : r + i)),
    ),
  ]);
}

describe.each(BACKENDS)('uploads of very wide files keep the server answering [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    org = await orgWithEveryRole(t.app, await operatorSession(t.app), 'wide');
  }, 120_000);
  afterAll(() => t.dispose());

  /** Uploads `content` while probing /health/live every 20 ms; the slowest probe's wait beyond its pause. */
  async function uploadWhileProbing(name: string, content: string) {
    const body = multipart({ name, content });
    const { result, latencies } = await probeHealthDuring(
      t.app,
      t.app.inject({
        method: 'POST',
        url: '/api/v1/datasets',
        headers: { ...bearer(org.users.analyst.accessToken), ...body.headers },
        payload: body.payload,
      }),
    );
    return { response: result, slowest: Math.max(...latencies) };
  }

  it.each([
    [
      '40,000 columns of one name',
      csv([Array(40_000).fill('x'), Array(40_000).fill(1)]),
      /32769 columns wide or more; at most 1024 columns/,
    ],
    [
      '20,000 distinct columns and a data row (the fuzz case)',
      csv([Array.from({ length: 20_000 }, (_, i) => `c${i}`), Array.from({ length: 20_000 }, (_, i) => i)]),
      /columns wide or more; at most 1024 columns/,
    ],
    [
      `${MAX_COLUMNS + 1} columns, one past the limit`,
      wideExport(MAX_COLUMNS + 1, 3),
      /1025 columns wide; at most 1024 columns/,
    ],
  ])(
    'refuses %s with a 422 naming the limit, answering health probes meanwhile',
    async (_label, content, detail) => {
      const { response, slowest } = await uploadWhileProbing('wide.csv', content);
      expect(slowest).toBeLessThan(PROBE_BOUND_MS);
      expect(response.statusCode).toBe(422);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = response.json<{ detail: string; limit?: string; max?: number }>();
      expect(problem.detail).toMatch(detail);
      expect(problem).toMatchObject({ limit: 'csvColumns', max: MAX_COLUMNS });
      expect(
        (
          await t.app.inject({ method: 'GET', url: '/api/v1/datasets', headers: bearer(org.users.analyst.accessToken) })
        ).json<{ items: unknown[] }>().items,
      ).toEqual([]);
    },
    120_000,
  );

  it(`stores a file of exactly ${MAX_COLUMNS} columns, answering health probes meanwhile`, async () => {
    const { response, slowest } = await uploadWhileProbing('widest.csv', wideExport(MAX_COLUMNS, 40));
    expect(response.statusCode, response.body.slice(0, 300)).toBe(201);
    const dataset = response.json<{ id: string; rows: number }>();
    expect(dataset.rows).toBe(40);
    expect(slowest).toBeLessThan(PROBE_BOUND_MS);
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/datasets/${dataset.id}`,
      headers: bearer(org.users.analyst.accessToken),
    });
  }, 120_000);
});
