// Two `pca serve` instances on one store (a SQLite file in a shared data dir,
// then PostgreSQL when PCA_BENCH_DATABASE_URL or PCA_TEST_DATABASE_URL is set),
// taken in turn by simulated users (round robin, as a proxy would) for a
// bounded time: sign-ins, uploads, analyses, queries, ratings, exports, admin
// changes (a user's profile, the organisation's settings), dataset lists,
// audit reads. Checks: no error (5xx, failed connection, or any 4xx but a
// 429, which the users honour), the audit chain verifies from both instances,
// exactly one audit event per successful change, retention (leased) never
// runs on both instances at once, bounded memory.
// PCA_BENCH_SOAK_STORES=postgres runs the PostgreSQL soak alone.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { BENCH_ADMIN_PASSWORD, startServe } from './serve.mjs';
import { quarterMedians, scrapeRuntime, SECOND_HALF_GROWTH_BYTES } from './runtime-metrics.mjs';

export const title = 'Soak: two pca serve instances on one store under mixed load';

const SECONDS = Number(process.env.PCA_BENCH_SOAK_SECONDS ?? 300);
const USERS = Number(process.env.PCA_BENCH_SOAK_USERS ?? 50);
const PG_URL = process.env.PCA_BENCH_DATABASE_URL ?? process.env.PCA_TEST_DATABASE_URL;
const STORES = (process.env.PCA_BENCH_SOAK_STORES ?? 'sqlite,postgres').split(',');
/** Export formats in the mix: the file formats (PDF and PPTX render a deck, measured in deck.bench). */
const EXPORT_FORMATS = ['json', 'csv', 'xlsx', 'md'];
/** Longest a simulated user waits on a Retry-After before trying something else. */
const MAX_RETRY_WAIT_S = 5;
const PASSWORD = 'soak-Chosen-pass-2026!';
const MIB = 1024 ** 2;
const RSS_GROWTH_BYTES = 300 * MIB;
const mib = (bytes) => (bytes / MIB).toFixed(0);
/** RSS is read every half second; the young generation (and a window of event-loop lag) every this many reads. */
const SCRAPE_EVERY = 4;
/** Retention runs every minute under a lease: two runs closer than this came from two holders at once. */
const RETENTION_MIN_GAP_MS = 45_000;

