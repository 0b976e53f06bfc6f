import { chmod, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareDataDir } from '../../src/store/data-dir.js';
import { fixture } from '../analysis/helpers.js';
import { createTestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { bearer, operatorSession, orgWithEveryRole } from '../helpers/identity.js';
import { multipart } from '../helpers/multipart.js';

const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

describe('file modes', () => {
  it('tightens an existing world-readable data directory to 0700 at start', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'pca-modes-'));
    try {
      await chmod(root, 0o755);
      const layout = await prepareDataDir(root);
      expect(await modeOf(root)).toBe(0o700);
      expect(await modeOf(layout.datasets)).toBe(0o700);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it.each(BACKENDS)('stores Parquet files (and the SQLite store) owner-only [%s]', async (backend) => {
    const t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    try {
      const org = await orgWithEveryRole(t.app, await operatorSession(t.app), 'modes');
      const body = multipart({ name: 'meta.csv', content: await readFile(fixture('meta.csv')) });
      const response = await t.app.inject({ method: 'POST', url: '/api/v1/datasets', headers: { ...bearer(org.users.analyst.accessToken), ...body.headers }, payload: body.payload });
      const dir = path.join(t.ctx.layout.datasets, org.orgId, response.json<{ id: string }>().id);
      for (const name of await readdir(dir)) expect(await modeOf(path.join(dir, name)), name).toBe(0o600);
      if (backend === 'sqlite') expect(await modeOf(path.join(t.ctx.layout.root, 'pca.sqlite'))).toBe(0o600);
    } finally {
      await t.dispose();
    }
  }, 120_000);
});
