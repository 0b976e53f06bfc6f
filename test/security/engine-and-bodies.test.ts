import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTypedOrText, type IngestSource } from '../../src/analysis/ingest/ingest.js';
import { AppError } from '../../src/errors.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { runCli } from '../helpers/cli.js';
import { bearer, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';

describe.each(BACKENDS)('the engine, the data path and large bodies [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;
  let outside: string;

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    org = await seedOrg(t, 'engine');
    outside = await mkdtemp(path.join(tmpdir(), 'pca-outside-'));
    await writeFile(path.join(outside, 'secret.csv'), 'a,b\n1,2\n');
  }, 120_000);
  afterAll(async () => {
    await rm(outside, { recursive: true, force: true });
    await t.dispose();
  });

  it('reads no file outside the data directory, and no statement can turn that back on', async () => {
    await expect(t.ctx.duck.query(`SELECT * FROM read_csv('${path.join(outside, 'secret.csv')}')`)).rejects.toThrow(
      /Permission Error/,
    );
    await expect(t.ctx.duck.query(`SELECT * FROM read_text('/etc/passwd')`)).rejects.toThrow(/Permission Error/);
    await expect(t.ctx.duck.query('SET enable_external_access = true')).rejects.toThrow(/locked/);
    await expect(t.ctx.duck.query(`SET allowed_directories = ['/']`)).rejects.toThrow(/locked/);
    const own = path.join(t.ctx.layout.tmp, 'own.csv');
    await writeFile(own, 'a,b\n1,2\n');
    expect(await t.ctx.duck.query(`SELECT count(*)::INTEGER AS n FROM read_csv('${own}')`)).toEqual([{ n: 1 }]);
    await rm(own);
  });

  it('answers a body of 60,000 unknown properties with a short 422 that counts them', async () => {
    const body: Record<string, unknown> = { datasetIds: ['ds_x'], metrics: ['spend'] };
    for (let i = 0; i < 60_000; i++) body[`k${i.toString(36)}`] = 0;
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: bearer(org.users.viewer.accessToken),
      payload: body,
    });
    expect(response.statusCode).toBe(422);
    expect(response.body.length).toBeLessThan(5_000);
    const problem = response.json<{ errors: unknown[]; errorCount: number }>();
    expect(problem.errors).toHaveLength(20);
    expect(problem.errorCount).toBe(60_000);
  });

  it('shows no absolute data path in /health/ready', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.body).not.toContain(t.ctx.layout.root);
    expect(response.body).toContain('% free in the data directory');
  });
});

describe('DuckDB failures in a refusal', () => {
  it("keep the engine's out-of-memory details out of the 422", async () => {
    const source = { plan: { typedFastPath: false }, shape: { delimiter: ',' } } as unknown as IngestSource;
    const failing = readTypedOrText([source], () =>
      Promise.reject(
        new Error('Out of Memory Error: failed to allocate data of size 1.0 GiB (230.5 MiB/256.0 MiB used)'),
      ),
    );
    const error = await failing.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).kind).toBe('unprocessable');
    expect((error as AppError).message).toMatch(/more memory .* split it/);
    expect((error as AppError).message).not.toMatch(/MiB|allocate/);
  });

  it('pca analyze still reads files anywhere it is given', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pca-anywhere-'));
    try {
      const file = path.join(dir, 'meta.csv');
      await writeFile(file, 'Date,Campaign,Spend\n2025-11-01,A,5\n');
      const result = await runCli(['analyze', file, '--format', 'json'], {});
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