const percentile = (values, p) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];
const rssOf = async (pid) =>
  Number(/^VmRSS:\s+(\d+) kB/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;

function csv(seed) {
  const rows = ['Day,Campaign name,Amount spent (USD),Impressions,Link clicks'];
  for (let i = 0; i < 40; i++)
    rows.push(
      `2025-11-${String((i % 28) + 1).padStart(2, '0')},Campaign ${(seed + i) % 5},${((seed * 7 + i * 13) % 900) + 10}.50,${(seed + i) * 97 + 1000},${(seed + i) % 60}`,
    );
  return `${rows.join('\n')}\n`;
}

/** A client that spreads its requests over the instances in turn. */
function roundRobin(urls) {
  let next = 0;
  const stats = { statuses: new Map(), errors: 0, times: [], unexpected: [] };
  const call = async (method, route, { token, json, form } = {}) => {
    const url = urls[next++ % urls.length];
    const started = performance.now();
    try {
      const response = await fetch(`${url}${route}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(json ? { 'content-type': 'application/json' } : {}),
        },
        ...(json ? { body: JSON.stringify(json) } : form ? { body: form } : {}),
      });
      const text = await response.text();
      stats.times.push(performance.now() - started);
      stats.statuses.set(response.status, (stats.statuses.get(response.status) ?? 0) + 1);
      const body = text.startsWith('{') ? JSON.parse(text) : text;
      // A 429 is a refusal by design (per-organisation slots, the hashing queue): the user waits. Any other 4xx is a fault.
      if (response.status >= 400 && response.status !== 429)
        stats.unexpected.push(
          `${method} ${route.split('?')[0]} ${response.status} ${(body.detail ?? '').slice(0, 120)}`,
        );
      if (response.status === 429)
        await sleep(Math.min(MAX_RETRY_WAIT_S, Number(response.headers.get('retry-after') ?? 1)) * 1000);
      return { status: response.status, body };
    } catch (error) {
      stats.errors++;
      return { status: 0, body: String(error) };
    }
  };
  return { call, stats };
}

async function must(promise, what) {
  const answer = await promise;
  if (answer.status >= 300) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
  return answer.body;
}

/**
 * The organisation's quotas are raised to hold the workload: its users and their admin (50 by
 * default), and five minutes of uploads and analyses (500 datasets and 1,000 analyses a month by
 * default), which a quiet machine exceeds; the soak measures consistency under load, not quotas.
 */
async function setUp(call) {
  const operator = await must(
    call('POST', '/api/v1/auth/login', { json: { username: 'admin', password: BENCH_ADMIN_PASSWORD } }),
    'operator login',
  );
  await must(
    call('POST', '/api/v1/auth/password', {
      token: operator.accessToken,
      json: { currentPassword: BENCH_ADMIN_PASSWORD, newPassword: PASSWORD },
    }),
    'operator password',
  );
  const created = await must(
    call('POST', '/api/v1/orgs', {
      token: operator.accessToken,
      json: {
        name: 'Soak',
        slug: 'soak',
        admin: { username: 'boss' },
        quotas: { maxUsers: USERS + 1, maxDatasets: 100_000, maxAnalysesPerMonth: 100_000 },
      },
    }),
    'org',
  );
  const first = async (username, oneTimePassword) => {
    const session = await must(
      call('POST', '/api/v1/auth/login', { json: { username, password: oneTimePassword, organization: 'soak' } }),
      `login ${username}`,
    );
    await must(
      call('POST', '/api/v1/auth/password', {
        token: session.accessToken,
        json: { currentPassword: oneTimePassword, newPassword: PASSWORD },
      }),
      `password ${username}`,
    );
    return session.accessToken;
  };
  const admin = await first('boss', created.admin.oneTimePassword);
  const users = [];
  for (let i = 0; i < USERS; i++) {
    const user = await must(
      call('POST', '/api/v1/users', { token: admin, json: { username: `user-${i}`, role: 'analyst' } }),
      'user',
    );
    users.push({ id: user.user.id, username: `user-${i}`, token: await first(`user-${i}`, user.oneTimePassword) });
  }
  return { operator: operator.accessToken, admin, users, orgId: created.organization.id };
}

/** Every event of an action and outcome in the organisation's trail, following the cursor. */
async function countEvents(call, token, action) {
  let count = 0;
  let cursor;
  do {
    const page = await must(
      call(
        'GET',
        `/api/v1/audit/events?action=${action}&outcome=success&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token },
      ),
      'audit events',
    );
    count += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  return count;
}

async function soak(label, env) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pca-soak-'));
  const retentionRuns = [];
  const onLog = (line) => {
    if (line.msg === 'retention run') retentionRuns.push(Date.parse(line.retention?.ranAt ?? '') || line.time);
  };
  const shared = {
    ...env,
    PCA_DATA_DIR: dataDir,
    PCA_LOGIN_RATE_LIMIT: '100000',
    PCA_ANON_RATE_LIMIT: '100000',
    PCA_RETENTION_INTERVAL_MINUTES: '1',
  };
  const instances = [await startServe(shared, { onLog })];
  instances.push(await startServe(shared, { onLog }));
  const results = [];
  try {
    const { call, stats } = roundRobin(instances.map((instance) => instance.url));
    const world = await setUp(call);
    const baseline = await Promise.all(instances.map((instance) => rssOf(instance.pid)));
    // A scrape resets prom-client's event-loop histogram: the scrapes during the load each cover a window of it.
    const atBaseline = await Promise.all(instances.map((instance) => scrapeRuntime(instance.url)));
    const peak = [...baseline];
    // RSS beside the young generation over each instance's own baseline, every half second, with the young
    // generation read every few seconds: V8 grows and shrinks it (bounded), so it is judged apart.
    const young = atBaseline.map((scrape) => scrape.young);
    const beside = instances.map(() => []);
    const youngSamples = instances.map(() => []);
    const lagWindows = instances.map(() => []);
    const done = { uploads: 0, analyses: 0, queries: 0, ratings: 0, exports: 0, userChanges: 0, orgChanges: 0 };
    const datasets = [];
    const analyses = [];
    const deadline = performance.now() + SECONDS * 1000;
    const sampler = (async () => {
      for (let tick = 1; performance.now() < deadline; tick++) {
        if (tick % SCRAPE_EVERY === 0) {
          (await Promise.all(instances.map((instance) => scrapeRuntime(instance.url)))).forEach((scrape, i) => {
            young[i] = scrape.young;
            lagWindows[i].push(scrape);
          });
        }
        (await Promise.all(instances.map((instance) => rssOf(instance.pid)))).forEach((rss, i) => {
          peak[i] = Math.max(peak[i], rss);
          beside[i].push(rss - young[i] - (baseline[i] - atBaseline[i].young));
          youngSamples[i].push(young[i]);
        });
        await sleep(500);
      }
    })();
    const pick = (list, u, step) => list[(u * 7 + step) % list.length];
    let settingsTick = 0;
    await Promise.all(
      world.users.map(async (user, u) => {
        for (let step = 0; performance.now() < deadline; step++) {
          const roll = (u * 31 + step * 17) % 20;
          if (roll < 2) {
            const session = await call('POST', '/api/v1/auth/login', {
              json: { username: user.username, password: PASSWORD, organization: 'soak' },
            });
            if (session.status === 200) user.token = session.body.accessToken;
          } else if (roll < 5 || datasets.length === 0) {
            const form = new FormData();
            form.append('file', new Blob([csv(u * 1000 + step)], { type: 'text/csv' }), `soak-${u}-${step}.csv`);
            const answer = await call('POST', '/api/v1/datasets', { token: user.token, form });
            if (answer.status === 201) {
              done.uploads++;
              datasets.push(answer.body.id);
            }
          } else if (roll < 8 || analyses.length === 0) {
            const answer = await call('POST', '/api/v1/analyses', {
              token: user.token,
              json: { datasetIds: [pick(datasets, u, step)] },
            });
            if (answer.status === 201) {
              done.analyses++;
              analyses.push(answer.body.id);
            }
          } else if (roll < 11) {
            const answer = await call('POST', '/api/v1/query', {
              token: user.token,
              json: {
                datasetIds: [pick(datasets, u, step)],
                metrics: ['spend', 'clicks', 'ctr'],
                dimensions: ['campaign'],
              },
            });
            if (answer.status === 200) done.queries++;
          } else if (roll < 13) {
            // Rate the analysis, or one of its insights (4-5 stars: a rule is never suppressed, which would add its own event).
            const analysisId = pick(analyses, u, step);
            const items =
              step % 2 === 0
                ? await call('GET', `/api/v1/analyses/${analysisId}/insights`, { token: user.token })
                : undefined;
            const insight = items?.status === 200 ? items.body.insights[0] : undefined;
            const answer = insight
              ? await call('PUT', `/api/v1/insights/${insight.id}/feedback`, {
                  token: user.token,
                  json: { rating: 4 + (step % 2) },
                })
              : await call('PUT', `/api/v1/analyses/${analysisId}/feedback`, {
                  token: user.token,
                  json: { overall: 4, usefulness: 5, accuracy: 4, actionability: 4 },
                });
            if (answer.status === 200) done.ratings++;
          } else if (roll < 15) {
            const answer = await call(
              'GET',
              `/api/v1/analyses/${pick(analyses, u, step)}/export?format=${EXPORT_FORMATS[step % EXPORT_FORMATS.length]}`,
              { token: user.token },
            );
            if (answer.status === 200) done.exports++;
          } else if (roll < 16) {
            if (step % 2 === 0) {
              const answer = await call('PATCH', `/api/v1/users/${user.id}`, {
                token: world.admin,
                json: { displayName: `User ${u}, step ${step}` },
              });
              if (answer.status === 200) done.userChanges++;
            } else {
              const answer = await call('PATCH', `/api/v1/orgs/${world.orgId}`, {
                token: world.admin,
                json: { settings: { soakTick: ++settingsTick } },
              });
              if (answer.status === 200) done.orgChanges++;
            }
          } else if (roll < 18) {
            await call('GET', '/api/v1/datasets?limit=20', { token: user.token });
          } else {
            await call('GET', '/api/v1/audit/events?limit=50', { token: world.admin });
          }
        }
      }),
    );
    await sampler;
    const atEnd = await Promise.all(instances.map((instance) => scrapeRuntime(instance.url)));
    // The worst window's p99 and the largest lag of any window.
    const lags = atEnd.map((last, i) =>
      [...lagWindows[i], last].reduce((worst, scrape) => ({
        p99: Math.max(worst.p99, scrape.p99),
        max: Math.max(worst.max, scrape.max),
      })),
    );
    const verdicts = await Promise.all(
      instances.map(async () => [
        await must(call('GET', '/api/v1/audit/verify', { token: world.admin }), 'verify org'),
        await must(call('GET', '/api/v1/audit/verify', { token: world.operator }), 'verify platform'),
      ]),
    );
    const chainsValid = verdicts.flat().every((verdict) => verdict.valid === true);
    const events = async (...actions) =>
      (await Promise.all(actions.map((action) => countEvents(call, world.admin, action)))).reduce((a, b) => a + b, 0);
    // One event per successful change; an export is audited too. Profile edits without a role are `user.updated` only;
    // a settings patch is `org.settings_changed`, or `org.updated` when a concurrent patch already wrote the same value.
    const changes = [
      ['uploads', await events('dataset.uploaded'), done.uploads],
      ['analyses', await events('analysis.created'), done.analyses],
      ['ratings', await events('feedback.given'), done.ratings],
      ['exports', await events('analysis.exported'), done.exports],
      ['user profile changes', await events('user.updated', 'user.role_changed'), done.userChanges],
      ['organisation settings changes', await events('org.settings_changed', 'org.updated'), done.orgChanges],
    ];
    const suppressions = await events('insight.rule_suppressed');
    const serverErrors = [...stats.statuses].filter(([status]) => status >= 500).reduce((n, [, count]) => n + count, 0);
    const refusals = stats.statuses.get(429) ?? 0;
    const runs = [...retentionRuns].sort((a, b) => a - b);
    const gaps = runs.slice(1).map((time, i) => time - runs[i]);
    const close = gaps.filter((gap) => gap < RETENTION_MIN_GAP_MS).length;
    const growth = Math.max(...peak.map((value, i) => value - baseline[i]));
    const besideYoung = Math.max(...beside.map((samples) => samples.reduce((max, value) => Math.max(max, value), 0)));
    const besideQuarters = beside.map(quarterMedians);
    const secondHalfGrowth = Math.max(...besideQuarters.map((medians) => medians[3] - medians[1]));
    results.push(
      {
        name: `${label}: ${USERS} users × ${SECONDS} s, requests`,
        value: [...stats.statuses]
          .sort((a, b) => a[0] - b[0])
          .map(([status, count]) => `${status}×${count}`)
          .join(' '),
        unit: '',
      },
      {
        name: `${label}: successful uploads, analyses, queries, ratings, exports, user | org changes`,
        value: `${done.uploads}, ${done.analyses}, ${done.queries}, ${done.ratings}, ${done.exports}, ${done.userChanges} | ${done.orgChanges}`,
        unit: '',
      },
      {
        name: `${label}: 5xx or failed connections`,
        value: serverErrors + stats.errors,
        unit: '',
        target: '0',
        ok: serverErrors + stats.errors === 0,
      },
      {
        name: `${label}: 4xx other than 429`,
        value: stats.unexpected.length,
        unit: '',
        target: '0',
        ok: stats.unexpected.length === 0,
      },
      ...[...new Set(stats.unexpected)]
        .slice(0, 10)
        .map((line) => ({ name: `${label}:   unexpected`, value: line, unit: '' })),
      { name: `${label}: 429 refusals (Retry-After honoured, ≤ ${MAX_RETRY_WAIT_S} s)`, value: refusals, unit: '' },
      {
        name: `${label}: request p50 / p99`,
        value: `${Math.round(percentile(stats.times, 50))} / ${Math.round(percentile(stats.times, 99))}`,
        unit: 'ms',
      },
      {
        name: `${label}: event-loop lag p99 (worst ${(SCRAPE_EVERY / 2).toFixed(0)} s window) / max, instance A | B`,
        value: lags.map((lag) => `${lag.p99.toFixed(0)} / ${lag.max.toFixed(0)}`).join(' | '),
        unit: 'ms',
      },
      {
        name: `${label}: audit chains verify (org + platform, both instances)`,
        value: chainsValid ? 'yes' : 'no',
        unit: '',
        target: 'yes',
        ok: chainsValid,
      },
      ...changes.map(([what, eventCount, successes]) => ({
        name: `${label}: audit events / successful ${what}`,
        value: `${eventCount} / ${successes}`,
        unit: '',
        target: 'equal',
        ok: eventCount === successes,
      })),
      {
        name: `${label}: rules suppressed (ratings are 4-5 stars)`,
        value: suppressions,
        unit: '',
        target: '0',
        ok: suppressions === 0,
      },
      {
        name: `${label}: retention runs, of which < 45 s after another`,
        value: `${runs.length}, ${close}`,
        unit: '',
        target: 'none close (≥ 1 run past 90 s)',
        ok: close === 0 && (SECONDS < 90 || runs.length > 0),
      },
      { name: `${label}: max RSS growth of an instance`, value: (growth / MIB).toFixed(0), unit: 'MiB' },
      {
        name: `${label}: V8's young generation, each instance: at the baseline → at the end`,
        value: atBaseline.map((scrape, i) => `${mib(scrape.young)} → ${mib(atEnd[i].young)}`).join(', '),
        unit: 'MiB (bounded by V8)',
      },
      {
        // V8 may shrink the young generation yet keep its pages resident for a while: a quarter with a smaller
        // young generation then shows a rise beside it that is V8's.
        name: `${label}: V8's young generation, median by quarter of the run, instance A | B`,
        value: youngSamples.map((samples) => quarterMedians(samples).map(mib).join(' / ')).join(' | '),
        unit: 'MiB',
      },
      {
        name: `${label}: max RSS growth of an instance beside the young generation`,
        value: (besideYoung / MIB).toFixed(0),
        unit: 'MiB',
        target: `≤ ${RSS_GROWTH_BYTES / MIB} MiB`,
        ok: besideYoung <= RSS_GROWTH_BYTES,
      },
      {
        name: `${label}: that growth's median by quarter of the run, instance A | B`,
        value: besideQuarters.map((medians) => medians.map(mib).join(' / ')).join(' | '),
        unit: 'MiB',
      },
      {
        name: `${label}: rise of that median over the second half (last quarter − second), larger instance`,
        value: mib(secondHalfGrowth),
        unit: 'MiB',
        target: `≤ ${mib(SECOND_HALF_GROWTH_BYTES)} MiB`,
        ok: secondHalfGrowth <= SECOND_HALF_GROWTH_BYTES,
      },
    );
  } finally {
    for (const instance of instances) await instance.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  return results;
}

export async function run() {
  const results = STORES.includes('sqlite') ? await soak('SQLite', {}) : [];
  if (!STORES.includes('postgres')) return results;
  if (PG_URL) {
    const schema = `soak_${randomBytes(5).toString('hex')}`;
    try {
      results.push(...(await soak('PostgreSQL', { PCA_DATABASE_URL: PG_URL, PCA_DATABASE_SCHEMA: schema })));
    } finally {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`).finally(() => client.end());
    }
  } else {
    results.push({ name: 'PostgreSQL: skipped (set PCA_BENCH_DATABASE_URL)', value: '', unit: '' });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const result of await run()) console.log(result);
}
