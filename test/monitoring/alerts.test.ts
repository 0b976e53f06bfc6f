import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateRules } from '../../src/monitoring/alerts/evaluator.js';
import { ensureDefaultRules, stepRule, updateRules } from '../../src/monitoring/alerts/rules.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type Session, type TestOrg } from '../helpers/identity.js';
import { seedOperator, seedOrg } from '../helpers/seed.js';

describe('rule evaluation (for and hysteresis)', () => {
  const rule = (state: { firing: boolean; pendingSince: string | null }) => ({
    threshold: 80,
    forSeconds: 300,
    hysteresis: 0.1,
    state: { ...state, lastValue: null },
  });
  const at = (seconds: number) => new Date(Date.UTC(2026, 10, 26, 10, 0, 0) + seconds * 1000);

  it('fires only once the condition has held for the whole duration', () => {
    let state = { firing: false, pendingSince: null as string | null };
    const steps = [0, 60, 299, 300].map((seconds) => {
      const step = stepRule(rule(state), 90, at(seconds));
      state = { firing: step.firing, pendingSince: step.pendingSince };
      return step.action;
    });
    expect(steps).toEqual(['none', 'none', 'none', 'fire']);
  });

  it('forgets a breach that did not last', () => {
    const pending = stepRule(rule({ firing: false, pendingSince: null }), 95, at(0));
    const dipped = stepRule(rule({ firing: false, pendingSince: pending.pendingSince }), 50, at(100));
    expect(dipped).toEqual({ action: 'none', pendingSince: null, firing: false });
    expect(stepRule(rule({ firing: false, pendingSince: null }), 95, at(350)).action).toBe('none');
  });

  it('does not clear while a flapping value stays within the hysteresis band', () => {
    const firing = { firing: true, pendingSince: at(0).toISOString() };
    expect(stepRule(rule(firing), 79, at(400)).action).toBe('none');
    expect(stepRule(rule(firing), 72.5, at(410)).action).toBe('none');
    expect(stepRule(rule(firing), 71.9, at(420)).action).toBe('clear');
    expect(stepRule(rule(firing), null, at(430))).toEqual({
      action: 'none',
      pendingSince: firing.pendingSince,
      firing: true,
    });
  });
});

