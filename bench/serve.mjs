// Starts the built `pca serve` on a free port in a fresh data dir, for benchmarks.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const CLI = path.resolve(import.meta.dirname, '../dist/cli/main.js');
export const BENCH_ADMIN_PASSWORD = 'bench-Operator-pass-2026';

/**
 * Resolves once the server listens; its request log is drained and dropped so it cannot slow the
 * measurement, unless `onLog` wants each line (parsed JSON).
 */
export async function startServe(env = {}, { onLog } = {}) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pca-bench-'));
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {
    env: {
      ...process.env,
      PCA_DATA_DIR: dataDir,
      PCA_LOG_LEVEL: 'info',
      PCA_ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
      ...env,
    },
    stdio: ['ignore', 'pipe', process.env.BENCH_SERVE_STDERR ? 'inherit' : 'ignore'],
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk) => {
      out += chunk;
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) {
        child.stdout.off('data', onData);
        if (onLog) followLines(child.stdout, onLog);
        else child.stdout.resume();
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.on('close', (code) => reject(new Error(`serve exited ${code}`)));
  });
  return {
    url,
    pid: child.pid,
    dataDir,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.on('close', resolve));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function followLines(stream, onLog) {
  let rest = '';
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      try {
        onLog(JSON.parse(line));
      } catch {
        // Not a log line (a banner): nothing to follow.
      }
    }
  });
}
