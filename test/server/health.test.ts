import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

interface Ready {
  status: string;
  checks: Record<string, { status: string; componentType: string; time: string; output?: string }[]>;
}

describe.each(BACKENDS)('health endpoints [%s]', (backend) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
  });

  it('says the process is live', async () => {
    t = await createTestApp(backend);
    const response = await t.app.inject({ method: 'GET', url: '/health/live' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/health\+json/);
    expect(response.json()).toEqual({ status: 'pass' });
  });

  it('is ready when the store and DuckDB answer', async () => {
    t = await createTestApp(backend);
    const response = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/health\+json/);
    const body = response.json<Ready>();
    expect(body.status).toBe('pass');
    expect(body.checks.store?.[0]).toMatchObject({ status: 'pass', componentType: 'datastore', output: backend });
    expect(body.checks.duckdb?.[0]).toMatchObject({ status: 'pass' });
    expect(Date.parse(body.checks.store?.[0]?.time ?? '')).not.toBeNaN();
  });

  it('turns 503 with status fail when the store is gone', async () => {
    t = await createTestApp(backend);
    await t.ctx.store.close();
    const response = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(503);
    const body = response.json<Ready>();
    expect(body.status).toBe('fail');
    expect(body.checks.store?.[0]?.status).toBe('fail');
    expect(body.checks.duckdb?.[0]?.status).toBe('pass');
    expect(body.checks.store?.[0]?.output).toBeTruthy();
    const live = await t.app.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
  });

  it('turns 503 when DuckDB is gone', async () => {
    t = await createTestApp(backend);
    t.ctx.duck.close();
    const response = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.json<Ready>().checks.duckdb?.[0]?.status).toBe('fail');
  });

  it('fails a check that overruns its timeout, and a warn-only check only warns', async () => {
    t = await createTestApp(backend);
    t.ctx.health.register({
      name: 'slow',
      componentType: 'component',
      timeoutMs: 50,
      onFailure: 'warn',
      run: () => new Promise((resolve) => setTimeout(resolve, 1_000)),
    });
    const warn = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(warn.statusCode).toBe(200);
    expect(warn.json<Ready>().status).toBe('warn');
    expect(warn.json<Ready>().checks.slow?.[0]).toMatchObject({ status: 'warn', output: 'timed out after 50 ms' });
  });
});
