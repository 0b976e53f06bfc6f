import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { analysisHarness, fixture, flatTotals, type AnalysisHarness } from './helpers.js';
import { CLI, childEnv, runCli } from '../helpers/cli.js';

async function workbook(sheets: Record<string, unknown[][]>): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const sheet = book.addWorksheet(name);
    for (const row of rows) sheet.addRow(row);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('files that are not what they should be', () => {
  let h: AnalysisHarness;
  beforeAll(async () => {
    h = await analysisHarness();
  });
  afterAll(() => h.close());

  async function refusal(file: string, name?: string): Promise<AppError> {
    try {
      await h.analyze([file], name ? {} : {});
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).kind).toBe('unprocessable');
      return error as AppError;
    }
    throw new Error('expected a refusal');
  }

  it.each([
    ['an empty file', 'empty.csv', '', /empty/],
    ['whitespace only', 'blank.csv', '\n\n   \n', /no content/],
    ['binary garbage', 'garbage.csv', randomBytes(4096), /binary/],
    ['no recognisable measure', 'nomeasure.csv', 'Name,Colour,Size\na,red,1\nb,blue,2\n', /No recognisable measure/],
    ['a header and nothing else', 'header-only.csv', 'Date,Campaign,Spend\n', /no data rows/],
    ['only a total line', 'total-only.csv', 'Date,Campaign,Spend\nTotal,,5\n', /no data rows/],
    ['an .xlsx that is a CSV', 'fake.xlsx', 'Date,Spend\n2025-11-01,1\n', /not an XLSX/],
  ])('refuses %s with a clear message', async (_label, name, content, message) => {
    const error = await refusal(await h.write(name, content));
    expect(error.message).toMatch(message);
  });

  it('refuses a workbook named .csv', async () => {
    const book = await workbook({
      Data: [
        ['Date', 'Spend'],
        ['2025-11-01', 1],
      ],
    });
    const error = await refusal(await h.write('actually.csv', book));
    expect(error.message).toBe(
      '"actually.csv" is an XLSX workbook, not .csv text; rename it to .xlsx. Upload a CSV, TSV or XLSX export from your ad platform.',
    );
  });

  it('reads XLSX: lists every sheet, takes the first with data or the one asked for', async () => {
    const book = await workbook({
      Notes: [],
      Meta: [
        ['Reporting starts', 'Campaign name', 'Ad set name', 'Impressions', 'Amount spent (USD)', 'Link clicks'],
        [new Date(Date.UTC(2025, 10, 1)), 'Prospecting', 'Broad', 1000, 12.5, 10],
        [new Date(Date.UTC(2025, 10, 2)), '=HYPERLINK("x")', 'Broad', 3000, 7.5, 20],
      ],
      Google: [
        ['Day', 'Campaign', 'Impr.', 'Cost', 'Clicks', 'Avg. CPC', 'Conv.'],
        ['2025-11-05', 'Brand', 500, 5, 50, 0.1, 2],
      ],
    });
    const file = await h.write('export.xlsx', book);
    const first = await h.analyze([file]);
    expect(first.datasets[0]).toMatchObject({ format: 'xlsx', sheet: 'Meta', platform: 'Meta' });
    expect(first.datasets[0]!.sheets?.map((sheet) => sheet.name)).toEqual(['Notes', 'Meta', 'Google']);
    expect(flatTotals(first)).toMatchObject({ impressions: 4000, spend: 20, clicks: 30, currency: 'USD' });
    expect(first.dateRange).toEqual({ from: '2025-11-01', to: '2025-11-02' });
    const google = await h.analyze([file], { sheet: 'Google' });
    expect(google.datasets[0]).toMatchObject({ sheet: 'Google', platform: 'Google Ads', rows: 1 });
    await expect(h.analyze([file], { sheet: 'Nope' })).rejects.toThrow(/no sheet "Nope"/);
  });
});

