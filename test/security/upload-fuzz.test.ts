import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSource } from '../../src/analysis/ingest/ingest.js';
import { AppError } from '../../src/errors.js';
import { deflatedEntry, inlineRow, sheetXml, workbookParts, zip } from '../../bench/workbooks.mjs';

/** Malformed CSV and XLSX files: truncations, random bytes, wrong encodings, giant cells, odd sheets. */
const csvText = fc
  .array(fc.array(fc.string({ maxLength: 20 }), { maxLength: 8 }), { maxLength: 20 })
  .map((rows) => rows.map((row) => row.join(',')).join('\n'));
const malformed = fc.oneof(
  csvText.map((text) => ({ name: 'f.csv', bytes: Buffer.from(`Date,Campaign,Spend\n${text}`) })),
  fc.uint8Array({ maxLength: 4096 }).map((bytes) => ({ name: 'f.csv', bytes: Buffer.from(bytes) })),
  csvText.map((text) => ({ name: 'f.csv', bytes: Buffer.from(`\ufeffDate;Spend\n${text}`, 'utf16le') })),
  fc.integer({ min: 1, max: 200_000 }).map((size) => ({
    name: 'f.csv',
    bytes: Buffer.from(`Date,Campaign,Spend\n2025-11-01,"${'x'.repeat(size)}",1\n`),
  })),
  fc
    .tuple(
      fc.array(fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }), { maxLength: 10 }),
      fc.integer({ min: 0, max: 100 }),
    )
    .map(([rows, cut]) => {
      const xml = sheetXml(rows.map((row, index) => inlineRow(index * 1000 + 1, row)).join(''));
      const book = zip([...workbookParts(['S']), deflatedEntry('xl/worksheets/sheet1.xml', xml)]);
      return { name: 'f.xlsx', bytes: cut === 0 ? book : book.subarray(0, Math.floor((book.length * cut) / 100)) };
    }),
);

describe('malformed uploads, generated', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pca-fuzz-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('are read or refused with a 4xx-kind AppError, leaving no file behind (200 cases)', async () => {
    await fc.assert(
      fc.asyncProperty(malformed, async ({ name, bytes }) => {
        const file = path.join(dir, name);
        const work = await mkdtemp(path.join(dir, 'work-'));
        await writeFile(file, bytes);
        try {
          const { close } = await openSource({ file, originalName: name, tmpDir: work });
          await close();
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
          expect(['unprocessable', 'validation']).toContain((error as AppError).kind);
        }
        expect(await readdir(work)).toEqual([]);
        await rm(work, { recursive: true });
      }),
      { numRuns: 200, seed: 14 },
    );
  }, 120_000);
});
