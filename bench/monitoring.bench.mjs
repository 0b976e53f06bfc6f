// Requests per second of an authenticated GET with per-request monitoring on and off (autocannon on 127.0.0.1).
import autocannon from 'autocannon';
import { BENCH_ADMIN_PASSWORD, startServe } from './serve.mjs';

export const title = 'Monitoring overhead (authenticated GET /api/v1/auth/me)';

const CHOSEN = 'bench-Chosen-pass-2026!';

async function serve(requestMetrics) {
  const server = await startServe({ PCA_REQUEST_METRICS: String(requestMetrics) });
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
  return { ...server, token: accessToken };
}

/** Requests per second of each server over `rounds` alternating runs (the machine's speed drifts within minutes). */
async function measure(servers, rounds) {
  const rates = servers.map(() => []);
  const load = (server, duration) =>
    autocannon({
      url: `${server.url}/api/v1/auth/me`,
      connections: 10,
      duration,
      headers: { authorization: `Bearer ${server.token}` },
    });
  for (const server of servers) await load(server, 2);
  for (let round = 0; round < rounds; round++) {
    for (const [index, server] of servers.entries()) {
      const result = await load(server, 3);
      if (result.non2xx > 0) throw new Error(`${result.non2xx} non-2xx answers`);
      rates[index].push(result.requests.average);
    }
  }
  return rates.map((values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]);
}

export async function run() {
  // Both servers run at once and take turns under load, so a slow minute falls on both.
  const servers = [await serve(true), await serve(false)];
  let on;
  let off;
  try {
    [on, off] = await measure(servers, 5);
  } finally {
    for (const server of servers) await server.stop();
  }
  const overhead = off === 0 ? 0 : ((off - on) / off) * 100;
  return [
    { name: 'req/s with monitoring off (median of 5 alternating runs)', value: Math.round(off), unit: 'req/s' },
    { name: 'req/s with monitoring on (median of 5 alternating runs)', value: Math.round(on), unit: 'req/s' },
    {
      name: 'monitoring overhead',
      value: Math.round(overhead * 10) / 10,
      unit: '%',
      target: '≤ 10 %',
      ok: overhead <= 10,
    },
  ];
}
