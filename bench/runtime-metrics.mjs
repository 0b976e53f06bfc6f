// What the benches read of a running instance's /metrics (served to loopback only).

/**
 * The event loop's lag since the last scrape, in ms (prom-client resets its histogram on every scrape, so a
 * scrape before and after brackets a window), and the capacity of V8's young generation in bytes: V8 grows it,
 * up to twice its maximum semi-space (fixed at start from the heap limit: 2 × 64 MiB on a 23 GB machine), when
 * objects survive its collections, and shrinks it again when they stop. RSS follows it in steps that are
 * bounded, not a leak.
 */
export async function scrapeRuntime(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    p99: read('nodejs_eventloop_lag_p99_seconds') * 1000,
    max: read('nodejs_eventloop_lag_max_seconds') * 1000,
    young: read('nodejs_heap_space_size_total_bytes\\{space="new"\\}'),
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The median of each quarter of a run's samples, in order: a leak's medians keep rising, an allocator's pool levels. */
export function quarterMedians(samples) {
  return [0, 1, 2, 3].map((quarter) =>
    median(samples.slice(Math.floor((samples.length * quarter) / 4), Math.floor((samples.length * (quarter + 1)) / 4))),
  );
}

/**
 * Bounded, not only small: the allocators' pools (DuckDB's freed pages, glibc's arenas, V8's spaces) fill early in a
 * run and then swing around a level; a leak keeps climbing. So the median beside the young generation may rise this
 * much at most from a run's second quarter to its last.
 */
export const SECOND_HALF_GROWTH_BYTES = 32 * 1024 ** 2;
