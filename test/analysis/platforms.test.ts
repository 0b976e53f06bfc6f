import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisHarness, fixture, flatTotals, type AnalysisHarness } from './helpers.js';

/** Each platform's export, written from its documented headers, read end to end. */
describe('platform exports', () => {
  let h: AnalysisHarness;
  beforeAll(async () => {
    h = await analysisHarness();
  });
  afterAll(() => h.close());

  const cases = [
    {
      file: 'meta.csv',
      platform: 'Meta',
      currency: 'USD',
      rows: 4,
      dates: ['2025-11-01', '2025-11-02'],
      fields: {
        'Reporting starts': 'date',
        'Ad set name': 'ad_group',
        'Amount spent (USD)': 'spend',
        'Link clicks': 'clicks',
        Reach: 'reach',
        'Purchases conversion value': 'revenue',
      },
      totals: { impressions: 25_000, clicks: 470, spend: 550, conversions: 24, revenue: 2250 },
    },
    {
      file: 'google-ads.csv',
      platform: 'Google Ads',
      currency: 'EUR',
      rows: 3,
      dates: ['2025-11-01', '2025-11-13'],
      fields: {
        Day: 'date',
        'Impr.': 'impressions',
        Cost: 'spend',
        'Conv. value': 'revenue',
        'Ad group': 'ad_group',
        'Campaign type': 'channel',
      },
      totals: { impressions: 7000, clicks: 450, spend: 310, conversions: 30, revenue: 1650 },
      dropped: { totals: 2 },
    },
    {
      file: 'microsoft-ads.csv',
      platform: 'Microsoft Ads',
      currency: null,
      rows: 2,
      dates: ['2025-11-01', '2025-11-02'],
      fields: { 'Gregorian date': 'date', 'Impr.': 'impressions', Spend: 'spend', 'Conv.': 'conversions' },
      totals: { impressions: 3000, clicks: 50, spend: 76, conversions: 4, revenue: 280 },
    },
    {
      file: 'linkedin.csv',
      platform: 'LinkedIn',
      currency: 'USD',
      rows: 2,
      dates: ['2025-11-05', '2025-11-20'],
      fields: {
        'Campaign Group Name': 'campaign',
        'Campaign Name': 'ad_group',
        'Total Spent': 'spend',
        Leads: 'leads',
        'Start Date (in UTC)': 'date',
      },
      totals: { impressions: 15_000, clicks: 70, spend: 750, conversions: 2, leads: 6 },
    },
    {
      file: 'tiktok.csv',
      platform: 'TikTok',
      currency: null,
      rows: 2,
      dates: ['2025-11-01', '2025-11-02'],
      fields: {
        'By Day': 'date',
        'Clicks (destination)': 'clicks',
        Cost: 'spend',
        'Video views': 'video_views',
        'Ad group name': 'ad_group',
      },
      totals: { impressions: 30_000, clicks: 300, spend: 200, conversions: 10, video_views: 14_000 },
    },
    {
      file: 'snapchat.csv',
      platform: 'Snapchat',
      currency: null,
      rows: 2,
      dates: ['2025-11-01', '2025-11-02'],
      fields: {
        'Swipe Ups': 'clicks',
        'Ad Squad Name': 'ad_group',
        'Paid Impressions': 'impressions',
        'Start Time': 'date',
      },
      totals: { impressions: 40_000, clicks: 350, spend: 200, conversions: 20 },
    },
    {
      file: 'dv360.csv',
      platform: 'DV360',
      currency: 'GBP',
      rows: 2,
      dates: ['2025-11-01', '2025-11-02'],
      fields: {
        'Line Item': 'ad_group',
        'Media Cost (Advertiser Currency)': 'spend',
        'Total Conversions': 'conversions',
        Advertiser: 'account',
      },
      totals: { impressions: 150_000, clicks: 150, spend: 600, conversions: 15 },
      dropped: { noMeasures: 4 },
    },
    {
      file: 'cm360.csv',
      platform: 'CM360',
      currency: null,
      rows: 2,
      dates: ['2025-11-01', '2025-11-02'],
      fields: {
        'Site (CM360)': 'placement',
        'Media Cost': 'spend',
        'Total Conversions': 'conversions',
        Creative: 'ad',
      },
      totals: { impressions: 300_000, clicks: 500, spend: 1500, conversions: 25 },
      dropped: { totals: 1 },
    },
    {
      file: 'pinterest.csv',
      platform: 'Pinterest',
      currency: null,
      rows: 2,
      dates: ['2025-11-01', '2025-11-02'],
      fields: {
        'Pin clicks': 'clicks',
        'Spend in account currency': 'spend',
        'Total order value (Checkout)': 'revenue',
        'Promoted Pin name': 'ad',
      },
      totals: { impressions: 20_000, clicks: 200, spend: 100, conversions: 10, revenue: 800 },
    },
  ] as const;

  it.each(cases)('reads $file as $platform', async (c) => {
    const report = await h.analyze([fixture(c.file)]);
    const dataset = report.datasets[0]!;
    expect(dataset.platform).toBe(c.platform);
    expect(dataset.platformConfidence).toBeGreaterThanOrEqual(0.5);
    expect(dataset.rows).toBe(c.rows);
    expect(dataset.dateRange).toEqual({ from: c.dates[0], to: c.dates[1] });
    expect(dataset.currencies).toEqual(c.currency === null ? [null] : [c.currency]);
    const mapping = Object.fromEntries(dataset.mapping.map((column) => [column.source, column.field]));
    expect(mapping).toMatchObject(c.fields);
    const totals = flatTotals(report);
    for (const [measure, value] of Object.entries(c.totals)) expect(totals[measure], measure).toBeCloseTo(value, 6);
    expect(dataset.quality.rowsWithoutDate).toBe(0);
    if ('dropped' in c) expect(dataset.quality.dropped).toMatchObject(c.dropped);
    expect(report.breakdowns.platform?.[0]?.platform).toBe(c.platform);
  });

  it('never turns rates into measures (the alias traps)', async () => {
    const report = await h.analyze([fixture('google-ads.csv')]);
    const unmapped = Object.fromEntries(report.datasets[0]!.unmapped.map((column) => [column.source, column.reason]));
    expect(unmapped).toEqual({
      CTR: 'derived',
      'Avg. CPC': 'derived',
      'Cost / conv.': 'derived',
      'Conv. rate': 'derived',
    });
    // KPIs are recomputed from the sums, not read from the file's rate columns.
    const totals = flatTotals(report);
    expect(totals.ctr).toBeCloseTo((450 / 7000) * 100, 6);
    expect(totals.cpa).toBeCloseTo(310 / 30, 6);
  });

  it('reads a generic European sheet: semicolons, decimal commas, DD/MM/YYYY, negatives in parentheses', async () => {
    const report = await h.analyze([fixture('generic-eu.csv')]);
    const dataset = report.datasets[0]!;
    expect(dataset.platform).toBe('Multiple');
    expect(dataset.platforms).toEqual(['Google Ads', 'Meta']);
    expect(dataset.dateRange).toEqual({ from: '2025-11-03', to: '2025-11-25' });
    expect(dataset.quality.dateFormat).toBe('DD/MM/YYYY');
    const totals = flatTotals(report);
    expect(totals).toMatchObject({ currency: 'EUR', impressions: 15_000, clicks: 250, spend: 1134.5, revenue: 2500 });
    expect(dataset.quality.negativeValues).toEqual({ spend: 1 });
    expect(dataset.unmapped).toContainEqual({ source: 'Kampagne', reason: 'unknown' });
  });

  it('keeps currencies apart, and converts only with rates', async () => {
    const report = await h.analyze([fixture('mixed-currency.csv')]);
    expect(report.currencies).toEqual(['GBP', 'USD']);
    expect(report.totals).toMatchObject([
      { currency: 'GBP', spend: 100, revenue: 300 },
      { currency: 'USD', spend: 300, revenue: 500 },
    ]);
    const converted = await h.analyze([fixture('mixed-currency.csv')], {
      conversion: { to: 'USD', rates: { GBP: 1.25 } },
    });
    expect(flatTotals(converted)).toMatchObject({ currency: 'USD', spend: 425, revenue: 875 });
    await expect(
      h.analyze([fixture('mixed-currency.csv')], { conversion: { to: 'EUR', rates: { GBP: 1.1 } } }),
    ).rejects.toThrow(/No exchange rate for USD/);
  });

  it('analyses a Meta and a Google export together as one cross-platform view', async () => {
    const report = await h.analyze([fixture('meta.csv'), fixture('tiktok.csv')]);
    expect(report.datasets.map((dataset) => dataset.platform)).toEqual(['Meta', 'TikTok']);
    const platforms = report.breakdowns.platform!.map((row) => row.platform);
    expect(platforms.sort()).toEqual(['Meta', 'TikTok']);
    // Meta is in USD and the TikTok file states no currency: money is not summed across them.
    expect(report.currencies).toEqual([null, 'USD'].sort());
  });
});
