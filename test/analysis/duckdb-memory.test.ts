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
