import type { OrgId } from '../ids.js';
/**
 * Request statistics over a sliding window, kept as one small histogram per
 * minute (and per route within it), never as a list of requests: memory is
 * bounded by minutes kept × routes × buckets, whatever the traffic.
 */

/** Upper bounds of the latency buckets in ms: 0.25 ms to ~5 min, each 25 % above the last. */
export const BUCKET_BOUNDS_MS: readonly number[] = (() => {
  const bounds: number[] = [];
  for (let bound = 0.25; bound < 300_000; bound *= 1.25) bounds.push(Math.round(bound * 1000) / 1000);
  bounds.push(Number.POSITIVE_INFINITY);
  return bounds;
})();

function bucketOf(ms: number): number {
  let low = 0;
  let high = BUCKET_BOUNDS_MS.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (ms <= BUCKET_BOUNDS_MS[mid]!) high = mid;
    else low = mid + 1;
  }
  return low;
}

interface Counts {
  count: number;
  errors: number;
  sumMs: number;
  maxMs: number;
  buckets: Uint32Array;
}

function emptyCounts(): Counts {
  return { count: 0, errors: 0, sumMs: 0, maxMs: 0, buckets: new Uint32Array(BUCKET_BOUNDS_MS.length) };
}

function add(into: Counts, from: Counts): void {
  into.count += from.count;
  into.errors += from.errors;
  into.sumMs += from.sumMs;
  into.maxMs = Math.max(into.maxMs, from.maxMs);
  for (let i = 0; i < from.buckets.length; i++) into.buckets[i]! += from.buckets[i]!;
}

/** One finished request as the statistics count it. */
export interface RequestSample {
  readonly minute: number;
  /** Index of its latency bucket in BUCKET_BOUNDS_MS. */
  readonly bucket: number;
  readonly status: number;
  readonly durationMs: number;
}

function count(into: Counts, sample: RequestSample): void {
  into.count++;
  if (sample.status >= 500) into.errors++;
  into.sumMs += sample.durationMs;
  into.maxMs = Math.max(into.maxMs, sample.durationMs);
  into.buckets[sample.bucket]!++;
}

interface Minute {
  readonly minute: number;
  readonly all: Counts;
  readonly routes: Map<string, Counts>;
  readonly statuses: Map<number, number>;
}

/**
 * The value below which `quantile` of the recorded requests fall, from the
 * histogram: the bucket's upper bound (capped at the largest value seen), so
 * an estimate errs high by at most one bucket (25 %).
 */
export function quantileOf(counts: Pick<Counts, 'count' | 'buckets' | 'maxMs'>, quantile: number): number | null {
  if (counts.count === 0) return null;
  const rank = Math.ceil(quantile * counts.count);
  let seen = 0;
  for (let i = 0; i < counts.buckets.length; i++) {
    seen += counts.buckets[i]!;
    if (seen >= rank) return Math.min(BUCKET_BOUNDS_MS[i]!, counts.maxMs);
  }
  return counts.maxMs;
}

export interface LatencySummary {
  readonly count: number;
  readonly errorRate: number | null;
  readonly meanMs: number | null;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
}

function summarise(counts: Counts): LatencySummary {
  return {
    count: counts.count,
    errorRate: counts.count === 0 ? null : counts.errors / counts.count,
    meanMs: counts.count === 0 ? null : counts.sumMs / counts.count,
    p50Ms: quantileOf(counts, 0.5),
    p95Ms: quantileOf(counts, 0.95),
    p99Ms: quantileOf(counts, 0.99),
    maxMs: counts.count === 0 ? null : counts.maxMs,
  };
}

export interface RequestReport {
  readonly minutes: number;
  readonly from: string;
  readonly to: string;
  readonly total: number;
  readonly successRate: number | null;
  /** Share of requests answered 5xx. */
  readonly errorRate: number | null;
  readonly requestsPerSecond: number;
  readonly overall: LatencySummary;
  readonly statusCodes: Record<string, number>;
  readonly routes: (LatencySummary & { readonly route: string })[];
  readonly slowest: (LatencySummary & { readonly route: string })[];
}

export class RequestStats {
  readonly #minutes = new Map<number, Minute>();
  readonly #keepMinutes: number;
  readonly #clock: () => number;