describe('pca analyze', () => {
  it('prints one JSON object with datasets, totals and breakdowns', async () => {
    const result = await runCli(['analyze', fixture('meta.csv'), fixture('google-ads.csv'), '--format', 'json'], {});
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      datasets: {
        file: string;
        platform: string;
        rows: number;
        dateRange: object;
        currencies: string[];
        mapping: unknown[];
        quality: object;
      }[];
      totals: Record<string, string | number | null>[];
      breakdowns: Record<string, Record<string, unknown>[]>;
    };
    expect(report.datasets.map((dataset) => [dataset.platform, dataset.rows])).toEqual([
      ['Meta', 4],
      ['Google Ads', 3],
    ]);
    for (const dataset of report.datasets) {
      for (const key of ['file', 'platform', 'rows', 'dateRange', 'currencies', 'mapping', 'quality'])
        expect(dataset).toHaveProperty(key);
    }
    expect(report.totals.map((row) => row.currency)).toEqual(['EUR', 'USD']);
    for (const key of [
      'impressions',
      'clicks',
      'spend',
      'conversions',
      'revenue',
      'ctr',
      'cpc',
      'cpm',
      'cpa',
      'roas',
      'cvr',
    ]) {
      expect(report.totals.find((row) => row.currency === 'USD')).toHaveProperty(key);
    }
    expect(report.breakdowns.platform?.map((row) => row.platform).sort()).toEqual(['Google Ads', 'Meta']);
    expect(report.breakdowns.campaign?.length).toBe(4);
  });

  it('filters by date, groups by pairs, and prints a readable report', async () => {
    const result = await runCli(
      [
        'analyze',
        fixture('meta.csv'),
        '--group-by',
        'campaign,age:gender',
        '--from',
        '2025-11-02',
        '--to',
        '2025-11-02',
      ],
      {},
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Platform: Meta');
    expect(result.stdout).toMatch(/Platform: Meta .* · All \d+ rows kept\./);
    expect(result.stdout).toContain('By campaign');
    expect(result.stdout).toContain('By age × gender');
    expect(result.stdout).toContain('Retargeting');
    expect(result.stdout).not.toMatch(/Prospecting - Broad\s+\d/);
  });

  it('writes Markdown and a workbook whose text cells cannot run as formulas', async () => {
    const h = await analysisHarness();
    try {
      const source = await h.write(
        'hostile.csv',
        'Date,Campaign,Spend\n2025-11-01,"=HYPERLINK(""http://evil"")",5\n2025-11-02,+cmd,3\n',
      );
      const md = await runCli(['analyze', source, '--format', 'md'], {});
      expect(md.stdout).toMatch(/^# PCA Agent/);
      expect(md.stdout).toContain('| Campaign |');
      const out = `${h.dir}/report.xlsx`;
      const xlsx = await runCli(['analyze', source, '--format', 'xlsx', '--out', out], {});
      expect(xlsx.code).toBe(0);
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(out);
      const sheet = book.getWorksheet('By campaign')!;
      const cells = sheet.getColumn(1).values.filter((value): value is string => typeof value === 'string');
      expect(cells).toContain('\'=HYPERLINK("http://evil")');
      expect(cells).toContain("'+cmd");
      const noOut = await runCli(['analyze', source, '--format', 'xlsx'], {});
      expect(noOut.code).not.toBe(0);
    } finally {
      await h.close();
    }
  });

  it('ends quietly when its reader stops early (`pca analyze … | head`)', async () => {
    const h = await analysisHarness();
    try {
      // Thousands of campaigns: far more JSON than a pipe holds, so the CLI is still writing when the pipe closes.
      const rows = Array.from({ length: 5_000 }, (_, i) => `2025-11-01,Meta,Campaign ${i},1000,10,5`);
      const file = await h.write('many.csv', ['Date,Platform,Campaign,Impressions,Clicks,Spend', ...rows].join('\n'));
      const child = spawn(process.execPath, [CLI, 'analyze', file, '--format', 'json'], {
        env: childEnv({}),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).toBe('');
      expect(code).toBe(0);
    } finally {
      await h.close();
    }
  });

  it('exits non-zero with one clear line for a file it cannot read', async () => {
    const missing = await runCli(['analyze', '/nonexistent/export.csv'], {});
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^pca: .*export\.csv/);
    const h = await analysisHarness();
    try {
      const empty = await runCli(['analyze', await h.write('empty.csv', '')], {});
      expect(empty.stderr).toBe('pca: The file is empty.\n');
      const badGroup = await runCli(['analyze', fixture('meta.csv'), '--group-by', 'planet'], {});
      expect(badGroup.stderr).toMatch(/^pca: --group-by: "planet" is not a dimension/);
    } finally {
      await h.close();
    }
  });
});
