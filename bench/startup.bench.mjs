// Time from `pca serve` on an empty data dir (migrations included) to a 200 from /health/ready.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const title = 'Start-up and readiness';

const CLI = path.resolve(import.meta.dirname, '../dist/cli/main.js');

async function startOnce() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pca-bench-'));
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {
    env: { ...process.env, PCA_DATA_DIR: dataDir, PCA_LOG_LEVEL: 'info', PCA_ADMIN_PASSWORD: 'bench-Operator-pass-2026' },
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
  const response = await fetch(`${url}/health/ready`);
  const readyMs = performance.now() - started;
  if (response.status !== 200) throw new Error(`ready answered ${response.status}`);
  let n = 0;
  const loopStarted = performance.now();
  while (performance.now() - loopStarted < 1000) {
    const live = await fetch(`${url}/health/live`);
    await live.arrayBuffer();
    n++;
  }
  const perSecond = n / ((performance.now() - loopStarted) / 1000);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.on('close', resolve));
  await rm(dataDir, { recursive: true, force: true });
  return { readyMs, perSecond };
}

export async function run() {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await startOnce());
  const ready = runs.map((r) => r.readyMs).sort((a, b) => a - b)[1];
  const live = runs.map((r) => r.perSecond).sort((a, b) => a - b)[1];
  return [
    { name: 'serve to ready, empty data dir (median of 3)', value: Math.round(ready), unit: 'ms', target: '≤ 10000 ms', ok: ready <= 10_000 },
    { name: 'GET /health/live, one client, sequential', value: Math.round(live), unit: 'req/s' },
  ];
}
