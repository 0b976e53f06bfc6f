import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type Session, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';
import { multipart } from '../helpers/multipart.js';

interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}

interface Quality {
  unparseableValues: number;
  implausibleValues: Record<string, number>;
  negativeValues: Record<string, number>;
  negativeSums: Record<string, number>;
  warnings: string[];
}

const CSV = [
  'Date,Platform,Campaign,Spend,Revenue,Clicks,Impressions,Currency',
  '2025-11-01,Meta,Alpha,1000,3000,100,10000,USD',
  '2025-11-02,Meta,Alpha,-250,0,0,0,USD',
  '2025-11-03,Meta,Beta,500,1000,50,5000,USD',
].join('\n');

describe.each(BACKENDS)('bad input to analyses and queries [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;
  let datasetId: string;
  const as = (session: Session) => bearer(session.accessToken);

  beforeAll(async () => {
    t = await createTestApp(backend);
    org = await seedOrg(t, 'edges');
    datasetId = (await upload('meta.csv', CSV)).json<{ id: string }>().id;
  }, 120_000);
  afterAll(() => t.dispose());

  function upload(name: string, content: string) {
    const body = multipart({ name, content });
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...as(org.users.analyst), ...body.headers },
      payload: body.payload,
    });
  }

  const analyse = (body: object) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: as(org.users.analyst),
      payload: { datasetIds: [datasetId], ...body },
    });

  const query = (body: object) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: as(org.users.viewer),
      payload: { datasetIds: [datasetId], metrics: ['spend'], ...body },
    });

  async function analysesStored(): Promise<number> {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/analyses?limit=200',
      headers: as(org.users.analyst),
    });
    return response.json<{ items: unknown[] }>().items.length;
  }

  it('refuses an exchange rate that is not finite, positive and within 1e-7..1e7, naming the currency, storing nothing', async () => {
    const before = await analysesStored();
    for (const rate of [1e308, 0, -1.08, 1e-9, 20_000_000]) {
      const response = await analyse({ conversion: { to: 'EUR', rates: { USD: rate } } });
      expect(response.statusCode, String(rate)).toBe(422);
      expect(response.headers['content-type']).toMatch(/problem\+json/);
      const problem = response.json<Problem>();
      expect(problem.type).toBe('/problems/validation');
      expect(problem.errors?.[0]?.field, String(rate)).toBe('/body/conversion/rates/USD');
      expect(problem.errors?.[0]?.message, String(rate)).toMatch(/must be [<>]= (10000000|1e-7)/);
    }
    for (const to of ['EURO', 'eur', '€']) {
      const response = await analyse({ conversion: { to, rates: { USD: 0.9 } } });
      expect(response.statusCode, to).toBe(422);
      expect(response.json<Problem>().errors?.[0]?.field).toBe('/body/conversion/to');
    }
    const queried = await query({ conversion: { to: 'EUR', rates: { USD: 1e308 } } });
    expect(queried.statusCode).toBe(422);
    expect(queried.json<Problem>().errors?.[0]?.field).toBe('/body/conversion/rates/USD');
    expect(await analysesStored()).toBe(before);

    // The bounds themselves are rates, and the figures stay numbers.
    const converted = await analyse({ conversion: { to: 'EUR', rates: { USD: 1e7 } } });
    expect(converted.statusCode).toBe(201);
    expect(converted.json<{ result: { totals: { spend: number }[] } }>().result.totals[0]!.spend).toBe(1250 * 1e7);
  });

  it('refuses a backwards date range as a validation error on its end, in analyses and queries', async () => {
    const before = await analysesStored();
    const backwards = { from: '2025-11-03', to: '2025-11-01' };
    const analysis = await analyse({ dateRange: backwards });
    expect(analysis.statusCode).toBe(422);
    expect(analysis.json<Problem>()).toMatchObject({
      type: '/problems/validation',
      detail: 'The date range is backwards: from 2025-11-03 is after to 2025-11-01.',
      errors: [{ field: '/body/dateRange/to', message: 'must not be before from (2025-11-03)' }],
    });
    expect(await analysesStored()).toBe(before);

    const queried = await query({ dateRange: backwards });
    expect(queried.statusCode).toBe(422);
    expect(queried.json<Problem>().errors).toEqual([
      { field: '/body/dateRange/to', message: 'must not be before from (2025-11-03)' },
    ]);
    const compared = await query({ dateRange: { from: '2025-11-02', to: '2025-11-03' }, compareTo: backwards });
    expect(compared.statusCode).toBe(422);
    expect(compared.json<Problem>().errors?.[0]?.field).toBe('/body/compareTo/to');

    // One day (from = to) is a range, not a backwards one.
    expect((await analyse({ dateRange: { from: '2025-11-01', to: '2025-11-01' } })).statusCode).toBe(201);
  });

  it('warns in the analysis of negative rows included in its totals, with their count and sum', async () => {
    const created = await analyse({});
    expect(created.statusCode).toBe(201);
    const result = created.json<{ result: { warnings: string[]; totals: { spend: number }[] } }>().result;
    expect(result.totals[0]!.spend).toBe(1250);
    expect(result.warnings).toContain('meta.csv: 1 row with negative spend (−250.00 USD) is included in the totals.');

    const scoped = await analyse({ filters: [{ dimension: 'campaign', values: ['Beta'] }] });
    expect(scoped.json<{ result: { warnings: string[] } }>().result.warnings).toContain(
      'meta.csv: 1 row with negative spend (−250.00 USD); those within the filters and dates are included in the totals.',
    );
  });

  it('drops a value beyond the plausible bound of its measure as unreadable, so it never reaches the totals', async () => {
    const csv = [
      'Date,Campaign,Impressions,Clicks,Spend,Currency',
      '2025-11-01,Alpha,1000,10,100,USD',
      '2025-11-02,Alpha,99999999999999999999999,10,100,USD',
      '2025-11-03,Beta,1000000000000,10,100000000000000,USD',
    ].join('\n');
    const uploaded = await upload('huge.csv', csv);
    expect(uploaded.statusCode).toBe(201);
    const dataset = uploaded.json<{ id: string; quality: Quality }>();
    expect(dataset.quality.implausibleValues).toEqual({ impressions: 1, spend: 1 });
    expect(dataset.quality.unparseableValues).toBe(2);
    expect(dataset.quality.warnings).toEqual(
      expect.arrayContaining([
        '1 value of impressions (column "Impressions") is beyond 1,000,000,000,000, too large to be real, and counts as empty.',
        '1 value of spend (column "Spend") is beyond 10,000,000,000,000, too large to be real, and counts as empty.',
      ]),
    );
    expect(dataset.quality.warnings.join(' ')).not.toContain('could not be read as numbers');

    const analysis = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: as(org.users.analyst),
      payload: { datasetIds: [dataset.id] },
    });
    expect(analysis.statusCode).toBe(201);
    // 1e12 impressions is at the bound, so a value; 1e23 is not.
    expect(analysis.json<{ result: { totals: { impressions: number; spend: number }[] } }>().result.totals).toEqual([
      expect.objectContaining({ impressions: 1_000_000_001_000, spend: 200 }),
    ]);
  });
});