  constructor(options: { keepMinutes?: number; clock?: () => number } = {}) {
    this.#keepMinutes = options.keepMinutes ?? 1440;
    this.#clock = options.clock ?? Date.now;
  }

  /** One finished request; `route` is the route template ("GET /api/v1/users/:id"), never the raw URL. */
  record(route: string, status: number, durationMs: number): void {
    this.recordSample(route, this.sample(status, durationMs));
  }

  /** A finished request's minute and latency bucket, worked out once for every statistic it goes into. */
  sample(status: number, durationMs: number): RequestSample {
    return { minute: Math.floor(this.#clock() / 60_000), bucket: bucketOf(durationMs), status, durationMs };
  }

  recordSample(route: string, sample: RequestSample): void {
    const { minute } = sample;
    let bucket = this.#minutes.get(minute);
    if (!bucket) {
      bucket = { minute, all: emptyCounts(), routes: new Map(), statuses: new Map() };
      this.#minutes.set(minute, bucket);
      this.#prune(minute);
    }
    let routeCounts = bucket.routes.get(route);
    if (!routeCounts) {
      routeCounts = emptyCounts();
      bucket.routes.set(route, routeCounts);
    }
    count(bucket.all, sample);
    count(routeCounts, sample);
    bucket.statuses.set(sample.status, (bucket.statuses.get(sample.status) ?? 0) + 1);
  }

  #prune(current: number): void {
    for (const minute of this.#minutes.keys()) if (minute <= current - this.#keepMinutes) this.#minutes.delete(minute);
  }

  /** The last `minutes` minutes (the current one included). */
  report(minutes: number): RequestReport {
    const now = this.#clock();
    const current = Math.floor(now / 60_000);
    const first = current - Math.min(minutes, this.#keepMinutes) + 1;
    const all = emptyCounts();
    const routes = new Map<string, Counts>();
    const statuses: Record<string, number> = {};
    for (const bucket of this.#minutes.values()) {
      if (bucket.minute < first || bucket.minute > current) continue;
      add(all, bucket.all);
      for (const [route, counts] of bucket.routes) {
        const into = routes.get(route) ?? emptyCounts();
        add(into, counts);
        routes.set(route, into);
      }
      for (const [status, count] of bucket.statuses) statuses[String(status)] = (statuses[String(status)] ?? 0) + count;
    }
    const routeSummaries = [...routes]
      .map(([route, counts]) => ({ route, ...summarise(counts) }))
      .sort((a, b) => b.count - a.count);
    const seconds = Math.max(1, (now - first * 60_000) / 1000);
    const successful = Object.entries(statuses).reduce(
      (sum, [status, count]) => (Number(status) < 400 ? sum + count : sum),
      0,
    );
    return {
      minutes,
      from: new Date(first * 60_000).toISOString(),
      to: new Date(now).toISOString(),
      total: all.count,
      successRate: all.count === 0 ? null : successful / all.count,
      errorRate: all.count === 0 ? null : all.errors / all.count,
      requestsPerSecond: all.count / seconds,
      overall: summarise(all),
      statusCodes: statuses,
      routes: routeSummaries,
      slowest: [...routeSummaries].sort((a, b) => (b.p95Ms ?? 0) - (a.p95Ms ?? 0)).slice(0, 10),
    };
  }
}

/**
 * The same statistics kept per organisation, for its administrator: only
 * requests whose caller was authenticated belong to an organisation. Memory
 * is bounded as RequestStats' is, times the organisations that made requests.
 */
export class OrgRequestStats {
  readonly #byOrg = new Map<string, RequestStats>();
  readonly #options: { keepMinutes?: number; clock?: () => number };

  constructor(options: { keepMinutes?: number; clock?: () => number } = {}) {
    this.#options = options;
  }

  /** A request already counted in the instance's statistics (RequestStats.sample). */
  recordSample(orgId: OrgId, route: string, sample: RequestSample): void {
    let stats = this.#byOrg.get(orgId);
    if (!stats) {
      stats = new RequestStats(this.#options);
      this.#byOrg.set(orgId, stats);
    }
    stats.recordSample(route, sample);
  }

  /** An organisation that made no request yet gets an empty report, not an error. */
  report(orgId: OrgId, minutes: number): RequestReport {
    return (this.#byOrg.get(orgId) ?? new RequestStats(this.#options)).report(minutes);
  }
}
