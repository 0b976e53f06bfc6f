// The server under load (issue 16): authenticated GET throughput, upload, query and analysis of a
// stored 1M-row dataset, and the event loop while four analyses run at once. BENCH_10M=1 adds the
// 10M-row analysis (generating and uploading it takes minutes; BENCH_10M_CSV reuses a generated file).
import { spawn } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  existsSync,
  openAsBlob,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { BENCH_ADMIN_PASSWORD, startServe } from './serve.mjs';
import { scrapeRuntime } from './runtime-metrics.mjs';

export const title = 'Server under load (auth GET, 1M-row upload/query/analysis, event loop during 4 analyses)';

const root = path.resolve(import.meta.dirname, '..');
const generator = process.env.PCA_GEN_CAMPAIGNS ?? path.resolve(root, '../shared/data/gen-campaigns.mjs');
const CHOSEN = 'bench-Chosen-pass-2026!';
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these. */
const CLOCK_TICKS = 100;

async function generate(rows, file) {
  const fd = openSync(file, 'w');
  try {
    await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [generator, String(rows), '42'], { stdio: ['ignore', fd, 'inherit'] });
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`generator exited ${code}`))));
    });
  } finally {
    closeSync(fd);
  }
}

async function serve(env) {
  const server = await startServe(env);
  const post = async (route, body, token) =>
    (
      await fetch(`${server.url}${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      })
    ).json();
  const { accessToken } = await post('/api/v1/auth/login', { username: 'admin', password: BENCH_ADMIN_PASSWORD });
  await post('/api/v1/auth/password', { currentPassword: BENCH_ADMIN_PASSWORD, newPassword: CHOSEN }, accessToken);
  const auth = { authorization: `Bearer ${accessToken}` };
  return {
    ...server,
    auth,
    json: async (route, body) => {
      const response = await fetch(`${server.url}${route}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const parsed = await response.json();
      if (!response.ok) throw new Error(`${route}: ${response.status} ${JSON.stringify(parsed).slice(0, 300)}`);
      return parsed;
    },
    /** The operator raises the organisation's upload quota (a 10M-row CSV is ~760 MB, over the default 200 MB). */
    raiseUploadQuota: async (bytes) => {
      const me = await (await fetch(`${server.url}/api/v1/auth/me`, { headers: auth })).json();
      const response = await fetch(`${server.url}/api/v1/orgs/${me.user.orgId}`, {
        method: 'PATCH',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ quotas: { maxUploadBytes: bytes } }),
      });
      if (!response.ok) throw new Error(`quota: ${response.status} ${(await response.text()).slice(0, 300)}`);
    },
    upload: async (file) => {
      const form = new FormData();
      form.append('file', await openAsBlob(file), path.basename(file));
      const response = await fetch(`${server.url}/api/v1/datasets`, { method: 'POST', headers: auth, body: form });
      const parsed = await response.json();
      if (response.status !== 201)
        throw new Error(`upload: ${response.status} ${JSON.stringify(parsed).slice(0, 300)}`);
      return parsed;
    },
    /**
     * The same upload with the multipart body streamed from disk, as curl and browsers send a file. Node's
     * FormData of a Blob costs this client about 0.9 s of CPU per 76 MB, on the two cores the server uses.
     */
    uploadStreamed: (file) =>
      new Promise((resolve, reject) => {
        const boundary = `----pca-bench-${Date.now().toString(16)}`;
        const head = Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${path.basename(file)}"\r\nContent-Type: text/csv\r\n\r\n`,
        );
        const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
        const request = http.request(
          `${server.url}/api/v1/datasets`,
          {
            method: 'POST',
            headers: {
              ...auth,
              'content-type': `multipart/form-data; boundary=${boundary}`,
              'content-length': head.length + statSync(file).size + tail.length,
            },
          },
          (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk) => (text += chunk));
            response.on('end', () =>
              response.statusCode === 201
                ? resolve(JSON.parse(text))
                : reject(new Error(`upload: ${response.statusCode} ${text.slice(0, 300)}`)),
            );
          },
        );
        request.on('error', reject);
        request.write(head);
        const body = createReadStream(file, { highWaterMark: 1 << 20 });
        body.on('error', reject);
        body.on('end', () => request.end(tail));
        body.pipe(request, { end: false });
      }),
  };
}

/** A process's CPU time (user + system, all threads) from /proc; NaN where there is none. */
function processCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** A figure of /proc/<pid>/status in MB (VmHWM: peak resident memory, VmRSS: now); NaN where /proc has none. */
function statusMb(pid, field) {
  try {
    return Math.round(
      Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024,
    );
  } catch {
    return NaN;
  }
}
const peakRssMb = (pid) => statusMb(pid, 'VmHWM');
const rssMb = (pid) => statusMb(pid, 'VmRSS');

