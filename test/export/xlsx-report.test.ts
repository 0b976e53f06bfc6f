import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisReport, ReportRow } from '../../src/analysis/report/report.js';
import { reportWorkbook } from '../../src/reports/xlsx-report.js';
import { harnessForSuite } from '../analysis/helpers.js';

/** Two currencies, fractional conversions, ad groups and video views: every kind of figure a workbook formats. */
const CSV = [
  'Date,Platform,Campaign,Ad group,Currency,Impressions,Reach,Clicks,Spend,Conversions,Revenue,Video views',
  '2025-11-01,Meta,Prospecting,Broad,USD,120000,40000,2400,1234.5678,12.5,4321.1,5000',
  '2025-11-02,Meta,Prospecting,Lookalike,USD,80000,30000,1100,800.25,7,2100,2500',
  '2025-11-03,Google Ads,Brand,Exact,EUR,50000,,3000,950,40,6000,0',
  '2025-11-10,Google Ads,Brand,Phrase,EUR,20000,,700,300.5,9,1500,0',
].join('\n');

async function open(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  return book;
}

function headers(sheet: ExcelJS.Worksheet): string[] {
  return (sheet.getRow(1).values as unknown[]).slice(1) as string[];
}

/** The cell of `row` (1 is the header) under the header `label`. */
function cellAt(sheet: ExcelJS.Worksheet, row: number, label: string): ExcelJS.Cell {
  const column = headers(sheet).indexOf(label);
  if (column < 0) throw new Error(`no column "${label}" in ${sheet.name}: ${headers(sheet).join(', ')}`);
  return sheet.getRow(row).getCell(column + 1);
}

/** The data row of a sheet whose `label` cell holds `value`. */
function rowWhere(sheet: ExcelJS.Worksheet, label: string, value: string): number {
  for (let row = 2; row <= sheet.rowCount; row++) if (cellAt(sheet, row, label).value === value) return row;
  throw new Error(`no row with ${label} = ${value} in ${sheet.name}`);
}

function minimalReport(breakdowns: Record<string, ReportRow[]>): AnalysisReport {
  return {
    generatedAt: '2026-11-26T00:00:00.000Z',
    datasets: [],
    rows: 1,
    dateRange: { from: null, to: null },
    currencies: ['USD'],
    totals: [{ currency: 'USD', spend: 10 }],
    breakdowns,
    timeSeries: {},
  };
}

