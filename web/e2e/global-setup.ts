import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { E2E_PORT } from '../playwright.config';

export const OPERATOR_FIRST_PASSWORD = 'first-Operator-pass-2026';
const root = path.resolve(import.meta.dirname, '../..');

/** Starts `pca serve` on a fresh data dir; the returned function stops it and removes the data. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(path.join(root, 'dist/web/index.html')))
    throw new Error('Build first: npm run build && npm run build:web');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pca-e2e-'));
  const server = spawn(process.execPath, ['dist/cli/main.js', 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      PCA_PORT: String(E2E_PORT),
      PCA_HOST: '127.0.0.1',
      PCA_DATA_DIR: dataDir,
      PCA_ADMIN_PASSWORD: OPERATOR_FIRST_PASSWORD,
      // Short-lived access tokens: the tests see one expire and be refreshed.
      PCA_ACCESS_TOKEN_SECONDS: '30',
      PCA_LOGIN_RATE_LIMIT: '1000',
      PCA_LOG_LEVEL: 'warn',
      PCA_RETENTION_INTERVAL_MINUTES: '0',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`pca serve exited with ${server.exitCode}`);
    const up = await fetch(`http://127.0.0.1:${E2E_PORT}/health/live`)
      .then((response) => response.ok)
      .catch(() => false);
    if (up) break;
    if (Date.now() > deadline) throw new Error('pca serve did not start within 90 s');
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return async () => {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  };
}
