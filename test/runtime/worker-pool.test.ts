import { afterEach, describe, expect, it } from 'vitest';
import type { GroupedRows } from '../../src/analysis/workers/grouped-rows.js';
import { createAnalysisPool, runPacingInPool, type AnalysisPool } from '../../src/commands/workers/analysis-pool.js';

const pools: AnalysisPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

function pool(size: number): AnalysisPool {
  const created = createAnalysisPool(size);
  pools.push(created);
  return created;
}

describe('worker pool start', () => {
  it('starts no thread until a task or start() asks for one', () => {
    expect(pool(2).stats()).toEqual({ busy: 0, queued: 0, workers: 0 });
  });

  it('start() brings every worker up at once, and a second call adds none', () => {
    const started = pool(2);
    started.start();
    expect(started.stats()).toEqual({ busy: 0, queued: 0, workers: 2 });
    started.start();
    expect(started.stats().workers).toBe(2);
  });

  it('a started worker takes the first task, and its error comes back without losing the thread', async () => {
    const started = pool(1);
    started.start();
    // Rows that are not there: the worker's own error, thrown on the thread, is what comes back.
    const refused = runPacingInPool(started, {
      now: '2026-01-01T00:00:00.000Z',
      daily: null as unknown as GroupedRows,
      budgets: [],
      asOf: '2026-01-01',
      thresholds: { under: 0.9, over: 1.1 },
    });
    await expect(refused).rejects.toThrow(/columns/);
    expect(started.stats()).toEqual({ busy: 0, queued: 0, workers: 1 });
  });

  it('a closed pool starts nothing', async () => {
    const closed = pool(2);
    await closed.close();
    closed.start();
    expect(closed.stats().workers).toBe(0);
  });
});
