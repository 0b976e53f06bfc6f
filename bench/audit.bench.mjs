// Audit chain: appends per second (each its own transaction, as a request's event is),
// verification speed, and a 100,000-event streamed export with its memory growth.
// SQLite always; PostgreSQL too when PCA_BENCH_DATABASE_URL (or PCA_TEST_DATABASE_URL) is set.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import pg from 'pg';
import { exportEvents } from '../dist/audit/export.js';
import { systemRecorder } from '../dist/audit/recorder.js';
import { verifyChain } from '../dist/audit/verify.js';
import { migrateToLatest, openStore } from '../dist/store/store.js';
import { inTransaction } from '../dist/store/transactions.js';

export const title = 'Audit trail (hash chain)';

const APPENDS = 5_000;
const CHAIN = 100_000;
const entry = (i) => ({
  action: 'analysis.viewed',
  target: { type: 'analysis', id: `an_${i}`, name: `Campaign review ${i}` },
  details: { format: 'json', rows: i },
});

async function withStore(kind, work) {
  const dir = await mkdtemp(path.join(tmpdir(), 'pca-audit-bench-'));
  const url = process.env.PCA_BENCH_DATABASE_URL ?? process.env.PCA_TEST_DATABASE_URL;
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const config = kind === 'sqlite' ? { kind, file: path.join(dir, 'pca.db') } : { kind, url, schema, poolMax: 10 };
  const store = openStore(config);
  try {
    await migrateToLatest(store, config);
    return await work(store, config);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
    if (kind === 'postgres') {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
  }
}

async function appendRate(kind) {
  return withStore(kind, async (store) => {
    const log = { key: randomBytes(32), clock: () => new Date() };
    const audit = systemRecorder(log, 'bench', 'org_bench');
    // A server appends on every request for days: the figure is the steady state, after warm-up.
    for (let i = 0; i < 1_000; i++) await audit.record(store.db, entry(i));
    const rates = [];
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      for (let i = 0; i < APPENDS; i++) await audit.record(store.db, entry(i));
      rates.push(APPENDS / ((performance.now() - started) / 1000));
    }
    return median(rates);
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * The floor under the SQLite figure: the append's three statements in their
 * transaction on bare better-sqlite3, same schema and pragmas, no chain
 * arithmetic and no query builder. On a noisy machine it tells the code's
 * share from the machine's.
 */
async function bareSqliteRate() {
  return withStore('sqlite', async (store, config) => {
    const log = { key: randomBytes(32), clock: () => new Date() };
    await systemRecorder(log, 'bench', 'org_bench').record(store.db, entry(0));
    const db = new Database(config.file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('wal_autocheckpoint = 10000');
      const columns = [
        'id',
        'org_id',
        'seq',
        'occurred_at',
        'actor_type',
        'actor_id',
        'actor_name',
        'actor_ip',
        'actor_user_agent',
        'action',
        'target_type',
        'target_id',
        'target_name',
        'outcome',
        'reason',
        'severity',
        'request_id',
        'details',
        'prev_hash',
        'hash',
      ];
      const head = db.prepare('select seq, hash from audit_heads where org_id = ?');
      const insert = db.prepare(
        `insert into audit_events (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
      );
      const advance = db.prepare('update audit_heads set seq = ?, hash = ?, mac = ? where org_id = ?');
      const [begin, commit] = [db.prepare('begin immediate'), db.prepare('commit')];
      const hash = 'a'.repeat(64);
      const started = performance.now();
      for (let i = 0; i < APPENDS; i++) {
        begin.run();
        const { seq, hash: prev } = head.get('org_bench');
        const next = Number(seq) + 1;
        insert.run(
          `aud_${next}`,
          'org_bench',
          next,
          new Date().toISOString(),
          'system',
          'bench',
          'bench',
          null,
          null,
          'analysis.viewed',
          'analysis',
          `an_${i}`,
          `Campaign review ${i}`,
          'success',
          null,
          'info',
          null,
          '{"format":"json","rows":1}',
          prev,
          hash,
        );
        advance.run(next, hash, hash, 'org_bench');
        commit.run();
      }
      return APPENDS / ((performance.now() - started) / 1000);
    } finally {
      db.close();
    }
  });
}

async function chainFigures() {
  return withStore('sqlite', async (store) => {
    const log = { key: randomBytes(32), clock: () => new Date() };
    const audit = systemRecorder(log, 'bench', 'org_bench');
    for (let start = 0; start < CHAIN; start += 1_000) {
      await inTransaction(store.db, async (trx) => {
        for (let i = start; i < start + 1_000; i++) await audit.record(trx, entry(i));
      });
    }
    const verifyRuns = [];
    for (let run = 0; run < 3; run++) {
      const verifyStarted = performance.now();
      const verdict = await verifyChain(store.db, log.key, 'org_bench');
      verifyRuns.push((performance.now() - verifyStarted) / 1000);
      if (!verdict.valid || verdict.checked !== CHAIN)
        throw new Error(`chain did not verify: ${JSON.stringify(verdict)}`);
    }
    const verifySeconds = median(verifyRuns);

    globalThis.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let peak = heapBefore;
    let bytes = 0;
    const sink = new Writable({
      write(chunk, _encoding, done) {
        bytes += chunk.length;
        peak = Math.max(peak, process.memoryUsage().heapUsed);
        done();
      },
    });
    const exportStarted = performance.now();
    await pipeline((await exportEvents(store.db, 'org_bench', {}, 'jsonl')).body, sink);
    return {
      verifyRate: CHAIN / verifySeconds,
      exportSeconds: (performance.now() - exportStarted) / 1000,
      exportMb: bytes / 1e6,
      heapGrowthMb: (peak - heapBefore) / 1e6,
    };
  });
}

export async function run() {
  const sqlite = await appendRate('sqlite');
  const floor = await bareSqliteRate();
  const results = [
    {
      name: 'appends/s, SQLite (one transaction each, median of 3)',
      value: Math.round(sqlite),
      unit: '/s',
      target: '≥ 5,000/s',
      ok: sqlite >= 5_000,
    },
    { name: '  same statements on bare better-sqlite3 (the floor)', value: Math.round(floor), unit: '/s' },
  ];
  if (process.env.PCA_BENCH_DATABASE_URL ?? process.env.PCA_TEST_DATABASE_URL) {
    const postgres = await appendRate('postgres');
    results.push({
      name: 'appends/s, PostgreSQL (one transaction each, median of 3)',
      value: Math.round(postgres),
      unit: '/s',
    });
  }
  const chain = await chainFigures();
  results.push(
    {
      name: `verification, ${CHAIN.toLocaleString('en')} events (median of 3)`,
      value: Math.round(chain.verifyRate),
      unit: 'events/s',
      target: '≥ 200,000/s',
      ok: chain.verifyRate >= 200_000,
    },
    {
      name: `JSONL export, ${CHAIN.toLocaleString('en')} events`,
      value: Math.round(chain.exportSeconds * 1000),
      unit: `ms (${chain.exportMb.toFixed(0)} MB)`,
    },
    {
      name: 'export heap growth (streamed, not held)',
      value: Math.round(chain.heapGrowthMb),
      unit: 'MB',
      target: '< 64 MB',
      ok: chain.heapGrowthMb < 64,
    },
  );
  return results;
}
