import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XLSX_LIMITS, xlsxToCsv } from '../../src/analysis/ingest/xlsx.js';
import { AppError } from '../../src/errors.js';
import { fixture } from '../analysis/helpers.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { runCli } from '../helpers/cli.js';
import { bearer, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';
import { multipart } from '../helpers/multipart.js';
import {
  bombWorkbook,
  deflatedEntry,
  HEADER,
  inlineRow,
  sheetXml,
  sparseWorkbook,
  workbookParts,
  zip,
} from '../../bench/workbooks.mjs';

/** A value far right of any export: column 2000 (BXX). */
function wideWorkbook(): Buffer {
  const rows = `${inlineRow(1, HEADER)}<row r="2"><c r="BXX2"><v>1</v></c></row>`;
  return zip([...workbookParts(['Sheet1']), deflatedEntry('xl/worksheets/sheet1.xml', sheetXml(rows))]);
}

const HOSTILE: readonly [string, () => Buffer, RegExp, string | undefined][] = [
  ['a 20-column header and one value at A1048576', sparseWorkbook, /no data rows/, undefined],
  ['a zip bomb of 190 MiB of sheet XML', () => bombWorkbook(190), /zip bomb/, 'xlsxCompressionRatio'],
  ['a zip bomb of 1.9 GiB of sheet XML', () => bombWorkbook(1900), /zip bomb/, 'xlsxCompressionRatio'],
  ['a zip bomb whose directory lies about its size', () => bombWorkbook(190, true), /not a readable XLSX/, undefined],
  ['a value in column 2000', wideWorkbook, /column 2000; at most 1024 columns/, 'xlsxColumns'],
];

describe.each(BACKENDS)('hostile workbooks through the API [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    org = await seedOrg(t, 'bombs');
  }, 120_000);
  afterAll(() => t.dispose());

  async function upload(name: string, content: Buffer) {
    const body = multipart({ name, content });
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...bearer(org.users.analyst.accessToken), ...body.headers },
      payload: body.payload,
    });
  }

  it.each(HOSTILE)(
    'refuses %s with a 422 naming the limit, and the server goes on',
    async (_label, build, detail, limit) => {
      const response = await upload('hostile.xlsx', build());
      expect(response.statusCode).toBe(422);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = response.json<{ detail: string; limit?: string }>();
      expect(problem.detail).toMatch(detail);
      expect(problem.limit).toBe(limit);
      expect(await readdir(t.ctx.layout.tmp)).toEqual(['duckdb']);
      const next = await upload('meta.csv', await readFile(fixture('meta.csv')));
      expect(next.statusCode).toBe(201);
    },
    60_000,
  );
});

describe('hostile workbooks through the CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pca-bombs-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each(HOSTILE)(
    'pca analyze refuses %s with one line',
    async (_label, build, detail) => {
      const file = path.join(dir, 'hostile.xlsx');
      await writeFile(file, build());
      const result = await runCli(['analyze', file], {}, 30_000);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(detail);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    },
    60_000,
  );
});

describe('the streaming workbook reader', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pca-xlsx-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function convert(book: Buffer, limits = XLSX_LIMITS, sheet?: string) {
    const file = path.join(dir, 'book.xlsx');
    const target = path.join(dir, 'sheet.csv');
    await writeFile(file, book);
    const result = await xlsxToCsv(file, target, sheet, limits);
    return { ...result, csv: await readFile(target, 'utf8') };
  }

  it('reads shared and inline strings, dates in either system, numbers, booleans and cached formula results, skipping empty rows', async () => {
    const rows = [
      inlineRow(1, ['Day', 'Campaign', 'Spend', 'Live', 'Note']),
      `<row r="2"><c r="A2" s="1"><v>45962</v></c><c r="B2" t="s"><v>0</v></c><c r="C2" s="2"><v>12.5</v></c><c r="D2" t="b"><v>1</v></c><c r="E2" t="str"><f>A1</f><v>a, "quoted"</v></c></row>`,
      `<row r="900000"><c r="A900000" s="1"><v>45963.5</v></c><c r="B900000" t="inlineStr"><is><r><t>Brand</t></r><r><t xml:space="preserve"> &amp; more</t></r></is></c><c r="C900000"><v>1E-3</v></c><c r="D900000" t="e"><v>#DIV/0!</v></c></row>`,
    ].join('');
    const book = zip([
      ...workbookParts(['Data'], { sharedStrings: ['Prospecting'] }),
      deflatedEntry('xl/worksheets/sheet1.xml', sheetXml(rows)),
    ]);
    const result = await convert(book);
    expect(result.sheets).toEqual([{ name: 'Data', rows: 3 }]);
    expect(result.csv).toBe(
      'Day,Campaign,Spend,Live,Note\n2025-11-01,Prospecting,12.5,true,"a, ""quoted"""\n2025-11-02T12:00:00.000Z,Brand & more,0.001,,\n',
    );

    const old = zip([
      ...workbookParts(['Data'], { date1904: true }),
      deflatedEntry('xl/worksheets/sheet1.xml', sheetXml('<row r="1"><c r="A1" s="1"><v>0</v></c></row>')),
    ]);
    expect((await convert(old)).csv).toBe('1904-01-01\n');
  });

  it('takes its width from the first rows and refuses past the row and cell limits, naming them', async () => {
    const lines = Array.from({ length: 12 }, (_, index) =>
      inlineRow(index + 1, index === 0 ? ['a', 'b', 'c'] : [String(index)]),
    ).join('');
    const book = zip([...workbookParts(['Data']), deflatedEntry('xl/worksheets/sheet1.xml', sheetXml(lines))]);
    expect((await convert(book)).csv.split('\n')[1]).toBe('1,,');
    const refusal = async (limits: typeof XLSX_LIMITS) => {
      try {
        await convert(book, limits);
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        return error as AppError;
      }
      throw new Error('expected a refusal');
    };
    expect((await refusal({ ...XLSX_LIMITS, maxRows: 10 })).extensions).toEqual({ limit: 'xlsxRows', max: 10 });
    expect((await refusal({ ...XLSX_LIMITS, maxCells: 30 })).extensions).toEqual({ limit: 'xlsxCells', max: 30 });
    expect((await refusal({ ...XLSX_LIMITS, maxUnzippedBytes: 1000 })).extensions).toEqual({
      limit: 'xlsxUnzippedBytes',
      max: 1000,
    });
  });

  it('names the sheets it has when asked for one it has not, and skips sheets without values', async () => {
    const book = zip([
      ...workbookParts(['Empty', 'Second']),
      deflatedEntry('xl/worksheets/sheet1.xml', sheetXml('<row r="1"><c r="A1"/></row><row r="5"/>')),
      deflatedEntry('xl/worksheets/sheet2.xml', sheetXml(inlineRow(1, ['x', '<y>']))),
    ]);
    const result = await convert(book);
    expect(result).toMatchObject({
      sheet: 'Second',
      sheets: [
        { name: 'Empty', rows: 0 },
        { name: 'Second', rows: 1 },
      ],
    });
    expect(result.csv).toBe('x,<y>\n');
    await expect(convert(book, XLSX_LIMITS, 'Third')).rejects.toThrow(/no sheet "Third"; it has "Empty", "Second"/);
  });
});
