// Health latency while 1,000 sign-ins arrive at once: password hashing bounded (the default) against unbounded.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { startServe } from './serve.mjs';
import { scrapeRuntime } from './runtime-metrics.mjs';

export const title = 'Login storm (1,000 concurrent sign-ins; GET /health/live latency meanwhile)';

const STORM = Number(process.env.PCA_BENCH_STORM ?? 1_000);
const ROUNDS = Number(process.env.PCA_BENCH_ROUNDS ?? 3);

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Fires the storm and probes /health/live every 5 ms until every sign-in has its answer. */
async function storm(url) {
  const latencies = [];
  const statuses = new Map();
  let probeErrors = 0;
  let done = false;
  const probe = (async () => {
    while (!done) {
      const started = performance.now();
      try {
        const response = await fetch(`${url}/health/live`);
        await response.arrayBuffer();
        latencies.push(performance.now() - started);
      } catch {
        probeErrors++;
      }
      await sleep(5);
    }
  })();
  await scrapeRuntime(url);
  const started = performance.now();
  // The storm runs on its own thread: 1,000 requests and their answers handled on the probe's
  // event loop delayed the probe itself, and the bench measured its own stalls as the server's.
  const worker = new Worker(new URL(import.meta.url), { workerData: { url, storm: STORM } });
  for (const [status, count] of await new Promise((resolve, reject) =>
    worker.once('message', resolve).once('error', reject),
  ))
    statuses.set(status, count);
  await worker.terminate();
  const seconds = (performance.now() - started) / 1000;
  done = true;
  await probe;
  const lag = await scrapeRuntime(url);
  return {
    p99: percentile(latencies, 99),
    p50: percentile(latencies, 50),
    seconds,
    statuses,
    probeErrors,
    lagP99: lag.p99,
    lagMax: lag.max,
  };
}

/** The storm's thread: every sign-in at once, then the count of each status back to the probe's thread. */
async function fireStorm({ url, storm: size }) {
  const statuses = new Map();
  await Promise.all(
    Array.from({ length: size }, async (_, i) => {
      const response = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `storm-${i}`, password: 'not-a-real-password-1' }),
      }).catch(() => undefined);
      const status = response?.status ?? 0;
      if (response) await response.arrayBuffer();
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }),
  );
  parentPort.postMessage([...statuses]);
}

if (!isMainThread && workerData?.storm) await fireStorm(workerData);

export async function run() {
  const env = { PCA_LOGIN_RATE_LIMIT: '100000', PCA_ANON_RATE_LIMIT: '100000' };
  // Both servers up at once, taking turns, so a slow minute on this shared machine falls on both.
  const servers = [
    { name: 'bounded', server: await startServe(env) },
    { name: 'unbounded', server: await startServe({ ...env, PCA_HASH_CONCURRENCY: '256', PCA_HASH_QUEUE: '100000' }) },
  ];
  const results = { bounded: [], unbounded: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const { name, server } of servers) results[name].push(await storm(server.url));
    }
  } finally {
    for (const { server } of servers) await server.stop();
  }
  const median = (name, field) =>
    percentile(
      results[name].map((result) => result[field]),
      50,
    );
  const bounded = median('bounded', 'p99');
  const unbounded = median('unbounded', 'p99');
  const refused = results.bounded.reduce((total, result) => total + (result.statuses.get(429) ?? 0), 0) / ROUNDS;
  const failed = results.bounded.reduce(
    (total, result) =>
      total +
      [...result.statuses]
        .filter(([status]) => status !== 401 && status !== 429)
        .reduce((n, [, count]) => n + count, 0),
    0,
  );
  return [
    { name: 'health p99 during storm, hashing unbounded', value: Math.round(unbounded * 10) / 10, unit: 'ms' },
    {
      name: `health p99 during storm, bounded (median of ${ROUNDS})`,
      value: Math.round(bounded * 10) / 10,
      unit: 'ms',
      target: '< 50 ms',
      ok: bounded < 50,
    },
    { name: 'health p50 during storm, bounded', value: Math.round(median('bounded', 'p50') * 10) / 10, unit: 'ms' },
    { name: 'sign-ins answered 429 + Retry-After per storm, bounded', value: Math.round(refused), unit: `of ${STORM}` },
    {
      name: 'storm duration, bounded / unbounded',
      value: `${median('bounded', 'seconds').toFixed(1)} / ${median('unbounded', 'seconds').toFixed(1)}`,
      unit: 's',
    },
    { name: 'answers other than 401/429 (bounded)', value: failed, unit: '', target: '0', ok: failed === 0 },
    {
      name: 'server loop lag p99 / max during storm, bounded',
      value: `${Math.round(median('bounded', 'lagP99'))} / ${Math.round(median('bounded', 'lagMax'))}`,
      unit: 'ms',
    },
    {
      name: 'server loop lag p99 / max during storm, unbounded',
      value: `${Math.round(median('unbounded', 'lagP99'))} / ${Math.round(median('unbounded', 'lagMax'))}`,
      unit: 'ms',
    },
    {
      name: 'health probes that failed, bounded / unbounded',
      value: `${median('bounded', 'probeErrors')} / ${median('unbounded', 'probeErrors')}`,
      unit: '',
    },
  ];
}

// Only the main thread: the storm's worker loads this file too, and must not start servers of its own.
if (isMainThread && import.meta.url === `file://${process.argv[1]}`) {
  for (const result of await run()) console.log(result);
}
