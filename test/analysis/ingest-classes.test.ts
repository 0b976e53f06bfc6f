import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchHeader } from '../../src/analysis/ingest/aliases.js';
import { AppError } from '../../src/errors.js';
import { analysisHarness, flatTotals, type AnalysisHarness } from './helpers.js';

/** The classes of fault of issue 13 on the ingest side, each through `analyzeFiles` (what `pca analyze` and uploads run). */
describe('ingest: what real exports got wrong', () => {
  let h: AnalysisHarness;
  beforeAll(async () => {
    h = await analysisHarness();
  });
  afterAll(() => h.close());

  const day = (n: number) => `2025-11-${String(n).padStart(2, '0')}`;

  describe('the row date', () => {
    it('takes "Day" over the report range "Reporting starts"/"Reporting ends", which are listed, not dropped', async () => {
      const rows = Array.from({ length: 30 }, (_, i) => `2025-11-01,2025-11-30,${day(i + 1)},Prospecting,1000,10,5.00`);
      const file = await h.write(
        'meta-daily.csv',
        ['Reporting starts,Reporting ends,Day,Campaign name,Impressions,Link clicks,Amount spent (USD)', ...rows].join(
          '\n',
        ),
      );
      const report = await h.analyze([file]);
      const dataset = report.datasets[0]!;
      expect(dataset.mapping.find((column) => column.field === 'date')?.source).toBe('Day');
      expect(dataset.dateRange).toEqual({ from: '2025-11-01', to: '2025-11-30' });
      expect(report.timeSeries.day).toHaveLength(30);
      expect(dataset.unmapped).toEqual(
        expect.arrayContaining([
          { source: 'Reporting starts', reason: 'range' },
          { source: 'Reporting ends', reason: 'range' },
        ]),
      );
      expect(dataset.quality.warnings.join(' ')).toContain(
        '"Reporting starts" and "Reporting ends" give the report\'s date range (2025-11-01 to 2025-11-30)',
      );
    });

    it('says a per-row "Reporting ends" is each row\'s period, not the report\'s range read off its first row', async () => {
      // Meta's daily export: each row reports one day, in both columns.
      const rows = Array.from({ length: 20 }, (_, i) => `${day(i + 1)},${day(i + 1)},Prospecting,1000,10,5.00`);
      const file = await h.write(
        'meta-daily-campaigns.csv',
        ['Reporting starts,Reporting ends,Campaign name,Impressions,Link clicks,Amount spent (GBP)', ...rows].join(
          '\n',
        ),
      );
      const dataset = (await h.analyze([file])).datasets[0]!;
      expect(dataset.mapping.find((column) => column.field === 'date')?.source).toBe('Reporting starts');
      expect(dataset.dateRange).toEqual({ from: '2025-11-01', to: '2025-11-20' });
      const warnings = dataset.quality.warnings.join(' ');
      expect(warnings).toContain(
        '"Reporting ends" gives each row\'s reporting period, not a date of its own; the row date is "Reporting starts".',
      );
      expect(warnings).not.toContain("report's date range");
    });

    it('takes the column that varies per row over a constant one, and "Starts"/"Ends" never', async () => {
      const file = await h.write(
        'schedule.csv',
        [
          'Starts,Ends,Start time,Campaign,Spend',
          '2025-10-01,2025-12-31,2025-11-03,A,1',
          '2025-10-01,2025-12-31,2025-11-04,A,2',
          '2025-10-01,2025-12-31,2025-11-05,B,3',
        ].join('\n'),
      );
      const dataset = (await h.analyze([file])).datasets[0]!;
      expect(dataset.mapping.find((column) => column.field === 'date')?.source).toBe('Start time');
      expect(dataset.dateRange).toEqual({ from: '2025-11-03', to: '2025-11-05' });
      expect(dataset.unmapped).toEqual(
        expect.arrayContaining([
          { source: 'Starts', reason: 'range' },
          { source: 'Ends', reason: 'range' },
        ]),
      );
    });

    it('falls back to "Reporting starts" when nothing better gives a date', async () => {
      const file = await h.write(
        'meta-range.csv',
        [
          'Reporting starts,Reporting ends,Campaign name,Amount spent (USD)',
          '2025-11-01,2025-11-30,A,10',
          '2025-11-01,2025-11-30,B,20',
        ].join('\n'),
      );
      const dataset = (await h.analyze([file])).datasets[0]!;
      expect(dataset.mapping.find((column) => column.field === 'date')?.source).toBe('Reporting starts');
      expect(dataset.unmapped).toContainEqual({ source: 'Reporting ends', reason: 'range' });
    });
  });

  describe('revenue vocabularies', () => {
    it.each([
      ['TikTok', 'Total Complete Payment'],
      ['TikTok', 'Complete Payment Value'],
      ['TikTok', 'Total Purchase Value'],
      ['Snapchat', 'Purchases Value'],
      ['Snapchat', 'Total Purchases Value'],
      ['Pinterest', 'Total order value (Checkout)'],
      ['LinkedIn', 'Total Conversion Value'],
      ['Reddit', 'Purchase Total Value'],
      ['X Ads', 'Purchases - sale amount'],
      ['Amazon Ads', '14 Day Total Sales'],
      ['Amazon Ads', '7 Day Total Sales'],
      ['Microsoft Ads', 'Revenue'],
      ['Google Ads', 'Conv. value'],
      ['Google Ads', 'All conv. value'],
      ['DV360', 'Total Conversion Value'],
      ['Meta', 'Website purchases conversion value'],
      ['Meta', 'Valeur de conversion des achats'],
    ] as const)('%s "%s" is revenue', (platform, header) => {
      const match = matchHeader(header, platform);
      expect(match.kind === 'field' ? match.alias.field : match.kind).toBe('revenue');
    });

    it.each([
      'Complete Payment ROAS',
      'Cost per Complete Payment',
      'eCPSU',
      'Purchases ROAS',
      'Total Advertising Cost of Sales (ACOS)',
      'Total Return on Advertising Spend (ROAS)',
      'Conv. value / cost',
      'Value / conv.',
      'Cost per Purchase',
      'Kosten pro Ergebnis',
      'Coût par résultat',
      'Coste por resultado',
      '7 Day Conversion Rate',
      'Return on ad spend',
    ])('"%s" is a rate, never summed', (header) => {
      expect(matchHeader(header, 'Unknown').kind).toBe('derived');
    });

    it('reads a TikTok export with "Total Complete Payment" as revenue, so ROAS exists', async () => {
      const file = await h.write(
        'tiktok-shop.csv',
        [
          'By Day,Campaign name,Cost,Impressions,Clicks (destination),Complete Payment,Total Complete Payment,Complete Payment ROAS',
          '2025-11-01,Shop,100.00,10000,200,5,350.00,3.5',
          '2025-11-02,Shop,50.00,5000,100,2,100.00,2.0',
        ].join('\n'),
      );
      const report = await h.analyze([file]);
      expect(report.datasets[0]!.platform).toBe('TikTok');
      expect(flatTotals(report)).toMatchObject({ revenue: 450, conversions: 7, roas: 3 });
      expect(report.datasets[0]!.unmapped).toContainEqual({ source: 'Complete Payment ROAS', reason: 'derived' });
    });
  });

  describe('totals rows without a label', () => {
    const header =
      'Date,Advertiser,Insertion Order,Line Item,Impressions,Clicks,Media Cost (Advertiser Currency),Total Conversions';
    const data = [
      '2025-11-01,Acme,IO A,LI 1,1000,10,40.00,2',
      '2025-11-02,Acme,IO A,LI 2,2500,25,60.00,4',
      '2025-11-03,Acme,IO B,LI 3,2000,20,50.00,1',
    ];

    it('drops the unlabelled line after the data (DV360), counting it as a total', async () => {
      const file = await h.write(
        'dv360-totals.csv',
        [header, ...data, ',,,,5500,55,150.00,7', '', 'Report Time:,2025/11/04 10:00', 'Group By:,Date'].join('\n'),
      );
      const report = await h.analyze([file]);
      const dataset = report.datasets[0]!;
      expect(dataset.platform).toBe('DV360');
      expect(dataset.rows).toBe(3);
      expect(dataset.quality.dropped.totals).toBe(1);
      expect(flatTotals(report)).toMatchObject({ impressions: 5500, clicks: 55, spend: 150, conversions: 7 });
      expect(report.breakdowns.platform).toHaveLength(1);
      expect(report.currencies).toHaveLength(1);
    });

    it('drops an unlabelled line that sums the others wherever it stands, and keeps one that does not', async () => {
      const atTop = await h.write('sum-first.csv', [header, ',,,,5500,55,150.00,7', ...data].join('\n'));
      const top = await h.analyze([atTop]);
      expect(top.datasets[0]!.quality.dropped.totals).toBe(1);
      expect(flatTotals(top)).toMatchObject({ impressions: 5500, spend: 150 });
      const stray = await h.write('stray.csv', [header, data[0], ',,,,500,5,7.00,0', data[1], data[2]].join('\n'));
      const kept = await h.analyze([stray]);
      expect(kept.datasets[0]!.rows).toBe(4);
      expect(kept.datasets[0]!.quality.dropped.totals).toBe(0);
    });

    it('warns when one kept row holds half of a measure (a totals line that looks like data)', async () => {
      const file = await h.write(
        'labelled-sum.csv',
        [header, ...data, '2025-11-03,Acme,All,All,5500,55,150.00,7'].join('\n'),
      );
      const dataset = (await h.analyze([file])).datasets[0]!;
      expect(dataset.quality.suspectedTotals).toEqual(expect.arrayContaining(['impressions', 'spend']));
      expect(dataset.quality.warnings.join(' ')).toMatch(/holds about half of the file's .*spend/);
      const honest = (await h.analyze([await h.write('honest.csv', [header, ...data].join('\n'))])).datasets[0]!;
      expect(honest.quality.suspectedTotals).toEqual([]);
    });

    it('does not take two equal values for a total when the other rows leave the measure empty', async () => {
      const file = await h.write(
        'sparse.csv',
        ['Date,Campaign,Impressions,Spend', '2025-11-01,A,1000,10', '2025-11-02,B,,20', '2025-11-03,C,1000,40'].join(
          '\n',
        ),
      );
      expect((await h.analyze([file])).datasets[0]!.quality.suspectedTotals).toEqual([]);
    });
  });

  describe('programmatic vocabularies and platform detection', () => {
    it('maps DV360 insertion orders to campaigns, line items to ad groups, advertisers to accounts', async () => {
      const file = await h.write(
        'dv360-io.csv',
        [
          'Date,Advertiser,Campaign,Insertion Order,Line Item,Impressions,Clicks,Media Cost (Advertiser Currency)',
          '2025-11-01,Acme,Q4,IO Prospecting,LI Video,1000,5,10',
          '2025-11-01,Acme,Q4,IO Retargeting,LI Display,2000,8,20',
        ].join('\n'),
      );
      const report = await h.analyze([file]);
      const mapping = Object.fromEntries(report.datasets[0]!.mapping.map((column) => [column.source, column.field]));
      expect(mapping).toMatchObject({ Advertiser: 'account', 'Insertion Order': 'campaign', 'Line Item': 'ad_group' });
      expect(report.datasets[0]!.unmapped).toContainEqual({ source: 'Campaign', reason: 'duplicate' });
      expect(report.breakdowns.campaign!.map((row) => row.campaign).sort()).toEqual([
        'IO Prospecting',
        'IO Retargeting',
      ]);
    });

    it('maps CM360 placements to ad groups and sites to placements', async () => {
      const file = await h.write(
        'cm360-sites.csv',
        [
          'Date,Advertiser,Campaign,Site (CM360),Placement,Creative,Impressions,Clicks,Media Cost,Total Conversions',
          '2025-11-01,Acme,Q4,news.example,Homepage 300x250,Banner A,1000,4,10,1',
        ].join('\n'),
      );
      const dataset = (await h.analyze([file])).datasets[0]!;
      expect(dataset.platform).toBe('CM360');
      expect(Object.fromEntries(dataset.mapping.map((column) => [column.source, column.field]))).toMatchObject({
        Campaign: 'campaign',
        'Site (CM360)': 'placement',
        Placement: 'ad_group',
        Creative: 'ad',
      });
    });

    it.each([
      [
        'reddit.csv',
        'Date,Campaign Name,Ad Group Name,Community,Impressions,Clicks,eCPM,Amount Spent (USD),Purchases,Purchase Total Value\n2025-11-01,A,B,r/running,1000,10,5.00,5.00,1,40.00',
        'Reddit',
      ],
      [
        'x.csv',
        'Time,Campaign,Campaign start date,Campaign end date,Spend,Impressions,Engagements,Billed engagements,Clicks\n2025-11-01,A,2025-10-01,2025-12-31,5.00,1000,30,10,12',
        'X Ads',
      ],
      [
        'amazon.csv',
        'Date,Portfolio name,Currency,Campaign Name,Ad Group Name,Advertised SKU,Advertised ASIN,Impressions,Clicks,Spend,14 Day Total Sales ,Total Advertising Cost of Sales (ACOS) ,14 Day Total Orders (#)\n2025-11-01,P,USD,A,B,SKU1,B000TEST01,1000,10,5.00,40.00,12.50%,2',
        'Amazon Ads',
      ],
    ])('recognises %s as %s', async (name, content, platform) => {
      const dataset = (await h.analyze([await h.write(name, content)])).datasets[0]!;
      expect(dataset.platform).toBe(platform);
      expect(dataset.platformConfidence).toBeGreaterThanOrEqual(0.5);
      expect(dataset.mapping.map((column) => column.field)).toContain('spend');
    });
  });

  describe('mapping overrides', () => {
    const content = ['Date,Day,Campaign,Spend', '2025-10-01,2025-11-01,A,10', '2025-10-02,2025-11-02,A,20'].join('\n');

    it('lets a user mapping win its field and displaces the column that held it', async () => {
      const file = await h.write('override.csv', content);
      const dataset = (await h.analyze([file], { mapping: { Day: 'date' } })).datasets[0]!;
      expect(dataset.mapping.find((column) => column.field === 'date')?.source).toBe('Day');
      expect(dataset.unmapped).toContainEqual({ source: 'Date', reason: 'displaced' });
      expect(dataset.dateRange).toEqual({ from: '2025-11-01', to: '2025-11-02' });
    });

    it.each([
      [{ Nope: 'date' }, /"Nope", which is not a column/],
      [{ Date: 'date', Day: 'date' }, /date to "Date" and "Day"/],
    ] as const)('refuses %j with a validation error that says why', async (mapping, message) => {
      const file = await h.write('override-bad.csv', content);
      const error = await h.analyze([file], { mapping }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).kind).toBe('validation');
      expect((error as AppError).message).toMatch(message);
    });

    it('warns when the currency given contradicts the file (its currency column, or its headers)', async () => {
      const column = await h.write(
        'currency-column.csv',
        'Date,Campaign,Spend,Currency\n2025-11-01,A,10,USD\n2025-11-02,B,5,USD\n',
      );
      const fromColumn = (await h.analyze([column], { currency: 'EUR' })).datasets[0]!;
      expect(fromColumn.currencies).toEqual(['USD']);
      expect(fromColumn.quality.warnings.join(' ')).toContain(
        "currency given at upload (EUR) contradicts the file's currency column (USD)",
      );
      const agreeing = (await h.analyze([column], { currency: 'USD' })).datasets[0]!;
      expect(agreeing.quality.warnings.join(' ')).not.toContain('contradicts');
      const header = await h.write('currency-header.csv', 'Date,Campaign,Amount spent (USD)\n2025-11-01,A,10\n');
      expect((await h.analyze([header], { currency: 'EUR' })).datasets[0]!.quality.warnings.join(' ')).toContain(
        '(EUR) contradicts the file, whose headers state USD',
      );
    });

    it('warns about duplicate header names', async () => {
      const file = await h.write('dupes.csv', 'Date,Campaign,Clicks,Spend,Clicks\n2025-11-01,A,5,10,7\n');
      const dataset = (await h.analyze([file])).datasets[0]!;
      expect(dataset.quality.warnings.join(' ')).toContain('Duplicate header names: "Clicks" (columns 3, 5)');
    });
  });

  describe('bad values', () => {
    it('counts every unreadable or out-of-range value (NaN, Infinity, 1e309, text) and sums none of them', async () => {
      const file = await h.write(
        'bad-values.csv',
        [
          'Date,Campaign,Impressions,Clicks,Spend',
          '2025-11-01,A,1000,NaN,10',
          '2025-11-02,A,Infinity,5,1e309',
          '2025-11-03,A,-1e400,abc,-5',
          '2025-11-04,A,NaN,NaN,NaN',
          '2025-11-05,A,500,5,n/a',
        ].join('\n'),
      );
      const report = await h.analyze([file]);
      const quality = report.datasets[0]!.quality;
      expect(quality.unparseableValues).toBe(8);
      expect(quality.dropped.noMeasures).toBe(1);
      expect(quality.negativeValues).toEqual({ spend: 1 });
      expect(flatTotals(report)).toMatchObject({ impressions: 1500, clicks: 10, spend: 5 });
    });

    it('also when the typed reader takes them, past a clean head of the file', async () => {
      const clean = Array.from({ length: 1500 }, () => '2025-11-01,A,100,1,1.5');
      const file = await h.write(
        'typed-bad.csv',
        ['Date,Campaign,Impressions,Clicks,Spend', ...clean, '2025-11-02,A,NaN,1,inf', '2025-11-02,A,1e309,1,2'].join(
          '\n',
        ),
      );
      const report = await h.analyze([file]);
      expect(report.datasets[0]!.quality.unparseableValues).toBe(3);
      expect(flatTotals(report)).toMatchObject({ impressions: 150_000, clicks: 1502, spend: 2252 });
    });
  });
});
