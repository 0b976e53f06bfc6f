import { afterEach, describe, expect, it } from 'vitest';
import { RULE_METRICS, ensureDefaultRules, listRules, updateRules } from '../../src/monitoring/alerts/rules.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { seedOperator } from '../helpers/seed.js';

describe.each(BACKENDS)('alert evaluator across instances and restarts [%s]', (backend) => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    // The first app owns the environment (data dir, schema); the others only share it, so it goes last.
    const [owner, ...sharing] = apps.splice(0);
    for (const app of sharing) await app.close();
    await owner?.dispose();
  });

  it('evaluates on one instance at a time, and keeps rule state in the store across a restart', async () => {
    let now = new Date('2026-11-26T12:00:00Z');
    const clock = () => now;
    const first = await createTestApp(backend, { clock });
    apps.push(first);
    const second = await createTestApp(backend, { clock, reuse: first.environment });
    apps.push(second);
    const operator = await seedOperator(first);
    const db = first.ctx.store.db;
    await ensureDefaultRules(db, operator.orgId, now);
    // Only one rule, with a threshold every machine breaches, held for 10 minutes before firing.
    await updateRules(
      db,
      operator.orgId,
      RULE_METRICS.map((metric) =>
        metric === 'memory_percent' ? { metric, threshold: 0, forSeconds: 600 } : { metric, enabled: false },
      ),
      now,
    );

    const ticks = await Promise.all([first.alerts.tick(), second.alerts.tick()]);
    expect(ticks.filter((tick) => tick !== undefined)).toHaveLength(1);
    const pending = (await listRules(db, operator.orgId)).find((rule) => rule.metric === 'memory_percent')!;
    expect(pending.state).toMatchObject({ firing: false, pendingSince: now.toISOString() });

    // A restart: a new instance on the same store picks up the pending state and fires when it has held long enough.
    await second.close();
    apps.pop();
    const third = await createTestApp(backend, { clock, reuse: first.environment });
    apps.push(third);
    now = new Date(now.getTime() + 601_000);
    const holder = (await first.alerts.tick()) ?? (await third.alerts.tick());
    expect(holder?.system?.opened.map((alert) => alert.title)).toEqual(['Memory above 85 %']);
  });
});
