import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coverage, computeKpis, negativeOperands, ratio } from '../../src/analysis/kpis.js';
import { atEdge } from '../../src/analysis/precision.js';
import { rollUp } from '../../src/analysis/engine/analysis.js';
import type { ReportRow } from '../../src/analysis/report/report.js';
import { flatTotals, analysisHarness, type AnalysisHarness } from './helpers.js';

describe('KPIs at their edges', () => {
  it('gives null, never 0 or Infinity, for a zero denominator and for empty data', () => {
    expect(ratio(5, 0)).toBeNull();
    expect(computeKpis({})).toMatchObject({
      ctr: null,
      cpc: null,
      cpa: null,
      roas: null,
      aov: null,
      frequency: null,
      profit: null,
    });
    expect(coverage({}, 'revenue')).toBeNull();
    expect(coverage({ spend: 0, revenue: 10, spend_with_revenue: 0 }, 'revenue')).toBeNull();
  });

  it('computes ROAS, AOV and profit over the rows that report revenue, CPA and CVR over the rows that report conversions', () => {
    // Google: 620 spent, 862 returned; LinkedIn: 380 spent, no revenue column.
    const totals = {
      spend: 1000,
      revenue: 862,
      spend_with_revenue: 620,
      clicks: 500,
      conversions: 20,
      spend_with_conversions: 900,
      clicks_with_conversions: 400,
      revenue_with_conversions: 862,
      conversions_with_revenue: 10,
    };
    const kpis = computeKpis(totals);
    expect(kpis.roas).toBeCloseTo(862 / 620, 12);
    expect(kpis.profit).toBeCloseTo(862 - 620, 12);
    expect(kpis.cpa).toBeCloseTo(900 / 20, 12);
    expect(kpis.cvr).toBeCloseTo((20 / 400) * 100, 12);
    expect(kpis.aov).toBeCloseTo(862 / 10, 12);
    expect(kpis.cpc).toBeCloseTo(1000 / 500, 12);
    expect(coverage(totals, 'revenue')).toBeCloseTo(0.62, 12);
    expect(coverage(totals, 'conversions')).toBeCloseTo(0.9, 12);
    // No row reports revenue: no ROAS, and no coverage claimed.
    expect(computeKpis({ spend: 380, revenue: null, spend_with_revenue: null }).roas).toBeNull();
  });

  it('reads a group without covered sums as fully covered when it reports the measure', () => {
    expect(computeKpis({ spend: 100, revenue: 250 }).roas).toBe(2.5);
    expect(coverage({ spend: 100, revenue: 250 }, 'revenue')).toBe(1);
  });

  it('leaves a KPI over a negative sum undefined and says why', () => {
    const totals = { spend: -50, clicks: 30, impressions: 1000, revenue: 100, conversions: 2 };
    const kpis = computeKpis(totals);
    expect(kpis).toMatchObject({ cpc: null, cpm: null, cpa: null, roas: null, profit: null });
    expect(kpis.ctr).toBe(3);
    expect(
      negativeOperands(totals)
        .map((item) => item.kpi)
        .sort(),
    ).toEqual(['cpa', 'cpc', 'cpm', 'profit', 'roas']);
    expect(computeKpis({ clicks: 10, impressions: -100 }).ctr).toBeNull();
    expect(negativeOperands({ spend: 50, clicks: 30 })).toEqual([]);
  });

  it('rolls days into weeks without summing reach, and keeps the covered sums', () => {
    const day = (period: string, measures: Record<string, number | null>) => ({
      period,
      currency: 'USD',
      measures,
      kpis: computeKpis(measures),
    });
    const [week] = rollUp(
      [
        day('2025-11-03', {
          spend: 10,
          revenue: 30,
          spend_with_revenue: 5,
          reach: 100,
          reach_rows: 1,
          impressions: 400,
          impressions_with_reach: 200,
        }),
        day('2025-11-04', {
          spend: 10,
          revenue: 10,
          spend_with_revenue: 5,
          reach: 120,
          reach_rows: 1,
          impressions: 300,
          impressions_with_reach: 300,
        }),
      ],
      'week',
      new Set(['spend', 'revenue', 'reach', 'impressions']),
    );
    expect(week!.measures.reach).toBeNull();
    expect(week!.kpis.frequency).toBeNull();
    expect(week!.kpis.roas).toBe(4);
  });

  it('rounds at the edge: money to the cent, KPIs to six decimals', () => {
    expect(atEdge('spend', 28006.380000000005)).toBe(28006.38);
    expect(atEdge('spend_with_revenue', 1.005e3 + 0.0001)).toBe(1005);
    expect(atEdge('cpc', 0.00341234567)).toBe(0.003412);
    expect(atEdge('revenueCoverage', 0.6200000001)).toBe(0.62);
    expect(atEdge('conversions', 12.34567)).toBe(12.3457);
    expect(atEdge('spend', Number.POSITIVE_INFINITY)).toBeNull();
    expect(Object.is(atEdge('profit', -0.001), 0)).toBe(true);
  });
});

