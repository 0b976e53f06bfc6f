import { statfs } from 'node:fs/promises';
import type { DuckEngine } from '../analysis/index.js';
import type { Store } from '../store/store.js';
import type { HealthCheck } from './health.js';

export function storeCheck(store: Store): HealthCheck {
  return {
    name: 'store',
    componentType: 'datastore',
    timeoutMs: 2_000,
    onFailure: 'fail',
    run: async () => {
      const started = performance.now();
      await store.ping();
      return {
        status: 'pass',
        output: store.dialect,
        observedValue: Math.round((performance.now() - started) * 100) / 100,
        observedUnit: 'ms',
      };
    },
  };
}

export function duckdbCheck(duck: DuckEngine): HealthCheck {
  return {
    name: 'duckdb',
    componentType: 'component',
    timeoutMs: 2_000,
    onFailure: 'fail',
    run: () => duck.ping(),
  };
}

/** Free space of the data dir's volume: warn under 10 %, fail under 2 % (uploads and Parquet need room). */
export function diskSpaceCheck(dataDir: string): HealthCheck {
  return {
    name: 'disk',
    componentType: 'system',
    timeoutMs: 2_000,
    onFailure: 'fail',
    run: async () => {
      const stats = await statfs(dataDir);
      const freePercent = stats.blocks === 0 ? 100 : (stats.bavail / stats.blocks) * 100;
      const rounded = Math.round(freePercent * 10) / 10;
      const status = freePercent < 2 ? 'fail' : freePercent < 10 ? 'warn' : 'pass';
      return {
        status,
        observedValue: rounded,
        observedUnit: 'percent free',
        output: `${rounded}% free in the data directory`,
      };
    },
  };
}

/** The retention scheduler is alive when it has tried within two of its intervals. */
export function schedulerCheck(
  lastTickAt: () => number | undefined,
  startedAt: number,
  intervalMs: number,
  now: () => number,
): HealthCheck {
  return {
    name: 'scheduler',
    componentType: 'component',
    timeoutMs: 1_000,
    onFailure: 'warn',
    run: async () => {
      const last = lastTickAt() ?? startedAt;
      const age = now() - last;
      if (age > 2 * intervalMs + 60_000)
        throw new Error(`retention scheduler has not run for ${Math.round(age / 60_000)} min`);
      return {
        status: 'pass',
        output: lastTickAt() === undefined ? 'waiting for the first run' : `last run ${new Date(last).toISOString()}`,
      };
    },
  };
}
