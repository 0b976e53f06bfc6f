import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemRecorder } from '../../src/audit/recorder.js';
import { remapDataset } from '../../src/analysis/datasets/datasets.js';
import { GroupedCache, transferableBuffers, type GroupedInputs } from '../../src/analysis/workers/grouped-cache.js';
import { createAnalysis } from '../../src/commands/create-analysis.js';
import type { UserId } from '../../src/ids.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type TestOrg } from '../helpers/identity.js';
import { seedOperator, seedOrg } from '../helpers/seed.js';
import { multipart } from '../helpers/multipart.js';
import { campaignCsv } from '../helpers/campaigns.js';

interface Created {
  id: string;
  result: { rows: number; totals: Record<string, unknown>[]; generatedAt: string };
}

describe.each(BACKENDS)('the cache of analysis results by their inputs [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;
  const as = () => bearer(org.users.analyst.accessToken);

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    org = await seedOrg(t, 'cached');
  }, 120_000);
  afterAll(() => t.dispose());

  async function upload(): Promise<string> {
    const body = multipart({ name: 'export.csv', content: campaignCsv(3_000, 20) });
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...as(), ...body.headers },
      payload: body.payload,
    });
    expect(response.statusCode).toBe(201);
    return response.json<{ id: string }>().id;
  }

  async function analyse(datasetId: string, extra: Record<string, unknown> = {}) {
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: as(),
      payload: { datasetIds: [datasetId], ...extra },
    });
  }

  const stats = () => t.ctx.analysisCache.stats();

  it('answers a repeated analysis from the cache with the same figures, and a new scope from DuckDB', async () => {
    const id = await upload();
    const before = stats();
    const first = await analyse(id);
    expect(first.statusCode).toBe(201);
    expect(stats()).toMatchObject({ misses: before.misses + 1, hits: before.hits, entries: before.entries + 1 });
    const second = await analyse(id);
    expect(second.statusCode).toBe(201);
    expect(stats()).toMatchObject({ misses: before.misses + 1, hits: before.hits + 1 });
    const [a, b] = [first.json<Created>(), second.json<Created>()];
    expect(b.id).not.toBe(a.id);
    expect(b.result.totals).toEqual(a.result.totals);
    const filtered = await analyse(id, { filters: [{ dimension: 'platform', values: ['Meta'] }] });
    expect(filtered.statusCode).toBe(201);
    expect(stats().misses).toBe(before.misses + 2);
    expect(filtered.json<Created>().result.rows).toBeLessThan(a.result.rows);
  });

  it('moves the columns of an answer it does not keep to the worker, and never those of one it keeps', async () => {
    const id = await upload();
    const sent: { value: GroupedInputs; kept: boolean }[] = [];
    // The cache createAnalysis is given, watched: the answers it was offered and whether it kept them.
    class Watched extends GroupedCache {
      override set(key: string, value: GroupedInputs, datasetIds: readonly string[]): boolean {
        const kept = super.set(key, value, datasetIds);
        sent.push({ value, kept });
        return kept;
      }
    }
    const run = (cache: GroupedCache) =>
      createAnalysis(
        {
          db: t.ctx.store.db,
          duck: t.ctx.duck,
          layout: t.ctx.layout,
          clock: t.ctx.clock,
          pool: t.ctx.analysisPool,
          cache,
        },
        { orgId: org.orgId, userId: org.users.analyst.userId as UserId },
        { datasetIds: [id] },
        systemRecorder(t.ctx.audit, 'test', org.orgId),
      );
    const bytes = (value: GroupedInputs) => transferableBuffers(value).map((buffer) => buffer.byteLength);
    const resultOf = (json: string) => {
      const result = JSON.parse(json) as Record<string, unknown>;
      delete result.generatedAt;
      return result;
    };

    // Too small for any answer: the columns moved to the worker (detached here), the analysis whole.
    const moved = await run(new Watched(0));
    expect(sent[0]!.kept).toBe(false);
    expect(bytes(sent[0]!.value).length).toBeGreaterThan(5);
    expect(bytes(sent[0]!.value).every((length) => length === 0)).toBe(true);

    // Kept: the cached columns are whole after the analysis, and whole again after a second one read them from the cache.
    const cache = new Watched(64 * 1024 * 1024);
    const first = await run(cache);
    expect(sent[1]!.kept).toBe(true);
    const whole = bytes(sent[1]!.value);
    expect(whole.every((length) => length > 0)).toBe(true);
    const second = await run(cache);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
    expect(bytes(sent[1]!.value)).toEqual(whole);
    expect(resultOf(second.resultJson)).toEqual(resultOf(first.resultJson));
    expect(resultOf(moved.resultJson)).toEqual(resultOf(first.resultJson));
  });

  it('recomputes after the mapping changes, through the API (entries dropped) and on another path (key changed)', async () => {
    const id = await upload();
    const first = (await analyse(id)).json<Created>();
    expect(first.result.totals[0]!.revenue).toEqual(expect.any(Number));
    const entries = stats().entries;
    const remapped = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/datasets/${id}/mapping`,
      headers: as(),
      payload: { mapping: { Revenue: null } },
    });
    expect(remapped.statusCode).toBe(200);
    expect(stats().entries).toBe(entries - 1);
    const misses = stats().misses;
    const after = (await analyse(id)).json<Created>();
    expect(stats().misses).toBe(misses + 1);
    expect(after.result.totals[0]!.revenue).toBeUndefined();
    expect(after.result.totals[0]!.spend).toEqual(first.result.totals[0]!.spend);
    // A remap that this instance's routes did not see (as on another instance) still changes the key.
    await remapDataset(
      { db: t.ctx.store.db, duck: t.ctx.duck, layout: t.ctx.layout, clock: () => new Date(Date.now() + 1_000) },
      org.orgId,
      id,
      { Revenue: 'revenue' },
      systemRecorder(t.ctx.audit, 'test', org.orgId),
    );
    const restored = (await analyse(id)).json<Created>();
    expect(stats().misses).toBe(misses + 2);
    expect(restored.result.totals[0]!.revenue).toEqual(first.result.totals[0]!.revenue);
  });

  it('forgets a deleted dataset and answers 404 for it afterwards', async () => {
    const id = await upload();
    expect((await analyse(id)).statusCode).toBe(201);
    const entries = stats().entries;
    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/datasets/${id}`,
      headers: bearer(org.users.admin.accessToken),
    });
    expect(deleted.statusCode).toBe(204);
    expect(stats().entries).toBe(entries - 1);
    const hits = stats().hits;
    expect((await analyse(id)).statusCode).toBe(404);
    expect(stats().hits).toBe(hits);
  });

  it('is off with PCA_ANALYSIS_CACHE_MB=0', async () => {
    const off = await createTestApp(backend, { env: { PCA_ANALYSIS_CACHE_MB: '0' } });
    try {
      const admin = await seedOperator(off);
      const body = multipart({ name: 'export.csv', content: campaignCsv(500, 5) });
      const uploaded = await off.app.inject({
        method: 'POST',
        url: '/api/v1/datasets',
        headers: { ...bearer(admin.accessToken), ...body.headers },
        payload: body.payload,
      });
      const id = uploaded.json<{ id: string }>().id;
      for (let i = 0; i < 2; i++) {
        expect(
          (
            await off.app.inject({
              method: 'POST',
              url: '/api/v1/analyses',
              headers: bearer(admin.accessToken),
              payload: { datasetIds: [id] },
            })
          ).statusCode,
        ).toBe(201);
      }
      expect(off.ctx.analysisCache.stats()).toMatchObject({ entries: 0, hits: 0 });
    } finally {
      await off.dispose();
    }
  }, 60_000);
});
