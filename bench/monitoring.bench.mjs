// Requests per second of an authenticated GET with per-request monitoring on and off (autocannon on 127.0.0.1).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

export const title = 'Monitoring overhead (authenticated GET /api/v1/auth/me)';

const CLI = path.resolve(import.meta.dirname, '../dist/cli/main.js');
const FIRST = 'bench-Operator-pass-2026';
const CHOSEN = 'bench-Chosen-pass-2026!';

async function serve(requestMetrics) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pca-bench-mon-'));
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {
    env: { ...process.env, PCA_DATA_DIR: dataDir, PCA_LOG_LEVEL: 'info', PCA_ADMIN_PASSWORD: FIRST, PCA_REQUEST_METRICS: String(requestMetrics) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.on('close', (code) => reject(new Error(`serve exited ${code}`)));
  });
  // Request logs would dominate the measurement; the stream is drained and dropped.
  child.stdout.resume();
  const post = async (route, body, token) =>
    (await fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) })).json();
  const { accessToken } = await post('/api/v1/auth/login', { username: 'admin', password: FIRST });
  await post('/api/v1/auth/password', { currentPassword: FIRST, newPassword: CHOSEN }, accessToken);
  return { url, token: accessToken, stop: async () => { child.kill('SIGTERM'); await new Promise((r) => child.on('close', r)); await rm(dataDir, { recursive: true, force: true }); } };
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
