import { Buffer } from 'node:buffer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeKpis, ratio } from '../../src/analysis/kpis.js';
import { decideDateFormat, decideDecimalMark } from '../../src/analysis/ingest/values.js';
import { analysisHarness, fixture, flatTotals, type AnalysisHarness } from './helpers.js';

describe('KPIs', () => {
  it('gives null, never 0 or Infinity, for a zero or missing denominator', () => {
    expect(ratio(5, 0)).toBeNull();
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(null, 10)).toBeNull();
    expect(ratio(5, undefined)).toBeNull();
    const kpis = computeKpis({ impressions: 0, clicks: 0, spend: 0, conversions: 0, revenue: null });
    expect(kpis).toMatchObject({
      ctr: null,
      cpc: null,
      cpm: null,
      cpa: null,
      roas: null,
      cvr: null,
      aov: null,
      profit: null,
    });
    expect(computeKpis({ impressions: 1000, clicks: 10, spend: 0, conversions: 0, revenue: 0 })).toMatchObject({
      ctr: 1,
      cpc: 0,
      roas: null,
      cpa: null,
      cvr: 0,
      profit: 0,
    });
  });
});

describe('file-wide formats', () => {
  it.each([
    [['2025-11-01', '2025-11-30'], false, 'iso'],
    [['11/05/2025', '11/13/2025'], false, 'MM/DD/YYYY'],
    [['13/05/2025', '01/05/2025'], false, 'DD/MM/YYYY'],
    [['05/06/2025', '07/08/2025'], false, 'MM/DD/YYYY'],
    [['05/06/2025', '07/08/2025'], true, 'DD/MM/YYYY'],
    [['05.11.2025', '30.11.2025'], false, 'DD.MM.YYYY'],
    [['Nov 1, 2025', 'Nov 30, 2025'], false, 'Mon D, YYYY'],
    [['45962', '45991'], false, 'excel-serial'],
    [['2025/11/01', '2025/11/02'], false, 'YYYY/MM/DD'],
  ] as const)('decides %j (European hint %s) as %s for the whole file', (values, european, expected) => {
    const decision = decideDateFormat(values, european);
    const label = decision?.format.kind === 'pattern' ? decision.format.label : decision?.format.kind;
    expect(label).toBe(expected);
  });

  it('flags a day/month order the data cannot decide', () => {
    expect(decideDateFormat(['05/06/2025', '07/08/2025'], false)?.ambiguous).toBe(true);
    expect(decideDateFormat(['05/06/2025', '07/18/2025'], false)?.ambiguous).toBe(false);
  });

  it('reads a decimal comma only when the file uses it consistently', () => {
    expect(decideDecimalMark(['1.234,56', '12,5'])).toBe(',');
    expect(decideDecimalMark(['1,234.56', '12.5'])).toBe('.');
    expect(decideDecimalMark(['1.234,56', '1,234.56'])).toBe('.');
    expect(decideDecimalMark(['10.000', '5.000'])).toBe('.');
  });
});

