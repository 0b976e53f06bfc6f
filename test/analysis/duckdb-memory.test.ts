import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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

  // The process's anonymous resident memory (DuckDB's allocator, V8 and the rest), in MiB.
  const anonymousMiB = async () =>
    Number(/^RssAnon:\s+(\d+) kB/m.exec(await readFile('/proc/self/status', 'utf8'))?.[1]) / 1024;

  it.runIf(process.platform === 'linux')('hands the memory of finished statements back while idle', async () => {
    const file = path.join(suite.dir, 'churn.parquet');
    await suite.duck.query('SELECT 1');
    const before = await anonymousMiB();
    // Statements of a few tens of MB each on one connection, as an upload runs them: each frees what it took.
    await suite.duck.withConnection(async (connection) => {
      for (let n = 0; n < 20; n++) {
        await connection.run(
          `COPY (SELECT i, i::VARCHAR || 'x' AS label, random() AS spend FROM range(${600_000 + n}) t(i)) TO '${file}' (FORMAT parquet)`,
        );
        await connection.rows(`SELECT label, count(*) AS n FROM read_parquet('${file}') GROUP BY label LIMIT 1`);
      }
    });
    // Without a background purge the allocator kept its freed pages (+48 MiB here, for as long as it stayed idle);
    // with it they went within a second or two, to about +8 MiB. The wait is a hang guard, not a speed check.
    let held = (await anonymousMiB()) - before;
    for (let waited = 0; held > 16 && waited < 10_000; waited += 250) {
      await sleep(250);
      held = (await anonymousMiB()) - before;
    }
    expect(held).toBeLessThanOrEqual(16);
  });
});
