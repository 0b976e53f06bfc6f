import type { DuckEngine } from '../analysis/engine/duckdb.js';
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
