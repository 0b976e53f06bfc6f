import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, operatorSession, orgWithEveryRole, type Session, type TestOrg } from '../helpers/identity.js';

describe.each(BACKENDS)('monitoring [%s]', (backend) => {
  let t: TestApp;
  let operator: Session;
  let tenant: TestOrg;

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    operator = await operatorSession(t.app);
    tenant = await orgWithEveryRole(t.app, operator, 'tenant');
  }, 120_000);
  afterAll(() => t.dispose());

  it('serves Prometheus text to loopback callers, with route templates and business counters', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: 'wrong-password-here' },
    });
    await t.app.inject({ method: 'GET', url: `/api/v1/users/usr_doesnotexist`, headers: bearer(operator.accessToken) });
    const response = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    const text = response.body;
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/users\/:id"[^}]*status_class="4xx"/,
    );
    expect(text).not.toContain('usr_doesnotexist');
    expect(text).toMatch(/pca_logins_total\{outcome="bad_password"\} [1-9]/);
    expect(text).toMatch(/pca_logins_total\{outcome="success"\} [1-9]/);
    expect(text).toContain('http_requests_in_flight');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    const heads = await t.ctx.store.db.selectFrom('audit_heads').select('seq').execute();
    const appended = heads.reduce((total, head) => total + Number(head.seq), 0);
    expect(appended).toBeGreaterThan(0);
    expect(text).toContain(`pca_audit_events_total ${appended}`);
    // No analysis has run: the pools have started no thread and hold no task.
    expect(text).toContain('pca_worker_threads{pool="analysis"} 0');
    expect(text).toContain('pca_worker_tasks{pool="analysis",state="queued"} 0');
    expect(text).toContain('pca_worker_tasks{pool="deck",state="busy"} 0');
    t.ctx.analysisPool.start();
    const started = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(started).toContain(`pca_worker_threads{pool="analysis"} ${t.ctx.config.performance.workerThreads}`);
    const remote = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.9.8.7' });
    expect(remote.statusCode).toBe(403);
  });

  it('reports the instance’s request statistics and system figures to the operator only', async () => {
    const requests = await t.app.inject({
      method: 'GET',
      url: '/api/v1/monitoring/requests?minutes=60',
      headers: bearer(operator.accessToken),
    });
    expect(requests.statusCode).toBe(200);
    const report = requests.json<{
      total: number;
      overall: { p95Ms: number };
      routes: { route: string }[];
      statusCodes: Record<string, number>;
    }>();
    expect(report.total).toBeGreaterThan(10);
    expect(report.overall.p95Ms).toBeGreaterThan(0);
    expect(report.routes.map((route) => route.route)).toContain('POST /api/v1/auth/login');
    expect(report.statusCodes['401']).toBeGreaterThanOrEqual(1);

    const system = await t.app.inject({
      method: 'GET',
      url: '/api/v1/monitoring/system',
      headers: bearer(operator.accessToken),
    });
    const snapshot = system.json<{
      memory: { systemTotalBytes: number; processRssBytes: number };
      disk: { path: string; usedPercent: number };
      eventLoopLagMs: { p99: number };
      uptimeSeconds: number;
      store: { total: number };
    }>();
    expect(snapshot.memory.systemTotalBytes).toBeGreaterThan(snapshot.memory.processRssBytes);
    expect(snapshot.disk.path).toBe(t.config.dataDir);
    expect(snapshot.disk.usedPercent).toBeGreaterThan(0);
    expect(snapshot.eventLoopLagMs.p99).toBeGreaterThanOrEqual(0);
    expect(typeof snapshot.uptimeSeconds).toBe('number');
    expect(snapshot.store.total).toBeGreaterThanOrEqual(0);

    await t.app.inject({ method: 'GET', url: '/health/ready' });
    const health = await t.app.inject({
      method: 'GET',
      url: '/api/v1/monitoring/health',
      headers: bearer(operator.accessToken),
    });
    const checks = health.json<{ checks: Record<string, { status: string }[]> }>().checks;
    expect(Object.keys(checks).sort()).toEqual(['disk', 'duckdb', 'scheduler', 'store']);
    expect(checks.store?.[0]?.status).toBe('pass');

    // Another organisation's admin reads its own organisation's requests only, and no system figures; a viewer has no permission at all.
    const otherAdmin = await t.app.inject({
      method: 'GET',
      url: '/api/v1/monitoring/requests',
      headers: bearer(tenant.users.admin.accessToken),
    });
    expect(otherAdmin.json<{ scope: string; total: number }>()).toMatchObject({ scope: 'organization' });
    expect(otherAdmin.json<{ total: number }>().total).toBeLessThan(report.total);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/monitoring/system',
          headers: bearer(tenant.users.admin.accessToken),
        })
      ).statusCode,
    ).toBe(403);
    const viewer = await t.app.inject({
      method: 'GET',
      url: '/api/v1/monitoring/system',
      headers: bearer(tenant.users.viewer.accessToken),
    });
    expect(viewer.statusCode).toBe(403);
  });

  it('needs the bearer token for /metrics when one is configured', async () => {
    const secured = await createTestApp(backend, { env: { PCA_METRICS_TOKEN: 'scrape-token-0123456789' } });
    try {
      expect((await secured.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
      expect(
        (await secured.app.inject({ method: 'GET', url: '/metrics', headers: bearer('scrape-token-wrong-12345') }))
          .statusCode,
      ).toBe(401);
      expect(
        (
          await secured.app.inject({
            method: 'GET',
            url: '/metrics',
            headers: bearer('scrape-token-0123456789'),
            remoteAddress: '10.0.0.5',
          })
        ).statusCode,
      ).toBe(200);
    } finally {
      await secured.dispose();
    }
  });
});
