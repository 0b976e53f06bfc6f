// Requests per second of an authenticated GET with per-request monitoring on and off (autocannon on 127.0.0.1).
import autocannon from 'autocannon';
import { BENCH_ADMIN_PASSWORD, startServe } from './serve.mjs';

export const title = 'Monitoring overhead (authenticated GET /api/v1/auth/me)';

const CHOSEN = 'bench-Chosen-pass-2026!';

async function serve(requestMetrics) {
  const server = await startServe({ PCA_REQUEST_METRICS: String(requestMetrics) });
  const post = async (route, body, token) =>
    (await fetch(`${server.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) })).json();
  const { accessToken } = await post('/api/v1/auth/login', { username: 'admin', password: BENCH_ADMIN_PASSWORD });
  await post('/api/v1/auth/password', { currentPassword: BENCH_ADMIN_PASSWORD, newPassword: CHOSEN }, accessToken);
  return { ...server, token: accessToken };
}

async function measure(requestMetrics) {
  const server = await serve(requestMetrics);
  try {
    const run = (duration) =>
      autocannon({ url: `${server.url}/api/v1/auth/me`, connections: 10, duration, headers: { authorization: `Bearer ${server.token}` } });
    await run(2);
    const result = await run(8);
    if (result.non2xx > 0) throw new Error(`${result.non2xx} non-2xx answers`);
    return result.requests.average;
  } finally {
    await server.stop();
  }
}

export async function run() {
  const on = await measure(true);
  const off = await measure(false);
  const overhead = off === 0 ? 0 : ((off - on) / off) * 100;
  return [
    { name: 'req/s with monitoring off', value: Math.round(off), unit: 'req/s' },
    { name: 'req/s with monitoring on', value: Math.round(on), unit: 'req/s' },
    { name: 'monitoring overhead', value: Math.round(overhead * 10) / 10, unit: '%', target: '≤ 10 %', ok: overhead <= 10 },
  ];
}
