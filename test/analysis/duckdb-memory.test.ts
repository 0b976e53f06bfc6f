import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckEngine, type DuckEngine } from '../../src/analysis/engine/duckdb.js';

// Every dataset file a server reads is a new one (uploads, remaps and retirements make new versions):
// a cache of their pages in DuckDB's memory grows with the files read, up to the whole memory limit.
describe('DuckDB engine memory', () => {
  let dir: string;
  let duck: DuckEngine;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pca-duck-memory-'));
    duck = await openDuckEngine({ threads: 2, memoryLimit: '256MB' }, path.join(dir, 'duckdb'), {
      allowedDirectories: [dir],
    });
  });
  afterAll(async () => {
    duck.close();
    await rm(dir, { recursive: true, force: true });
  });

  const heldBy = async (tag: string) =>
    Number(
      (await duck.query('SELECT memory_usage_bytes AS bytes FROM duckdb_memory() WHERE tag = ?', [tag]))[0]?.bytes ?? 0,
    );

  it('keeps no pages of the Parquet files it has read', async () => {
    const files = [0, 1, 2].map((n) => path.join(dir, `part-${n}.parquet`));
    for (const [n, file] of files.entries()) {
      await duck.query(
        `COPY (SELECT i AS id, 'campaign ' || (i % 97) AS name, i * ${n + 1}.5 AS spend FROM range(200000) t(i)) TO '${file}' (FORMAT parquet)`,
      );
    }
    for (const file of files) {
      const [row] = await duck.query(`SELECT count(*) AS n, sum(spend) AS spend FROM read_parquet('${file}')`);
      expect(row?.n).toBe(200000);
    }
    expect(await heldBy('EXTERNAL_FILE_CACHE')).toBe(0);
    // The files are still read afresh, and a file rewritten in place reads its new contents.
    await duck.query(`COPY (SELECT 7 AS id, 'only' AS name, 1.0 AS spend) TO '${files[0]}' (FORMAT parquet)`);
    expect(await duck.query(`SELECT count(*) AS n FROM read_parquet('${files[0]}')`)).toEqual([{ n: 1 }]);
    expect(await heldBy('EXTERNAL_FILE_CACHE')).toBe(0);
  });
});