describe.each(BACKENDS)('alerts [%s]', (backend) => {
  let t: TestApp;
  let operator: Session;
  let tenant: TestOrg;

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    operator = await seedOperator(t);
    tenant = await seedOrg(t, 'alerting');
  }, 120_000);
  afterAll(() => t.dispose());

  it('opens once, counts repeats on the same fingerprint, and resolves itself when the condition clears', async () => {
    const db = t.ctx.store.db;
    const start = Date.UTC(2026, 10, 26, 12, 0, 0);
    const at = (seconds: number) => new Date(start + seconds * 1000);
    await ensureDefaultRules(db, operator.orgId, at(0));
    await updateRules(
      db,
      operator.orgId,
      [{ metric: 'disk_percent', threshold: 90, forSeconds: 60, hysteresis: 0.1 }],
      at(0),
    );
    expect((await evaluateRules(db, operator.orgId, { disk_percent: 95 }, at(0))).opened).toHaveLength(0);
    const fired = await evaluateRules(db, operator.orgId, { disk_percent: 96 }, at(60));
    expect(fired.opened.map((alert) => [alert.category, alert.severity, alert.status])).toEqual([
      ['system', 'critical', 'open'],
    ]);
    const again = await evaluateRules(db, operator.orgId, { disk_percent: 97 }, at(90));
    expect(again.repeated.map((alert) => alert.count)).toEqual([2]);
    expect((await evaluateRules(db, operator.orgId, { disk_percent: 85 }, at(120))).resolved).toEqual([]);
    const cleared = await evaluateRules(db, operator.orgId, { disk_percent: 50 }, at(150));
    expect(cleared.resolved).toEqual([fired.opened[0]!.id]);

    const alert = await t.app.inject({
      method: 'GET',
      url: `/api/v1/alerts/${fired.opened[0]!.id}`,
      headers: bearer(operator.accessToken),
    });
    expect(alert.json()).toMatchObject({ status: 'resolved', count: 2, resolved: { how: 'auto', by: null } });
    expect(alert.json<{ history: { event: string }[] }>().history.map((entry) => entry.event)).toEqual([
      'opened',
      'repeated',
      'auto_resolved',
    ]);
  });

  it('walks a manual alert through acknowledge and resolve, keeping the history', async () => {
    const admin = bearer(tenant.users.admin.accessToken);
    const raise = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/alerts',
        headers: admin,
        payload: {
          severity: 'warning',
          category: 'data',
          title: 'Tracking gap on Meta',
          message: 'No conversions since Monday',
        },
      });
    const first = await raise();
    expect(first.statusCode).toBe(201);
    const id = first.json<{ id: string }>().id;
    const second = await raise();
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ id, count: 2 });

    const ack = await t.app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${id}/acknowledge`,
      headers: admin,
      payload: { note: 'looking into the pixel' },
    });
    expect(ack.json()).toMatchObject({
      status: 'acknowledged',
      acknowledged: { by: 'boss', note: 'looking into the pixel' },
    });
    const resolved = await t.app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${id}/resolve`,
      headers: admin,
      payload: { note: 'pixel fixed' },
    });
    expect(resolved.json()).toMatchObject({ status: 'resolved', resolved: { by: 'boss', how: 'manual' } });
    expect(
      (await t.app.inject({ method: 'POST', url: `/api/v1/alerts/${id}/resolve`, headers: admin })).statusCode,
    ).toBe(409);
    const reopened = await raise();
    expect(reopened.statusCode).toBe(201);
    expect(reopened.json<{ id: string }>().id).not.toBe(id);

    const open = await t.app.inject({ method: 'GET', url: '/api/v1/alerts?status=open&category=data', headers: admin });
    expect(open.json<{ items: { id: string }[] }>().items.map((item) => item.id)).toEqual([
      reopened.json<{ id: string }>().id,
    ]);
    // A viewer cannot manage alerts; the operator does not see another organisation's alert.
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/api/v1/alerts/${id}/acknowledge`,
          headers: bearer(tenant.users.viewer.accessToken),
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/alerts/${id}`, headers: bearer(operator.accessToken) }))
        .statusCode,
    ).toBe(404);
  });

  it('lets the operator edit the instance rules, and no tenant', async () => {
    const rules = await t.app.inject({
      method: 'GET',
      url: '/api/v1/alerts/rules',
      headers: bearer(operator.accessToken),
    });
    const metrics = rules.json<{ items: { metric: string; threshold: number }[] }>().items.map((rule) => rule.metric);
    expect(metrics.sort()).toEqual([
      'cpu_percent',
      'disk_percent',
      'error_rate_percent',
      'event_loop_lag_ms',
      'memory_percent',
      'p95_latency_ms',
    ]);
    const updated = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/alerts/rules',
      headers: bearer(operator.accessToken),
      payload: { rules: [{ metric: 'cpu_percent', threshold: 95, enabled: false }] },
    });
    expect(
      updated
        .json<{ items: { metric: string; threshold: number; enabled: boolean }[] }>()
        .items.find((rule) => rule.metric === 'cpu_percent'),
    ).toMatchObject({ threshold: 95, enabled: false });
    const invalid = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/alerts/rules',
      headers: bearer(operator.accessToken),
      payload: { rules: [{ metric: 'moon_phase', threshold: 1 }] },
    });
    expect(invalid.statusCode).toBe(422);
    const tenantAdmin = await t.app.inject({
      method: 'GET',
      url: '/api/v1/alerts/rules',
      headers: bearer(tenant.users.admin.accessToken),
    });
    expect(tenantAdmin.statusCode).toBe(403);
  });
});