describe('values and dates end to end', () => {
  let h: AnalysisHarness;
  beforeAll(async () => {
    h = await analysisHarness();
  });
  afterAll(() => h.close());

  it('reads separators, symbols, codes, percentages, null markers and negatives in parentheses', async () => {
    const file = await h.write(
      'values.csv',
      [
        'Date,Campaign,Impressions,Clicks,Spend,Conversions,Revenue',
        '2025-11-01,A,"1,204",12,$10.50,1,"USD 1,000.00"',
        '2025-11-02,A,--,-,($5.00),,€20',
        '2025-11-03,A,1000,N/A,6.58%,2,0',
      ].join('\n'),
    );
    const report = await h.analyze([file]);
    const totals = flatTotals(report);
    expect(totals).toMatchObject({ impressions: 2204, clicks: 12, conversions: 3, revenue: 1020 });
    expect(totals.spend).toBeCloseTo(10.5 - 5 + 6.58, 9);
    expect(report.datasets[0]!.quality.negativeValues).toEqual({ spend: 1 });
    expect(report.datasets[0]!.quality.unparseableValues).toBe(0);
  });

  it('labels every group with the one currency of a currency column, and keeps several apart', async () => {
    const single = await h.write(
      'one-currency.csv',
      'Date,Campaign,Currency,Spend,Clicks\n2025-11-01,A,eur,10,1\n2025-11-02,B,EUR,5,2\n2025-11-02,A,EUR,1,0\n',
    );
    const one = await h.analyze([single]);
    expect(flatTotals(one)).toMatchObject({ currency: 'EUR', spend: 16, clicks: 3 });
    expect(one.breakdowns.campaign).toEqual([
      expect.objectContaining({ campaign: 'A', currency: 'EUR', spend: 11, clicks: 1 }),
      expect.objectContaining({ campaign: 'B', currency: 'EUR', spend: 5, clicks: 2 }),
    ]);
    expect(one.timeSeries.day?.map((point) => [point.period, point.currency, point.spend])).toEqual([
      ['2025-11-01', 'EUR', 10],
      ['2025-11-02', 'EUR', 6],
    ]);

    const mixed = await h.write(
      'two-currencies.csv',
      'Date,Campaign,Currency,Spend\n2025-11-01,A,EUR,10\n2025-11-01,A,USD,4\n2025-11-02,B,USD,5\n',
    );
    const two = await h.analyze([mixed]);
    expect(two.totals.map((row) => [row.currency, row.spend])).toEqual([
      ['EUR', 10],
      ['USD', 9],
    ]);
    expect(two.breakdowns.campaign?.map((row) => [row.campaign, row.currency, row.spend])).toEqual([
      ['A', 'EUR', 10],
      ['B', 'USD', 5],
      ['A', 'USD', 4],
    ]);
    const converted = await h.analyze([mixed], { conversion: { to: 'USD', rates: { EUR: 1.1 } } });
    expect(flatTotals(converted)).toMatchObject({ currency: 'USD', spend: 20 });
  });

  it('analyses several files within a date range by what the range holds, and still reports every file whole', async () => {
    const report = await h.analyze([fixture('meta.csv'), fixture('google-ads.csv')], {
      dateRange: { from: '2025-11-13', to: '2025-11-13' },
    });
    expect(report.datasets.map((dataset) => [dataset.platform, dataset.rows, dataset.currencies])).toEqual([
      ['Meta', 4, ['USD']],
      ['Google Ads', 3, ['EUR']],
    ]);
    // Only the Google Ads row of 13 November is in range: one currency, no reach (a Meta measure).
    const totals = flatTotals(report);
    expect(totals).toMatchObject({ currency: 'EUR', spend: 200, clicks: 200, impressions: 4000 });
    expect(totals).not.toHaveProperty('reach');
    expect(report.breakdowns.campaign?.map((row) => row.campaign)).toEqual(['Generic Search']);
    expect(report.breakdowns).not.toHaveProperty('age');
    expect(report.timeSeries.day?.map((point) => point.period)).toEqual(['2025-11-13']);

    const outside = await h.analyze([fixture('meta.csv')], { dateRange: { from: '2026-01-01' } });
    expect(outside.totals).toEqual([]);
    expect(outside.timeSeries).toEqual({});
  });

  it('reads a file again as text when rows past the sniffed head are messier than the sample', async () => {
    const clean = Array.from({ length: 5000 }, (_, index) => `2025-11-01,Campaign ${index % 7},10,1`);
    const messy = await h.write(
      'messy-tail.csv',
      ['Date,Campaign,Impressions,Spend', ...clean, '2025-11-02,Late,"1,204",$5.00'].join('\n'),
    );
    const tidy = await h.write('tidy.csv', 'Date,Campaign,Impressions,Spend\n2025-11-03,Other,7,2\n');
    for (const files of [[messy], [tidy, messy]]) {
      const report = await h.analyze(files);
      expect(flatTotals(report)).toMatchObject({
        impressions: 50_000 + 1204 + (files.length > 1 ? 7 : 0),
        spend: 5000 + 5 + (files.length > 1 ? 2 : 0),
      });
      expect(report.datasets.map((dataset) => dataset.rows)).toEqual(files.length > 1 ? [1, 5001] : [5001]);
      expect(report.datasets.at(-1)!.quality.unparseableValues).toBe(0);
    }
  });

  it('counts values that are not numbers instead of guessing', async () => {
    const file = await h.write(
      'bad-values.csv',
      'Date,Campaign,Impressions,Spend\n2025-11-01,A,lots,1\n2025-11-02,A,10,abc\n',
    );
    const report = await h.analyze([file]);
    expect(report.datasets[0]!.quality.unparseableValues).toBe(2);
    expect(flatTotals(report)).toMatchObject({ impressions: 10, spend: 1 });
  });

  it.each([
    ['ISO with time', ['2025-11-01 13:45:00', '2025-11-02T08:00:00Z'], ['2025-11-01', '2025-11-02']],
    ['month names', ['"Nov 1, 2025"', '"Nov 2, 2025"'], ['2025-11-01', '2025-11-02']],
    ['Excel serials', ['45962', '45963'], ['2025-11-01', '2025-11-02']],
    ['ranges (start kept)', ['2025-11-01 - 2025-11-07', '2025-11-08 - 2025-11-14'], ['2025-11-01', '2025-11-08']],
    ['dotted day-first', ['01.11.2025', '02.11.2025'], ['2025-11-01', '2025-11-02']],
  ])('reads %s', async (_label, dates, expected) => {
    const file = await h.write(
      `dates-${expected[0]}-${dates[0]!.length}.csv`,
      `Date,Campaign,Spend\n${dates[0]},A,1\n${dates[1]},A,2\n`,
    );
    const report = await h.analyze([file]);
    expect(report.datasets[0]!.dateRange).toEqual({ from: expected[0], to: expected[1] });
    expect(report.timeSeries.day?.map((point) => point.period)).toEqual(expected);
  });

  it('reports quality: totals, blank lines, duplicates, clicks over impressions, conversions over clicks, null rates', async () => {
    const file = await h.write(
      'quality.csv',
      [
        'Date,Campaign,Impressions,Clicks,Conversions,Spend',
        '2025-11-01,A,100,10,1,5',
        '2025-11-01,A,100,10,1,5',
        '2025-11-02,B,10,20,30,5',
        '2025-11-03,,100,1,0,1',
        ',,,,,',
        'Total,,310,41,32,16',
      ].join('\n'),
    );
    const report = await h.analyze([file]);
    const quality = report.datasets[0]!.quality;
    expect(quality).toMatchObject({
      rowsRead: 6,
      rowsKept: 4,
      dropped: { totals: 1, blank: 1, noMeasures: 0 },
      duplicates: 1,
      clicksOverImpressions: 1,
      conversionsOverClicks: 1,
    });
    expect(quality.nullRate.campaign).toBe(0.25);
    expect(quality.warnings.join(' ')).toContain('1 duplicate rows');
    // A campaign called "Total Recall" is data, not a total line.
    const recall = await h.write(
      'recall.csv',
      'Date,Campaign,Spend\n2025-11-01,Total Recall,5\n2025-11-01,Totals:,5\n',
    );
    const recallReport = await h.analyze([recall]);
    expect(recallReport.datasets[0]!.quality).toMatchObject({ rowsKept: 1, dropped: { totals: 1 } });
  });

  it('reads quoted fields with newlines, a BOM, tabs and UTF-16 as Excel writes it', async () => {
    const text = 'Date\tCampaign\tSpend\tClicks\r\n2025-11-01\t"Multi\r\nline"\t10\t1\r\n2025-11-02\tÉté\t5\t2\r\n';
    const utf16 = await h.write('excel.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const bom = await h.write(
      'bom.csv',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text.replace(/\t/g, ','), 'utf8')]),
    );
    for (const file of [utf16, bom]) {
      const report = await h.analyze([file]);
      expect(flatTotals(report)).toMatchObject({ spend: 15, clicks: 3 });
      expect(report.breakdowns.campaign?.map((row) => row.campaign).sort()).toEqual(['Multi\r\nline', 'Été'].sort());
      expect(report.datasets[0]!.mapping.map((column) => column.field)).toEqual([
        'date',
        'campaign',
        'spend',
        'clicks',
      ]);
    }
  });
});
