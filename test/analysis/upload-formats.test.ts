import { readdir, readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deflatedEntry, zip } from '../../bench/workbooks.mjs';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type TestOrg } from '../helpers/identity.js';
import { multipart } from '../helpers/multipart.js';
import { seedOrg } from '../helpers/seed.js';
import { fixture } from './helpers.js';

const ACCEPTED = 'Upload a CSV, TSV or XLSX export from your ad platform.';

/**
 * A compound file (MS-CFB, the container of .xls and .doc) holding empty streams
 * of these names: a header, the directory (four entries a 512-byte sector,
 * chained through the FAT), and one FAT sector after it.
 */
function compoundFile(streams: readonly string[]): Buffer {
  const names = ['Root Entry', ...streams];
  const directorySectors = Math.ceil(names.length / 4);
  const header = Buffer.alloc(512);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(3, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(9, 0x1e);
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(1, 0x2c);
  header.writeUInt32LE(0, 0x30);
  header.writeUInt32LE(0x1000, 0x38);
  header.writeUInt32LE(0xfffffffe, 0x3c);
  header.writeUInt32LE(0xfffffffe, 0x44);
  header.fill(0xff, 0x4c);
  header.writeUInt32LE(directorySectors, 0x4c);
  const directory = Buffer.alloc(directorySectors * 512);
  names.forEach((name, index) => {
    directory.write(name, index * 128, 'utf16le');
    directory.writeUInt16LE((name.length + 1) * 2, index * 128 + 0x40);
    directory[index * 128 + 0x42] = index === 0 ? 5 : 2;
  });
  const fat = Buffer.alloc(512, 0xff);
  for (let sector = 0; sector < directorySectors; sector++)
    fat.writeUInt32LE(sector + 1 < directorySectors ? sector + 1 : 0xfffffffe, sector * 4);
  fat.writeUInt32LE(0xfffffffd, directorySectors * 4);
  return Buffer.concat([header, directory, fat]);
}

const officeZip = (part: string) =>
  zip([
    deflatedEntry('[Content_Types].xml', '<?xml version="1.0"?><Types/>'),
    deflatedEntry(part, '<?xml version="1.0"?><document/>'),
  ]);
const openDocument = (type: string) =>
  zip([deflatedEntry('mimetype', type), deflatedEntry('content.xml', '<?xml version="1.0"?><office:document/>')]);

/** Each refusal: the file's name, its bytes, and what it is said to be before the accepted formats. */
const REFUSED: readonly (readonly [string, string | Buffer, string])[] = [
  ['brief.pdf', '%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'is a PDF document, not a spreadsheet export.'],
  [
    'chart.csv',
    Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]),
    'is a PNG image, not a spreadsheet export.',
  ],
  [
    'photo.jpg',
    Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 2)]),
    'is a JPEG image, not a spreadsheet export.',
  ],
  ['logo.gif', Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(32)]), 'is a GIF image, not a spreadsheet export.'],
  [
    'meta.csv.gz',
    gzipSync('Date,Campaign,Spend\n2025-11-01,Brand,1\n'),
    'is a gzip-compressed file; decompress it first.',
  ],
  ['old.xls', compoundFile(['Workbook']), 'is a legacy Excel workbook (.xls); save it as .xlsx or CSV.'],
  [
    'memo.doc',
    compoundFile(['Data', '1Table', '\u0001CompObj', 'SummaryInformation', 'WordDocument']),
    'is a legacy Word document (.doc), not a spreadsheet export.',
  ],
  ['brief.docx', officeZip('word/document.xml'), 'is a Word document, not a spreadsheet export.'],
  ['deck.pptx', officeZip('ppt/presentation.xml'), 'is a PowerPoint presentation, not a spreadsheet export.'],
  [
    'notes.odt',
    openDocument('application/vnd.oasis.opendocument.text'),
    'is an OpenDocument text document (.odt), not a spreadsheet export.',
  ],
  [
    'budget.ods',
    openDocument('application/vnd.oasis.opendocument.spreadsheet'),
    'is an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV.',
  ],
  [
    'exports.zip',
    zip([deflatedEntry('meta.csv', 'Date,Campaign,Spend\n2025-11-01,Brand,1\n')]),
    'is a ZIP archive that holds no XLSX workbook; if an export is inside, unzip it first.',
  ],
  [
    'report.xls',
    '<!DOCTYPE html>\n<html><body><table><tr><td>Spend</td></tr></table></body></html>\n',
    'is an HTML page, not a spreadsheet export.',
  ],
];

