import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystemSampler, SYSTEM_HISTORY_SAMPLES, type SystemSample } from '../../src/monitoring/system.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type Session, type TestOrg } from '../helpers/identity.js';
import { seedOperator, seedOrg } from '../helpers/seed.js';

const pool = () => ({ total: 1, idle: 1, waiting: 0 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('system sampler history', () => {
  it('keeps the latest samples oldest first, bounded, with the stall each interval saw', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pca-sampler-'));
    const sampler = startSystemSampler(dir, pool, 5);
    try {
      expect(sampler.history()).toEqual([]);
      // The history never holds more than its bound, so wait until it is full and then until its oldest sample is dropped.
      const deadline = Date.now() + 20_000;
      while (sampler.history().length < SYSTEM_HISTORY_SAMPLES && Date.now() < deadline) await sleep(50);
      const oldest = sampler.history()[0]?.at;
      while (sampler.history()[0]?.at === oldest && Date.now() < deadline) await sleep(20);
      // Block the loop for ~120 ms: the sample covering it shows the lag, later ones do not keep it.
      const blockedAt = Date.now();
      while (Date.now() - blockedAt < 120);
      await sleep(100);
      const samples: SystemSample[] = sampler.history();
      expect(samples).toHaveLength(SYSTEM_HISTORY_SAMPLES);
      expect(samples[0]?.at).not.toBe(oldest);
      expect(samples.map((sample) => sample.at)).toEqual(samples.map((sample) => sample.at).sort());
      const last = samples.at(-1) as SystemSample;
      expect(last.memoryUsedPercent).toBeGreaterThan(0);
      expect(last.memoryUsedPercent).toBeLessThanOrEqual(100);
      expect(last.diskUsedPercent).toBeGreaterThan(0);
      expect(samples.some((sample) => sample.eventLoopDelayMs >= 100)).toBe(true);
      expect(last.eventLoopDelayMs).toBeLessThan(100);
    } finally {
      sampler.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('reports a null disk figure when the data directory is gone, and still samples', async () => {
    const sampler = startSystemSampler(path.join(tmpdir(), 'pca-no-such-dir-for-sampler'), pool, 5);
    try {
      while (sampler.history().length < 2) await sleep(20);
      expect(sampler.history()[0]?.diskUsedPercent).toBeNull();
    } finally {
      sampler.stop();
    }
  });
});

describe.each(BACKENDS)('system history route [%s]', (backend) => {
  let t: TestApp;
  let operator: Session;
  let tenant: TestOrg;

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    operator = await seedOperator(t);
    tenant = await seedOrg(t, 'tenant');
  }, 120_000);
  afterAll(() => t.dispose());

  it('serves the sampler’s history to the operator and refuses a viewer and an anonymous caller', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/monitoring/system/history',
      headers: bearer(operator.accessToken),
    });
    expect(response.statusCode).toBe(200);
    const items = response.json<{ items: SystemSample[] }>().items;
    // A sample may land between the answer and this line; what was answered is the start of the history.
    expect(t.ctx.monitoring.system.history().slice(0, items.length)).toEqual(items);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/monitoring/system/history',
          headers: bearer(tenant.users.viewer.accessToken),
        })
      ).statusCode,
    ).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/monitoring/system/history' })).statusCode).toBe(401);
  });
});