describe('the XLSX report of an analysis', () => {
  const h = harnessForSuite();
  let report: AnalysisReport;
  let book: ExcelJS.Workbook;

  beforeAll(async () => {
    report = await h.analyze([await h.write('mixed.csv', CSV)]);
    book = await open(await reportWorkbook(report, { summary: null, items: [] }));
  });

  it('names its sheets for people: breakdowns by their label, series by their period, the words last', () => {
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual([
      'Summary',
      'Totals',
      ...Object.keys(report.breakdowns).map((name) => `By ${name === 'ad_group' ? 'ad group' : name}`),
      'Daily',
      'Weekly',
      'Monthly',
      'Quality',
      'Executive summary',
      'Insights',
      'Recommendations',
      'Anomalies',
    ]);
    expect(book.getWorksheet('By ad group')).toBeDefined();
  });

  it('heads every table with the labels people read, never the keys', () => {
    const adGroups = headers(book.getWorksheet('By ad group')!);
    expect(adGroups.slice(0, 2)).toEqual(['Ad group', 'Currency']);
    expect(adGroups).toEqual(
      expect.arrayContaining(['Spend', 'Video views', 'CTR', 'CPA', 'ROAS', 'CVR', 'Frequency', 'Revenue coverage']),
    );
    expect(headers(book.getWorksheet('Daily')!)[0]).toBe('Period');
    for (const sheet of book.worksheets.filter((sheet) => !['Summary', 'Executive summary'].includes(sheet.name)))
      for (const header of headers(sheet))
        expect(header, `${sheet.name}: ${header}`).toMatch(/^[A-Z](?![^_]*_)(?!.*[a-z][A-Z])/);
    expect(headers(book.getWorksheet('Quality')!)).toEqual([
      'File',
      'Rows read',
      'Rows kept',
      'Totals rows dropped',
      'Blank rows dropped',
      'Rows without figures dropped',
      'Duplicate rows',
      'Rows with more clicks than impressions',
      'Rows with more conversions than clicks',
      'Unreadable values',
      'Rows without a date',
    ]);
    // A kind of item with none still has its header.
    expect(headers(book.getWorksheet('Insights')!)).toEqual([
      'Rank',
      'Priority',
      'Category',
      'Title',
      'Details',
      'Evidence',
    ]);
  });

  it('formats money in its row’s currency, counts, percentages and ratios, while every figure stays a number', () => {
    const sheet = book.getWorksheet('By ad group')!;
    const broad = rowWhere(sheet, 'Ad group', 'Broad');
    const exact = rowWhere(sheet, 'Ad group', 'Exact');
    const stored = report.breakdowns.ad_group!.find((row) => row.ad_group === 'Broad')!;

    expect(cellAt(sheet, broad, 'Spend').value).toBe(1234.57);
    expect(cellAt(sheet, broad, 'Spend').numFmt).toBe('#,##0.00 "USD"');
    expect(cellAt(sheet, exact, 'Spend').numFmt).toBe('#,##0.00 "EUR"');
    expect(cellAt(sheet, exact, 'CPA').numFmt).toBe('#,##0.00 "EUR"');
    expect(cellAt(sheet, broad, 'Impressions').numFmt).toBe('#,##0');
    expect(cellAt(sheet, broad, 'Conversions').value).toBe(12.5);
    expect(cellAt(sheet, broad, 'Conversions').numFmt).toBe('#,##0.0');
    expect(cellAt(sheet, exact, 'Conversions').numFmt).toBe('#,##0');
    // CTR is stored as a percentage (2 means 2 %): the cell keeps it, the format only adds the sign.
    expect(cellAt(sheet, broad, 'CTR').value).toBe(stored.ctr);
    expect(stored.ctr).toBe(2);
    expect(cellAt(sheet, broad, 'CTR').numFmt).toBe('0.00"%"');
    expect(cellAt(sheet, broad, 'CVR').numFmt).toBe('0.00"%"');
    expect(cellAt(sheet, broad, 'ROAS').numFmt).toBe('0.00');
    expect(cellAt(sheet, broad, 'Frequency').numFmt).toBe('0.00');
    expect(cellAt(sheet, broad, 'Revenue coverage').numFmt).toBe('0%');

    for (const label of ['Spend', 'Impressions', 'Conversions', 'CTR', 'ROAS', 'Revenue'])
      for (let row = 2; row <= sheet.rowCount; row++) expect(typeof cellAt(sheet, row, label).value).toBe('number');
    expect(cellAt(sheet, broad, 'Ad group').numFmt).toBeUndefined();
    expect(cellAt(book.getWorksheet('Quality')!, 2, 'Rows read').numFmt).toBe('#,##0');
  });

  it('keeps one totals row per currency, each in its own currency', () => {
    const totals = book.getWorksheet('Totals')!;
    expect(totals.rowCount).toBe(3);
    for (const row of [2, 3])
      expect(cellAt(totals, row, 'Spend').numFmt).toBe(`#,##0.00 "${cellAt(totals, row, 'Currency').value as string}"`);
  });

  it('has a bold frozen header, an autofilter over the table and columns sized to their content', () => {
    const sheet = book.getWorksheet('By ad group')!;
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const lastColumn = sheet.getColumn(headers(sheet).length).letter;
    expect(sheet.autoFilter).toBe(`A1:${lastColumn}${sheet.rowCount}`);
    const widths = headers(sheet).map((_, index) => sheet.getColumn(index + 1).width!);
    for (const width of widths) expect(width).toBeGreaterThanOrEqual(8);
    for (const width of widths) expect(width).toBeLessThanOrEqual(60);
    // The longest ad group ("Lookalike") and the longest money ("1,234.57 USD") set their widths, with a margin.
    expect(sheet.getColumn(1).width).toBe('Lookalike'.length + 2);
    expect(sheet.getColumn(headers(sheet).indexOf('Spend') + 1).width).toBeGreaterThanOrEqual('1,234.57 USD'.length);
  });

  it('wraps text too long for the widest column in rows tall enough to show it', async () => {
    const sentence = 'A long finding about a campaign that keeps going '.repeat(4);
    const words = await open(
      await reportWorkbook(minimalReport({}), {
        summary: null,
        items: [
          {
            kind: 'insight',
            rank: 1,
            priority: 'high',
            category: 'budget_shift',
            ruleId: 'r',
            title: 'Shift budget',
            sentence,
            evidence: { figures: {} },
            payload: {},
          } as never,
        ],
      }),
    );
    const insights = words.getWorksheet('Insights')!;
    expect(cellAt(insights, 2, 'Category').value).toBe('budget shift');
    const details = insights.getColumn(headers(insights).indexOf('Details') + 1);
    expect(details.width).toBe(60);
    expect(cellAt(insights, 2, 'Details').alignment).toMatchObject({ wrapText: true });
    // A viewer keeps a row's stored height: four lines of 60 characters need four lines' height.
    expect(sentence.length).toBe(196);
    expect(insights.getRow(2).height).toBe(4 * 15);
    expect(cellAt(insights, 2, 'Title').alignment).toMatchObject({ vertical: 'top' });
    expect(cellAt(insights, 2, 'Rank').numFmt).toBe('#,##0');
  });

  it("titles the first sheet with the analysis's name and period, or says what it is without a name", async () => {
    const title = async (content?: { title?: string }) =>
      (await open(await reportWorkbook(report, content && { summary: null, items: [], ...content })))
        .getWorksheet('Summary')!
        .getCell('A1').value;
    expect(await title({ title: 'November campaigns' })).toBe('November campaigns · Nov 1 – 10, 2025');
    expect(await title({ title: '=HYPERLINK("x")' })).toBe(`'=HYPERLINK("x") · Nov 1 – 10, 2025`);
    expect(await title()).toBe('PCA Agent — campaign analysis · Nov 1 – 10, 2025');
    const undated = await open(await reportWorkbook(minimalReport({}), { title: ' ', summary: null, items: [] }));
    expect(undated.getWorksheet('Summary')!.getCell('A1').value).toBe('PCA Agent — campaign analysis');
  });

  it('gives colliding and overlong names distinct valid sheets instead of failing', async () => {
    const rows: ReportRow[] = [{ currency: 'USD', spend: 1 }];
    const long = `placement_${'x'.repeat(40)}`;
    const colliding = await open(
      await reportWorkbook(
        minimalReport({ ad_group: rows, 'ad group': rows, [`${long}_a`]: rows, [`${long}_b`]: rows, 'a/b:c': rows }),
      ),
    );
    const names = colliding.worksheets.map((sheet) => sheet.name);
    expect(names.slice(2, 7)).toEqual([
      'By ad group',
      'By ad group (2)',
      `By placement ${'x'.repeat(18)}`,
      `By placement ${'x'.repeat(14)} (2)`,
      'By a b c',
    ]);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(31);
  });

  it('shows a currency that could break a number format in its column, not in the format', async () => {
    const odd = await open(await reportWorkbook({ ...minimalReport({}), totals: [{ currency: 'U"S', spend: 5 }] }));
    const totals = odd.getWorksheet('Totals')!;
    expect(cellAt(totals, 2, 'Spend').numFmt).toBe('#,##0.00');
    expect(cellAt(totals, 2, 'Currency').value).toBe('U"S');
  });
});
