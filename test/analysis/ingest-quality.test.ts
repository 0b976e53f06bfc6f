import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ingest, type IngestTarget } from '../../src/analysis/ingest/ingest.js';
import { harnessForSuite } from './helpers.js';

/**
 * An upload measures a file's quality in several scans of its table (`summariseRelation`), `pca analyze` in
 * one statement (`qualitySql`): both must report the same counts, warnings and profile.
 */
describe('the quality report of an upload', () => {
  // Two threads, so a reordering of the staged lines across DuckDB's threads would show.
  const h = harnessForSuite({ threads: 2 });

  /** The lines staged in a temp table (`pca ask`) or in a Parquet file (uploads); with the data rows read back. */
  const targets = {
    table: (): IngestTarget => ({ kind: 'table', name: 'upload' }),
    parquet: (): IngestTarget => ({ kind: 'parquet', file: path.join(h.dir, `lines-${randomUUID()}.parquet`) }),
  };
  const uploaded = (file: string, target: keyof typeof targets = 'parquet') =>
    h.duck.withConnection(async (connection) => {
      const result = await ingest(connection, targets[target](), { file, originalName: 'export.csv', tmpDir: h.dir });
      return { ...result, rows: await connection.rows(`SELECT * FROM ${result.relation}`) };
    });

  const files: Record<string, string[]> = {
    'totals, blanks, lines without measures, duplicates, unreadable and negative values (read as text)': [
      'Date,Platform,Campaign,Impressions,Clicks,Conversions,Spend,Currency',
      '2025-11-01,facebook,A,100,10,1,5,usd',
      '2025-11-01,facebook,A,100,10,1,5,usd',
      '2025-11-01,facebook,A,100,10,1,5,usd',
      '2025-11-02,Google Ads,B,10,20,30,-5,EUR',
      '2025-11-03,Google Ads,,100,abc,0,1,EUR',
      '2025-11-04,Bing,C,,,,,EUR',
      '2025-11-05,TikTok,D,NaN,1e309,2,3,EUR',
      ',,,,,,,',
      'Total,,,410,41,35,17,',
    ],
    'an unlabelled line that sums the others, in the middle (the sums rule)': [
      'Date,Advertiser,Insertion Order,Line Item,Impressions,Clicks,Revenue (Adv Currency),Total Conversions',
      '2025-11-01,Acme,IO A,LI 1,1000,10,40.00,2',
      ',,,,7500,75,200.00,8',
      '2025-11-02,Acme,IO A,LI 2,2500,25,60.00,4',
      '2025-11-03,Acme,IO B,LI 3,2000,20,50.00,1',
      '2025-11-03,Acme,IO B,LI 3,2000,20,50.00,1',
    ],
    'a head that passes for typed, then text in a measure (the typed reader fails; read again as text)': [
      'Date,Campaign,Impressions,Clicks,Spend',
      ...Array.from({ length: 1500 }, (_, i) => `2025-11-${String((i % 28) + 1).padStart(2, '0')},C${i % 7},100,1,1.5`),
      '2025-11-02,C1,n/a,1,abc',
      'Total,,150000,1501,2250',
    ],
    'a clean file on the typed fast path, with a row holding half the spend': [
      'Date,Campaign,Device,Impressions,Clicks,Spend',
      ...Array.from(
        { length: 40 },
        (_, i) => `2025-11-${String((i % 28) + 1).padStart(2, '0')},C${i % 3},Mobile,100,2,1`,
      ),
      '2025-11-01,C0,Mobile,100,2,1',
      '2025-11-29,All,Desktop,4000,80,41',
    ],
    'dates that cannot be read beside a true duplicate': [
      'Date,Campaign,Impressions,Clicks,Spend',
      '2025-11-01,B,100,10,5',
      '2025-11-01,B,100,10,5',
      '2025-11-02,A,100,10,5',
      '2025-13-01,A,100,10,5',
      '2025-02-30,A,100,10,5',
    ],
  };

  it.each(Object.entries(files))('is the same as pca analyze gives: %s', async (_, lines) => {
    const file = await h.write('quality.csv', lines.join('\n'));
    const cli = (await h.analyze([file])).datasets[0]!;
    const upload = await uploaded(file);
    expect(upload.quality).toEqual(cli.quality);
    // Staged in a table or in a file, the same report and the same data rows in file order.
    const tabled = await uploaded(file, 'table');
    expect(tabled.quality).toEqual(upload.quality);
    expect(tabled.profile).toEqual(upload.profile);
    expect(upload.rows).toEqual(tabled.rows);
    expect(upload.rows).toHaveLength(upload.quality.rowsKept);
    expect({
      rows: upload.profile.rows,
      platforms: upload.profile.platforms,
      dateRange: upload.profile.dateRange,
    }).toEqual({
      rows: cli.rows,
      platforms: cli.platforms,
      dateRange: cli.dateRange,
    });
  });

  it('counts what each file holds (the comparison above is not between two empty reports)', async () => {
    const [text, sums, messy, typed] = await Promise.all(
      Object.values(files).map(async (lines, index) => uploaded(await h.write(`f${index}.csv`, lines.join('\n')))),
    );
    expect(text!.typed).toBe(false);
    expect(typed!.typed).toBe(true);
    expect(text!.quality).toMatchObject({
      rowsRead: 9,
      rowsKept: 6,
      dropped: { totals: 1, blank: 1, noMeasures: 1 },
      duplicates: 2,
      negativeValues: { spend: 1 },
      clicksOverImpressions: 1,
      conversionsOverClicks: 1,
      unparseableValues: 3,
    });
    expect(messy!.typed).toBe(false);
    expect(messy!.quality).toMatchObject({
      rowsRead: 1502,
      rowsKept: 1501,
      dropped: { totals: 1 },
      unparseableValues: 1,
    });
    expect(sums!.quality).toMatchObject({ rowsRead: 5, rowsKept: 4, dropped: { totals: 1 }, duplicates: 1 });
    expect(typed!.quality).toMatchObject({ rowsRead: 42, rowsKept: 42, duplicates: 1, suspectedTotals: ['spend'] });
  });

  it('calls rows duplicates only when every value was read: unreadable dates were different days', async () => {
    const file = await h.write('dates.csv', files['dates that cannot be read beside a true duplicate']!.join('\n'));
    const { quality } = await uploaded(file);
    expect(quality).toMatchObject({ rowsKept: 5, duplicates: 1, rowsWithoutDate: 2 });
    expect(quality.warnings).toContain(
      '1 duplicate rows (20.0% of rows): they are counted twice unless removed at the source.',
    );
  });

  /** 5,000 rows numbered in their spend, several of DuckDB's scan chunks long, with one row inserted at `extra`. */
  const numbered = (row: (index: number) => string, extra?: { at: number; line: string }) => {
    const lines = Array.from({ length: 5000 }, (_, index) => row(index));
    if (extra) lines.splice(extra.at, 0, extra.line);
    return lines;
  };
  const spends = (rows: Record<string, unknown>[]) => rows.map((row) => row.spend);
  const inOrder = Array.from({ length: 5000 }, (_, index) => index);

  it.each([
    [
      'the typed path, a platform spelled two ways',
      numbered((i) => `2025-11-0${(i % 9) + 1},${i % 2 ? 'facebook' : 'Meta'},C${i % 5},100,1,${i}`),
    ],
    [
      'the text path (a "n/a" measure)',
      numbered((i) => `2025-11-0${(i % 9) + 1},Bing Ads,C${i % 5},${i === 3 ? 'n/a' : '100'},1,${i}`),
    ],
    [
      'an unlabelled line summing the others (the sums rule)',
      numbered((i) => `2025-11-0${(i % 9) + 1},TikTok,C${i % 5},100,1,${i}`, {
        at: 2500,
        line: ',,,500000,5000,12497500',
      }),
    ],
  ])('keeps the file order of the data rows: %s', async (_, body) => {
    const file = await h.write('ordered.csv', ['Date,Platform,Campaign,Impressions,Clicks,Spend', ...body].join('\n'));
    for (const target of ['parquet', 'table'] as const) {
      expect(spends((await uploaded(file, target)).rows)).toEqual(inOrder);
    }
  });
});
