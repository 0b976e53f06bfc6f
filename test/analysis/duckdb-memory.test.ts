import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { harnessForSuite } from './helpers.js';

// Every dataset file a server reads is a new one (uploads, remaps and retirements make new versions):
// a cache of their pages in DuckDB's memory grows with the files read, up to the whole memory limit.
describe('DuckDB engine memory', () => {
  const suite = harnessForSuite({ threads: 2 });

  const heldBy = async (tag: string) =>
    Number(
      (await suite.duck.query('SELECT memory_usage_bytes AS bytes FROM duckdb_memory() WHERE tag = ?', [tag]))[0]
        ?.bytes ?? 0,
    );

  it('keeps no pages of the Parquet files it has read', async () => {
    const files = [0, 1, 2].map((n) => path.join(suite.dir, `part-${n}.parquet`));
    for (const [n, file] of files.entries()) {
      await suite.duck.query(
        `COPY (SELECT i AS id, 'campaign ' || (i % 97) AS name, i * ${n + 1}.5 AS spend FROM range(200000) t(i)) TO '${file}' (FORMAT parquet)`,
      );
    }
    for (const file of files) {
      const [row] = await suite.duck.query(`SELECT count(*) AS n, sum(spend) AS spend FROM read_parquet('${file}')`);
      expect(row?.n).toBe(200000);
    }
    expect(await heldBy('EXTERNAL_FILE_CACHE')).toBe(0);
    // The files are still read afresh, and a file rewritten in place reads its new contents.
    await suite.duck.query(`COPY (SELECT 7 AS id, 'only' AS name, 1.0 AS spend) TO '${files[0]}' (FORMAT parquet)`);
    expect(await suite.duck.query(`SELECT count(*) AS n FROM read_parquet('${files[0]}')`)).toEqual([{ n: 1 }]);
    expect(await heldBy('EXTERNAL_FILE_CACHE')).toBe(0);
  });
});

// DuckDB reads a CSV through a 32 MB buffer unless told otherwise: a few rows took that much of the engine's memory.
describe('DuckDB engine memory for small files', () => {
  const suite = harnessForSuite({ memoryLimit: '20MB' });
  const header = 'Date,Campaign,Spend,Impressions,Clicks\n';
  const lines = Array.from(
    { length: 20 },
    (_, i) => `2025-01-${String(i + 1).padStart(2, '0')},Brand ${i % 3},${i}.5,${1000 + i},${10 + i}\n`,
  );

  it('reads a small export under a memory limit smaller than its default buffer', async () => {
    const report = await suite.analyze([await suite.write('small.csv', header + lines.join(''))]);
    expect(report.rows).toBe(20);
    expect(report.totals[0]?.spend).toBe(200);
  });

  it('reads a UTF-16 export past the smallest buffer whose text decodes to more bytes than the file has', async () => {
    // Three UTF-8 bytes for two UTF-16 ones: a buffer sized to the file must still hold it decoded.
    const name = '広告キャンペーン'.repeat(8);
    const rows = Array.from(
      { length: 600 },
      (_, i) =>
        `2025-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')},${name} ${i % 3},1.5,100,1\n`,
    );
    const text = header + rows.join('');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(Buffer.byteLength(text, 'utf8')).toBeGreaterThan(utf16.length);
    expect(utf16.length).toBeGreaterThan(70_000);
    const report = await suite.analyze([await suite.write('utf16.csv', utf16)]);
    expect(report.rows).toBe(600);
    expect(report.totals[0]?.spend).toBe(900);
    expect(report.breakdowns.campaign?.map((row) => row.campaign).sort()).toEqual([0, 1, 2].map((n) => `${name} ${n}`));
  });
});
