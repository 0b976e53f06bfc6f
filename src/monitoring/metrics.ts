import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PoolStats } from '../runtime/worker-pool.js';

/** The instance's Prometheus metrics: one registry per app, so tests and instances never share counters. */
export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: RouteDurations;
  readonly inFlight: InFlight;
  readonly logins: Counter<'outcome'>;
  readonly uploads: Counter<'outcome'>;
  readonly rowsIngested: Counter;
  readonly analyses: Counter;
  readonly exports: Counter<'format'>;
  readonly alerts: Counter<'severity'>;
}

/**
 * Events appended to every organisation's audit chain since the start, read
 * from the chain heads at scrape time: exact across instances and restarts,
 * and never counting an event whose transaction rolled back.
 */
export function registerAuditEventsGauge(registry: Registry, readTotal: () => Promise<number>): void {
  new Gauge({
    name: 'pca_audit_events_total',
    help: 'Audit events recorded (all organisations, archived included)',
    registers: [registry],
    async collect() {
      this.set(await readTotal());
    },
  });
}

/**
 * The worker pools' threads and tasks, read at scrape time: a queue that
 * grows while every thread is busy says the instance needs more cores or
 * `PCA_WORKER_THREADS`, before users say it is slow.
 */
export function registerWorkerPoolGauges(registry: Registry, pools: Readonly<Record<string, () => PoolStats>>): void {
  new Gauge({
    name: 'pca_worker_threads',
    help: 'Worker threads running, by pool',
    labelNames: ['pool'],
    registers: [registry],
    collect() {
      for (const [pool, stats] of Object.entries(pools)) this.set({ pool }, stats().workers);
    },
  });
  new Gauge({
    name: 'pca_worker_tasks',
    help: 'Worker pool tasks running (busy) and waiting for a thread (queued), by pool',
    labelNames: ['pool', 'state'],
    registers: [registry],
    collect() {
      for (const [pool, stats] of Object.entries(pools)) {
        const { busy, queued } = stats();
        this.set({ pool, state: 'busy' }, busy);
        this.set({ pool, state: 'queued' }, queued);
      }
    },
  });
}

/** Requests being served: a plain count per request, read by the gauge when scraped. */
export class InFlight {
  #count = 0;

  constructor(registry: Registry) {
    const count = (): number => this.#count;
    new Gauge({
      name: 'http_requests_in_flight',
      help: 'Requests being served now',
      registers: [registry],
      collect() {
        this.set(count());
      },
    });
  }

  started(): void {
    this.#count++;
  }

  finished(): void {
    this.#count--;
  }
}

type DurationLabel = 'method' | 'route' | 'status_class';

/**
 * The request duration histogram, its labelled series looked up by route and status class:
 * an observation with a label object builds and checks the labels again on every request.
 */
export class RouteDurations {
  readonly #histogram: Histogram<DurationLabel>;
  /** By "METHOD template", then by status class (1 to 5). Bounded: routes are templates, never raw URLs. */
  readonly #series = new Map<string, Histogram.Internal<DurationLabel>[]>();

  constructor(registry: Registry) {
    this.#histogram = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by route template (never the raw URL)',
      labelNames: ['method', 'route', 'status_class'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  /** `key` is "METHOD route", the same pair as `method` and `route`. */
  observe(key: string, method: string, route: string, status: number, seconds: number): void {
    let byClass = this.#series.get(key);
    if (byClass === undefined) {
      byClass = [];
      this.#series.set(key, byClass);
    }
    const statusClass = Math.floor(status / 100);
    let series = byClass[statusClass];
    if (series === undefined) {
      series = this.#histogram.labels({ method, route, status_class: `${statusClass}xx` });
      byClass[statusClass] = series;
    }
    series.observe(seconds);
  }
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  // Node and process defaults, event-loop lag among them.
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new RouteDurations(registry),
    inFlight: new InFlight(registry),
    logins: new Counter({
      name: 'pca_logins_total',
      help: 'Login attempts by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    uploads: new Counter({
      name: 'pca_uploads_total',
      help: 'Dataset uploads by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    rowsIngested: new Counter({
      name: 'pca_rows_ingested_total',
      help: 'Campaign rows stored from uploads',
      registers: [registry],
    }),
    analyses: new Counter({ name: 'pca_analyses_total', help: 'Analyses created', registers: [registry] }),
    exports: new Counter({
      name: 'pca_exports_total',
      help: 'Analysis exports by format',
      labelNames: ['format'],
      registers: [registry],
    }),
    alerts: new Counter({
      name: 'pca_alerts_opened_total',
      help: 'Alerts opened, by severity',
      labelNames: ['severity'],
      registers: [registry],
    }),
  };
}
