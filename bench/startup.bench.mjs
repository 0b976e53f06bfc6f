// Time from `pca serve` on an empty data dir (migrations included) to a 200 from /health/ready.
import { startServe } from './serve.mjs';

export const title = 'Start-up and readiness';

async function startOnce() {
  const started = performance.now();
  const server = await startServe();
  try {
    const response = await fetch(`${server.url}/health/ready`);
    const readyMs = performance.now() - started;
    if (response.status !== 200) throw new Error(`ready answered ${response.status}`);
    let n = 0;
    const loopStarted = performance.now();
    while (performance.now() - loopStarted < 1000) {
      await (await fetch(`${server.url}/health/live`)).arrayBuffer();
      n++;
    }
    return { readyMs, perSecond: n / ((performance.now() - loopStarted) / 1000) };
  } finally {
    await server.stop();
  }
}

export async function run() {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await startOnce());
  const ready = runs.map((r) => r.readyMs).sort((a, b) => a - b)[1];
  const live = runs.map((r) => r.perSecond).sort((a, b) => a - b)[1];
  return [
    {
      name: 'serve to ready, empty data dir (median of 3)',
      value: Math.round(ready),
      unit: 'ms',
      target: '≤ 10000 ms',
      ok: ready <= 10_000,
    },
    { name: 'GET /health/live, one client, sequential', value: Math.round(live), unit: 'req/s' },
  ];
}