/** Starts a new peak for VmHWM (Linux's clear_refs 5); where it cannot, the peak runs on from before. */
function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // No /proc or no right to write it: the figure is left out (see its use).
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values, p) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];
const timed = async (work) => {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
};

async function authThroughput(server) {
  const rates = [];
  const load = (duration) =>
    autocannon({ url: `${server.url}/api/v1/auth/me`, connections: 10, duration, headers: server.auth });
  await load(2);
  for (let round = 0; round < 3; round++) {
    const result = await load(3);
    if (result.non2xx > 0) throw new Error(`${result.non2xx} non-2xx answers`);
    rates.push(result.requests.average);
  }
  return median(rates);
}

/** Four analyses at once (different scopes, so none is a cache hit) while /health/live is probed every 10 ms. */
async function fourAtOnce(server, datasetId) {
  const scopes = [
    {},
    { filters: [{ dimension: 'platform', values: ['Meta', 'Google Ads'] }] },
    { filters: [{ dimension: 'device', values: ['Mobile'] }] },
    { dateRange: { from: '2025-03-01' } },
  ];
  await scrapeRuntime(server.url);
  let running = true;
  const probes = [];
  const probing = (async () => {
    while (running) {
      const started = performance.now();
      await fetch(`${server.url}/health/live`).then((response) => response.text());
      probes.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const each = await Promise.all(
    scopes.map((scope) => timed(() => server.json('/api/v1/analyses', { datasetIds: [datasetId], ...scope }))),
  );
  running = false;
  await probing;
  return { maxMs: Math.max(...each.map((run) => run.ms)), probes, lagP99: (await scrapeRuntime(server.url)).p99 };
}

/** Rounds of the four at once: one round is one sample of the slowest, which moves by a second run to run. */
const FOUR_ROUNDS = 3;

export async function run() {
  if (!existsSync(generator)) return [{ name: `generator not found at ${generator}`, value: 'skipped', unit: '' }];
  const work = await mkdtemp(path.join(tmpdir(), 'pca-bench-load-'));
  const results = [];
  // The cache is off so every analysis is computed; four per organisation may run at once.
  const server = await serve({
    PCA_ANALYSIS_CACHE_MB: '0',
    PCA_ORG_CONCURRENT_ANALYSES: '4',
    PCA_ORG_CONCURRENT_UPLOADS: '4',
    // autocannon sends the next request on a socket whose last answer said `Connection: close`
    // (the per-socket cap), and Node answers that request 503: a browser would reconnect instead.
    PCA_MAX_REQUESTS_PER_SOCKET: '1000000',
  });
  try {
    const rps = await authThroughput(server);
    results.push({
      name: 'authenticated GET /api/v1/auth/me (median of 3 × 3 s)',
      value: Math.round(rps),
      unit: 'req/s',
      target: '≥ 5000 req/s',
      ok: rps >= 5000,
    });

    const file = path.join(work, 'export-1m.csv');
    await generate(1_000_000, file);
    const uploads = [];
    let dataset;
    for (let i = 0; i < 3; i++) {
      const upload = await timed(() => server.upload(file));
      uploads.push(upload.ms);
      dataset = upload.value;
    }
    const uploadMs = median(uploads);
    results.push({
      name: '1M rows: upload CSV to a ready dataset (median of 3)',
      value: Math.round(uploadMs),
      unit: 'ms',
      target: '≤ 2000 ms',
      ok: uploadMs <= 2000,
    });
    const streamed = [];
    for (let i = 0; i < 3; i++) streamed.push((await timed(() => server.uploadStreamed(file))).ms);
    const streamedMs = median(streamed);
    results.push({
      name: '1M rows: the same upload, body streamed from disk as curl/browsers send it (median of 3)',
      value: Math.round(streamedMs),
      unit: 'ms',
      target: '≤ 2000 ms',
      ok: streamedMs <= 2000,
    });

    const query = {
      datasetIds: [dataset.id],
      metrics: ['spend', 'ctr'],
      dimensions: ['platform'],
      filters: [{ dimension: 'device', values: ['Mobile'] }],
    };
    await server.json('/api/v1/query', query);
    const queries = [];
    for (let i = 0; i < 7; i++) queries.push((await timed(() => server.json('/api/v1/query', query))).ms);
    const queryMs = median(queries);
    results.push({
      name: '1M rows: /api/v1/query metric by dimension + filter (median of 7)',
      value: Math.round(queryMs),
      unit: 'ms',
      target: '≤ 100 ms',
      ok: queryMs <= 100,
    });

    const alone = [];
    for (let i = 0; i < 3; i++)
      alone.push((await timed(() => server.json('/api/v1/analyses', { datasetIds: [dataset.id] }))).ms);
    const aloneMs = median(alone);
    results.push({
      name: '1M rows: analysis alone, insights included (median of 3)',
      value: Math.round(aloneMs),
      unit: 'ms',
      target: '≤ 500 ms',
      ok: aloneMs <= 500,
    });

    const rounds = [];
    for (let i = 0; i < FOUR_ROUNDS; i++) rounds.push(await fourAtOnce(server, dataset.id));
    const slowest = median(rounds.map((round) => round.maxMs));
    // The probes of every round together, and the worst round's lag: neither is softened by the rounds.
    const healthP99 = percentile(
      rounds.flatMap((round) => round.probes),
      99,
    );
    const lagP99 = Math.max(...rounds.map((round) => round.lagP99));
    const each = (read) => rounds.map((round) => Math.round(read(round))).join(' / ');
    results.push(
      {
        name: `1M rows: slowest of 4 analyses at once (median of ${FOUR_ROUNDS} rounds: ${each((round) => round.maxMs)})`,
        value: Math.round(slowest),
        unit: 'ms',
        target: '≤ 1500 ms',
        ok: slowest <= 1500,
      },
      {
        name: `GET /health/live p99 during the 4 analyses (all ${FOUR_ROUNDS} rounds' probes)`,
        value: Math.round(healthP99),
        unit: 'ms',
        target: '≤ 50 ms',
        ok: healthP99 <= 50,
      },
      {
        name: `event-loop lag p99 during the 4 analyses (worst round: ${each((round) => round.lagP99)})`,
        value: Math.round(lagP99),
        unit: 'ms',
        target: '≤ 50 ms',
        ok: lagP99 <= 50,
      },
    );
    // The lines above time a fresh server, whose worker compiles its code during its first analyses (the first
    // costs 2–4 times a later one); this one, reported and not judged, is the same analysis alone once it has run 15.
    const warm = [];
    for (let i = 0; i < 3; i++)
      warm.push((await timed(() => server.json('/api/v1/analyses', { datasetIds: [dataset.id] }))).ms);
    results.push({
      name: '1M rows: analysis alone on a warm worker, after the rounds (median of 3)',
      value: Math.round(median(warm)),
      unit: 'ms',
    });
    await rm(file, { force: true });

    if (process.env.BENCH_10M === '1') {
      // BENCH_10M_CSV names a file `gen-campaigns.mjs 10000000 42` wrote before: generating it takes minutes.
      const given = process.env.BENCH_10M_CSV;
      const big = given ?? path.join(work, 'export-10m.csv');
      if (!given) await generate(10_000_000, big);
      await server.raiseUploadQuota(2 * 1024 ** 3);
      const stored = await server.uploadStreamed(big);
      if (!given) await rm(big, { force: true });
      const uploadPeak = peakRssMb(server.pid);
      resetPeakRss(server.pid);
      const startRss = rssMb(server.pid);
      const cpuBefore = processCpuMs(server.pid);
      const ten = await timed(() => server.json('/api/v1/analyses', { datasetIds: [stored.id] }));
      const cpuMs = processCpuMs(server.pid) - cpuBefore;
      results.push({
        name: '10M rows: analysis (DuckDB memory limit 2GB)',
        value: Math.round(ten.ms),
        unit: 'ms',
        target: '≤ 3000 ms',
        ok: ten.ms <= 3000,
      });
      // CPU time is what the load distorts least: the server's threads (DuckDB's, the worker's, the event loop's) together.
      if (Number.isFinite(cpuMs))
        results.push({ name: '10M rows: server CPU time of that analysis', value: cpuMs, unit: 'ms' });
      const peak = peakRssMb(server.pid);
      if (Number.isFinite(uploadPeak))
        results.push({ name: '10M rows: server peak RSS until the upload ended', value: uploadPeak, unit: 'MB' });
      // After the upload the process keeps much of its memory; what the analysis adds is its peak over that.
      if (Number.isFinite(peak) && peak < uploadPeak)
        results.push({
          name: '10M rows: server peak RSS over its RSS when the analysis began',
          value: peak - startRss,
          unit: 'MB',
        });
    }
  } finally {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  }
  return results;
}
