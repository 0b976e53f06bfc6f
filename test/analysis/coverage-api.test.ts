import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { bearer, type Session, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';
import { multipart } from '../helpers/multipart.js';

/** Google Ads alone: 620.00 spent, 862.00 returned, ROAS 1.39; LinkedIn: 380.00 spent and no revenue column. */
const GOOGLE = [
  'Campaign performance report',
  '"November 3, 2025 - November 4, 2025"',
  'Day,Campaign,Campaign type,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value',
  '11/03/2025,Brand Search,Search,USD,"1,000",100,320.00,10.00,500.00',
  '11/04/2025,Generic Search,Search,USD,"2,000",150,300.00,8.00,362.00',
].join('\n');
const LINKEDIN = [
  'Start Date (in UTC),Account Name,Campaign Name,Currency,Total Spent,Impressions,Clicks,Leads,Conversions',
  '11/3/2025,Acme B2B,ABM - Tier 1,USD,380.00,5000,50,4,2',
].join('\n');

interface Row {
  readonly [key: string]: string | number | null;
}

describe.each(BACKENDS)('KPIs over partial measures, through the API [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;
  const as = (session: Session) => bearer(session.accessToken);

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    org = await seedOrg(t, 'coverage');
  }, 120_000);
  afterAll(() => t.dispose());

  async function upload(name: string, content: string): Promise<string> {
    const body = multipart({ name, content });
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...as(org.users.analyst), ...body.headers },
      payload: body.payload,
    });
    expect(response.statusCode).toBe(201);
    return response.json<{ id: string }>().id;
  }

  it('gives the ROAS of Google alone over Google and LinkedIn, and says what share of spend it covers', async () => {
    const google = await upload('google.csv', GOOGLE);
    const linkedin = await upload('linkedin.csv', LINKEDIN);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: as(org.users.analyst),
      payload: { datasetIds: [google, linkedin] },
    });
    expect(created.statusCode).toBe(201);
    const analysis = created.json<{
      id: string;
      result: { totals: Row[]; breakdowns: Record<string, Row[]> };
      summary: { text: string; facts: Record<string, unknown> };
    }>();
    const [totals] = analysis.result.totals;
    expect(totals).toMatchObject({
      currency: 'USD',
      spend: 1000,
      revenue: 862,
      revenueCoverage: 0.62,
      conversionsCoverage: 1,
      profit: 242,
    });
    expect(totals!.roas).toBeCloseTo(862 / 620, 6);
    expect(totals!.cpa).toBeCloseTo(1000 / 20, 6);
    expect(analysis.summary.facts).toMatchObject({ roas: 1.39, roasCoveragePercent: 62 });
    expect(analysis.summary.text).toContain('(ROAS 1.39 on 62% of spend; LinkedIn reports no revenue)');
    expect(analysis.summary.text).toContain('Spend was 1,000.00 USD across 2 platforms');
    expect(analysis.summary.text).toContain('with 20 conversions at 50.00 USD each');

    const query = await t.app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: as(org.users.viewer),
      payload: {
        datasetIds: [google, linkedin],
        metrics: ['spend', 'revenue', 'roas', 'cpa'],
        dimensions: ['platform'],
      },
    });
    expect(query.statusCode).toBe(200);
    const body = query.json<{ columns: string[]; rows: Row[] }>();
    expect(body.columns).toEqual([
      'platform',
      'currency',
      'spend',
      'revenue',
      'roas',
      'cpa',
      'revenueCoverage',
      'conversionsCoverage',
    ]);
    const byPlatform = Object.fromEntries(body.rows.map((row): [string, Row] => [String(row.platform), row]));
    expect(byPlatform.LinkedIn).toMatchObject({
      spend: 380,
      revenue: null,
      roas: null,
      revenueCoverage: 0,
      cpa: 190,
      conversionsCoverage: 1,
    });
    expect(byPlatform['Google Ads']).toMatchObject({ spend: 620, revenue: 862, roas: 1.390323, revenueCoverage: 1 });
    const total = await t.app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: as(org.users.viewer),
      payload: { datasetIds: [google, linkedin], metrics: ['roas', 'profit'], dimensions: [] },
    });
    expect(total.json<{ rows: Row[] }>().rows).toEqual([
      { currency: 'USD', roas: 1.390323, profit: 242, revenueCoverage: 0.62 },
    ]);
  });

  it('rounds money at the edge of /api/v1/query', async () => {
    const id = await upload(
      'cents.csv',
      [
        'Date,Platform,Campaign,Spend,Clicks,Currency',
        '2025-11-01,Meta,A,0.1,1,USD',
        '2025-11-01,Meta,B,0.2,2,USD',
      ].join('\n'),
    );
    const query = await t.app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: as(org.users.viewer),
      payload: { datasetIds: [id], metrics: ['spend', 'cpc'], dimensions: [] },
    });
    // 0.1 + 0.2 is 0.30000000000000004 in binary floating point; the API says 0.3.
    expect(query.json<{ rows: Row[] }>().rows).toEqual([{ currency: 'USD', spend: 0.3, cpc: 0.1 }]);
  });
});

describe('pca analyze --format json over partial revenue', () => {
  it('reports the ROAS of the rows with revenue and its coverage', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pca-coverage-'));
    try {
      await writeFile(path.join(dir, 'google.csv'), GOOGLE);
      await writeFile(path.join(dir, 'linkedin.csv'), LINKEDIN);
      const result = await runCli(
        ['analyze', path.join(dir, 'google.csv'), path.join(dir, 'linkedin.csv'), '--format', 'json'],
        {},
      );
      expect(result.stderr).toBe('');
      const report = JSON.parse(result.stdout) as { totals: Row[]; breakdowns: Record<string, Row[]> };
      expect(report.totals[0]).toMatchObject({ spend: 1000, revenueCoverage: 0.62 });
      expect(report.totals[0]!.roas).toBeCloseTo(862 / 620, 6);
      expect(report.breakdowns.platform!.find((row) => row.platform === 'LinkedIn')).toMatchObject({
        roas: null,
        revenueCoverage: 0,
        spend_with_revenue: null,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
