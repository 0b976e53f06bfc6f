import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import type { OrgId } from '../../src/ids.js';
import { InFlight, RouteDurations } from '../../src/monitoring/metrics.js';
import { BUCKET_BOUNDS_MS, OrgRequestStats, quantileOf, RequestStats } from '../../src/monitoring/request-stats.js';

describe('request statistics', () => {
  it('estimates percentiles of known inputs within one bucket (25 %), never below the truth', () => {
    let now = Date.UTC(2026, 10, 26, 10, 0, 30);
    const stats = new RequestStats({ clock: () => now });
    // 1..1000 ms, one request each: p50 = 500, p95 = 950, p99 = 990.
    for (let ms = 1; ms <= 1000; ms++) stats.record('GET /api/v1/x', 200, ms);
    const report = stats.report(1);
    for (const [estimate, truth] of [
      [report.overall.p50Ms, 500],
      [report.overall.p95Ms, 950],
      [report.overall.p99Ms, 990],
    ] as const) {
      expect(estimate).not.toBeNull();
      expect(estimate!).toBeGreaterThanOrEqual(truth);
      expect(estimate!).toBeLessThanOrEqual(truth * 1.25);
    }
    expect(report.overall).toMatchObject({ count: 1000, maxMs: 1000 });
    expect(report.overall.meanMs).toBeCloseTo(500.5, 6);
    now += 60_000;
    expect(stats.report(1).total).toBe(0);
    expect(stats.report(2).total).toBe(1000);
  });

  it('gives rates, status codes, per-route figures and the slowest routes', () => {
    const now = Date.UTC(2026, 10, 26, 10, 0, 0);
    const stats = new RequestStats({ clock: () => now });
    for (let i = 0; i < 90; i++) stats.record('GET /fast', 200, 2);
    for (let i = 0; i < 5; i++) stats.record('POST /slow', 500, 1500);
    for (let i = 0; i < 5; i++) stats.record('POST /slow', 404, 900);
    const report = stats.report(60);
    expect(report.total).toBe(100);
    expect(report.errorRate).toBeCloseTo(0.05, 9);
    expect(report.successRate).toBeCloseTo(0.9, 9);
    expect(report.statusCodes).toEqual({ '200': 90, '404': 5, '500': 5 });
    expect(report.routes.map((route) => [route.route, route.count])).toEqual([
      ['GET /fast', 90],
      ['POST /slow', 10],
    ]);
    expect(report.slowest[0]?.route).toBe('POST /slow');
    expect(report.slowest[0]?.errorRate).toBeCloseTo(0.5, 9);
  });

  it('answers null, not 0, with no traffic, and keeps memory bounded to the window', () => {
    let now = 0;
    const stats = new RequestStats({ keepMinutes: 3, clock: () => now });
    expect(stats.report(60).overall).toMatchObject({ count: 0, p50Ms: null, errorRate: null });
    for (let minute = 0; minute < 100; minute++) {
      now = minute * 60_000;
      stats.record('GET /x', 200, 1);
    }
    expect(stats.report(1440).total).toBe(3);
  });

  it('has monotonic bucket bounds ending in infinity', () => {
    for (let i = 1; i < BUCKET_BOUNDS_MS.length; i++)
      expect(BUCKET_BOUNDS_MS[i]!).toBeGreaterThan(BUCKET_BOUNDS_MS[i - 1]!);
    expect(BUCKET_BOUNDS_MS.at(-1)).toBe(Number.POSITIVE_INFINITY);
    expect(
      quantileOf(
        {
          count: 1,
          maxMs: 1e9,
          buckets: Uint32Array.from(BUCKET_BOUNDS_MS.map((_, i) => (i === BUCKET_BOUNDS_MS.length - 1 ? 1 : 0))),
        },
        0.5,
      ),
    ).toBe(1e9);
  });

  it('counts a sample once in the instance and once in its organisation, at the minute it was taken', () => {
    let now = Date.UTC(2026, 10, 26, 10, 0, 59);
    const clock = { clock: () => now };
    const stats = new RequestStats(clock);
    const byOrg = new OrgRequestStats(clock);
    const org = 'org_one' as OrgId;
    for (const [status, ms] of [
      [200, 0.2],
      [503, 40],
      [404, 1_000_000],
    ] as const) {
      const sample = stats.sample(status, ms);
      stats.recordSample('GET /api/v1/x', sample);
      byOrg.recordSample(org, 'GET /api/v1/x', sample);
    }
    // The minute is the one the sample was taken in, even when recorded after it ended.
    const late = stats.sample(200, 1);
    now += 1_000;
    stats.recordSample('GET /api/v1/x', late);
    byOrg.recordSample(org, 'GET /api/v1/x', late);
    now += 30_000;
    const instance = stats.report(2);
    const own = byOrg.report(org, 2);
    expect(instance.total).toBe(4);
    expect(own.overall).toEqual(instance.overall);
    expect(own.statusCodes).toEqual({ '200': 2, '404': 1, '503': 1 });
    expect(own.overall).toMatchObject({ count: 4, maxMs: 1_000_000, errorRate: 0.25 });
    expect(stats.report(1).total).toBe(0);
    expect(byOrg.report('org_other' as OrgId, 2).total).toBe(0);
  });
});

describe('request metrics', () => {
  it('observes each route and status class in its own series and counts requests in flight when scraped', async () => {
    const registry = new Registry();
    const durations = new RouteDurations(registry);
    const inFlight = new InFlight(registry);
    durations.observe('GET /api/v1/users/:id', 'GET', '/api/v1/users/:id', 200, 0.004);
    durations.observe('GET /api/v1/users/:id', 'GET', '/api/v1/users/:id', 204, 0.02);
    durations.observe('GET /api/v1/users/:id', 'GET', '/api/v1/users/:id', 404, 3);
    durations.observe('POST /api/v1/users/:id', 'POST', '/api/v1/users/:id', 500, 0.5);
    inFlight.started();
    inFlight.started();
    inFlight.finished();
    const text = await registry.metrics();
    const series = (labels: string) =>
      new RegExp(`http_request_duration_seconds_count\\{${labels}\\} (\\d+)`).exec(text)?.[1];
    expect(series('method="GET",route="/api/v1/users/:id",status_class="2xx"')).toBe('2');
    expect(series('method="GET",route="/api/v1/users/:id",status_class="4xx"')).toBe('1');
    expect(series('method="POST",route="/api/v1/users/:id",status_class="5xx"')).toBe('1');
    expect(text).toContain(
      'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/v1/users/:id",status_class="2xx"} 1',
    );
    expect(text).toContain(
      'http_request_duration_seconds_bucket{le="0.025",method="GET",route="/api/v1/users/:id",status_class="2xx"} 2',
    );
    expect(text).toMatch(/http_requests_in_flight 1\n/);
  });
});