describe('KPIs through the engine', () => {
  let h: AnalysisHarness;
  beforeAll(async () => {
    h = await analysisHarness();
  });
  afterAll(() => h.close());

  it('says ROAS covers the spend of the rows that report revenue, in totals, breakdowns and time series', async () => {
    const google = await h.write(
      'google.csv',
      'Day,Campaign,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value\n2025-11-03,Brand,USD,1000,100,320.00,10,500.00\n2025-11-04,Generic,USD,2000,150,300.00,8,362.00\n',
    );
    const linkedin = await h.write(
      'linkedin.csv',
      'Start Date (in UTC),Campaign Name,Currency,Total Spent,Impressions,Clicks,Conversions\n11/3/2025,ABM,USD,380.00,5000,50,2\n',
    );
    const report = await h.analyze([google, linkedin]);
    const totals = flatTotals(report);
    expect(totals.spend).toBe(1000);
    expect(totals.roas).toBeCloseTo(862 / 620, 6);
    expect(totals.revenueCoverage).toBeCloseTo(0.62, 6);
    expect(totals.conversionsCoverage).toBe(1);
    expect(totals.profit).toBe(242);
    const byPlatform = Object.fromEntries(
      report.breakdowns.platform!.map((row): [string, ReportRow] => [String(row.platform), row]),
    );
    expect(byPlatform.LinkedIn).toMatchObject({ roas: null, revenueCoverage: 0 });
    expect(byPlatform['Google Ads']).toMatchObject({ revenueCoverage: 1 });
    const monday = report.timeSeries.day!.find((row) => row.period === '2025-11-03')!;
    expect(monday.roas).toBeCloseTo(500 / 320, 6);
    expect(report.timeSeries.week![0]!.roas).toBeCloseTo(862 / 620, 6);
  });

  it('never sums reach across days or rows, and gives no frequency from a sum', async () => {
    const file = await h.write(
      'meta-daily.csv',
      'Day,Campaign name,Impressions,Reach,Amount spent (USD),Link clicks\n2025-11-01,A,1000,800,10,5\n2025-11-02,A,1200,900,10,5\n2025-11-02,B,500,400,5,2\n',
    );
    const report = await h.analyze([file]);
    expect(flatTotals(report)).toMatchObject({ reach: null, frequency: null });
    const days = Object.fromEntries(
      report.timeSeries.day!.map((row): [string, ReportRow] => [String(row.period), row]),
    );
    expect(days['2025-11-01']).toMatchObject({ reach: 800, frequency: 1.25 });
    expect(days['2025-11-02']).toMatchObject({ reach: null, frequency: null });
    const byCampaign = Object.fromEntries(
      report.breakdowns.campaign!.map((row): [string, ReportRow] => [String(row.campaign), row]),
    );
    expect(byCampaign.A).toMatchObject({ reach: null, frequency: null });
    expect(byCampaign.B).toMatchObject({ reach: 400, frequency: 1.25 });
  });

  it('warns when a negative sum leaves KPIs undefined', async () => {
    const file = await h.write('negative.csv', 'Date,Campaign,Spend,Clicks,Impressions\n2025-11-01,A,-25.00,15,1000\n');
    const report = await h.analyze([file]);
    expect(flatTotals(report)).toMatchObject({ cpc: null, cpm: null, ctr: 1.5 });
    expect(report.warnings?.join(' ')).toMatch(/Totals: spend sums to −25\.00, so CPC and CPM are not defined/);
  });
});
