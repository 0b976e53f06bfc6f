import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.js';

const MB = 1024 * 1024;

// SQLite only: PostgreSQL checkpoints in its own server process.
describe('SQLite write-ahead log checkpoints', () => {
  it('never run inside a commit on the event loop: a worker copies the log into the database meanwhile', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pca-wal-'));
    const file = path.join(dir, 'state.db');
    const store = openStore({ kind: 'sqlite', file });
    try {
      const setting = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db);
      expect(setting.rows).toEqual([{ wal_autocheckpoint: 0 }]);

      await sql`create table filler (data blob)`.execute(store.db);
      await store.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 24; i++) await sql`insert into filler values (randomblob(262144))`.execute(trx);
      });
      // The 6 MB are in the log only: the commit copied nothing into the database.
      expect(statSync(`${file}-wal`).size).toBeGreaterThan(6 * MB);
      expect(statSync(file).size).toBeLessThan(MB);

      const until = Date.now() + 30_000;
      while (statSync(file).size < 6 * MB && Date.now() < until) await sleep(100);
      expect(statSync(file).size).toBeGreaterThan(6 * MB);
      const count = await sql<{ n: number }>`select count(*) as n from filler`.execute(store.db);
      expect(count.rows).toEqual([{ n: 24 }]);
    } finally {
      await store.close();
    }
    // The worker's connection was closed first, so the store's own close checkpointed and removed the log.
    expect(existsSync(`${file}-wal`)).toBe(false);
    await rm(dir, { recursive: true, force: true });
  });
});