describe.each(BACKENDS)('uploads that are not campaign exports [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;

  beforeAll(async () => {
    t = await createTestApp(backend);
    org = await seedOrg(t, 'formats');
  }, 120_000);
  afterAll(() => t.dispose());

  async function upload(name: string, content: string | Buffer) {
    const body = multipart({ name, content, type: 'application/octet-stream' });
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...bearer(org.users.analyst.accessToken), ...body.headers },
      payload: body.payload,
    });
  }

  /** Everything a refused upload must leave as it was: the dataset list, usage, stored files and temp files. */
  async function state() {
    const [list, usage] = await Promise.all([
      t.app.inject({
        method: 'GET',
        url: '/api/v1/datasets?limit=200',
        headers: bearer(org.users.analyst.accessToken),
      }),
      t.app.inject({
        method: 'GET',
        url: `/api/v1/orgs/${org.orgId}/usage`,
        headers: bearer(org.users.admin.accessToken),
      }),
    ]);
    return {
      datasets: list.json<{ items: { id: string }[] }>().items.map((item) => item.id),
      usage: usage.json<{ usage: Record<string, number> }>().usage,
      stored: await readdir(`${t.ctx.layout.datasets}/${org.orgId}`),
      temp: (await readdir(t.ctx.layout.tmp)).filter((name) => name !== 'duckdb'),
    };
  }

  async function expectRefusal(name: string, content: string | Buffer, detail: string) {
    const response = await upload(name, content);
    expect(response.statusCode, name).toBe(422);
    expect(response.headers['content-type'], name).toMatch(/^application\/problem\+json/);
    expect(response.json<{ detail: string }>().detail).toBe(detail);
  }

  it('refuses documents, images, archives and legacy files by what their content is, changing nothing', async () => {
    expect((await upload('meta.csv', await readFile(fixture('meta.csv')))).statusCode).toBe(201);
    const before = await state();
    expect(before.datasets).toHaveLength(1);
    expect(before.temp).toEqual([]);
    for (const [name, content, what] of REFUSED) await expectRefusal(name, content, `"${name}" ${what} ${ACCEPTED}`);
    expect(await state()).toEqual(before);
  });

  it('refuses text that holds no table, or a single column, changing nothing', async () => {
    const before = await state();
    await expectRefusal(
      'notes.txt',
      'Q4 campaign brief\n\nWe plan to raise the Meta budget by a fifth in November, mostly for prospecting.\n' +
        'The goal is to bring the cost per acquisition below fifteen dollars.\n' +
        'Please review the attached numbers and send feedback by Friday.\n',
      `No table was found in "notes.txt": its lines are sentences, not rows of columns. ${ACCEPTED}`,
    );
    await expectRefusal(
      'spend.csv',
      'Spend\n12.5\n7.25\n3\n',
      `Only one column was found in "spend.csv": no comma, semicolon, tab or | splits its lines into columns. ${ACCEPTED}`,
    );
    await expectRefusal(
      'log.txt',
      'started\nloaded 3, skipped 1\nretry\nwarn: a, b, c\ndone\nclosed\n',
      `No table was found in "log.txt": its lines do not split into the same number of columns with any of comma, semicolon, tab or |. ${ACCEPTED}`,
    );
    expect(await state()).toEqual(before);
  });
});
