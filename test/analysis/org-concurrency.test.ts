import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisPool } from '../../src/commands/workers/analysis-pool.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';
import { multipart } from '../helpers/multipart.js';
import { campaignCsv } from '../helpers/campaigns.js';

interface Gate {
  open(): void;
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.each(BACKENDS)('per-organisation concurrency of analyses and uploads [%s]', (backend) => {
  let t: TestApp;
  let first: TestOrg;
  let second: TestOrg;
  const datasets = new Map<string, string>();
  const as = (org: TestOrg) => bearer(org.users.analyst.accessToken);

  /** Holds every analysis before its worker step until the gate opens, so "in progress" is certain, not a race. */
  function gatePool(): Gate {
    const real: AnalysisPool = t.ctx.analysisPool;
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    Object.assign(t.ctx, {
      analysisPool: {
        ...real,
        run: async (input: Parameters<AnalysisPool['run']>[0]) => (await opened, real.run(input)),
      },
    });
    return {
      open: () => {
        open();
        Object.assign(t.ctx, { analysisPool: real });
      },
    };
  }

  const analyse = (org: TestOrg) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: as(org),
      payload: { datasetIds: [datasets.get(org.orgId)!] },
    });

  beforeAll(async () => {
    t = await createTestApp(backend, {
      env: { PCA_LOGIN_RATE_LIMIT: '1000', PCA_ORG_CONCURRENT_ANALYSES: '1', PCA_ORG_CONCURRENT_UPLOADS: '1' },
    });
    first = await seedOrg(t, 'first');
    second = await seedOrg(t, 'second');
    for (const org of [first, second]) {
      const body = multipart({ name: 'small.csv', content: campaignCsv(2_000) });
      const uploaded = await t.app.inject({
        method: 'POST',
        url: '/api/v1/datasets',
        headers: { ...as(org), ...body.headers },
        payload: body.payload,
      });
      expect(uploaded.statusCode).toBe(201);
      datasets.set(org.orgId, uploaded.json<{ id: string }>().id);
    }
  }, 120_000);
  afterAll(() => t.dispose());

  it('refuses a second analysis of the same organisation with 429 and Retry-After, while another organisation runs', async () => {
    const gate = gatePool();
    const running = analyse(first);
    await until(() => t.ctx.orgLimits.analyses.inProgress(first.orgId) === 1);
    const refused = await analyse(first);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.json()).toMatchObject({ status: 429, limit: 1 });
    // Another organisation is not starved by the first one's analysis.
    const other = analyse(second);
    await until(() => t.ctx.orgLimits.analyses.inProgress(second.orgId) === 1);
    gate.open();
    expect((await running).statusCode).toBe(201);
    expect((await other).statusCode).toBe(201);
    // The slot is free again once the analysis has finished.
    expect(t.ctx.orgLimits.analyses.inProgress(first.orgId)).toBe(0);
    expect((await analyse(first)).statusCode).toBe(201);
  }, 60_000);

  it('frees the slot of an analysis that fails', async () => {
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: as(first),
      payload: { datasetIds: ['ds_missing'] },
    });
    expect(missing.statusCode).toBe(404);
    expect(t.ctx.orgLimits.analyses.inProgress(first.orgId)).toBe(0);
    expect((await analyse(first)).statusCode).toBe(201);
  }, 60_000);

  it('refuses a second concurrent upload of the same organisation with 429, and accepts it once the first is done', async () => {
    const body = multipart({ name: 'slow.csv', content: campaignCsv(500) });
    const split = body.payload.length - 200;
    const stream = new PassThrough();
    stream.write(body.payload.subarray(0, split));
    const slow = t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...as(first), ...body.headers },
      payload: stream,
    });
    await until(() => t.ctx.orgLimits.uploads.inProgress(first.orgId) === 1);
    const again = multipart({ name: 'again.csv', content: campaignCsv(500) });
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...as(first), ...again.headers },
      payload: again.payload,
    });
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const elsewhere = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...as(second), ...again.headers },
      payload: again.payload,
    });
    expect(elsewhere.statusCode).toBe(201);
    stream.end(body.payload.subarray(split));
    expect((await slow).statusCode).toBe(201);
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...as(first), ...again.headers },
      payload: again.payload,
    });
    expect(accepted.statusCode).toBe(201);
  }, 60_000);
});
