import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPayload } from '../../src/monitoring/alerts/channels.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';
import { receiver } from '../helpers/webhook-receiver.js';

async function until<T>(read: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(25);
  }
}

describe.each(BACKENDS)('alert webhooks [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;
  beforeAll(async () => {
    t = await createTestApp(backend, {
      env: { PCA_LOGIN_RATE_LIMIT: '1000', PCA_WEBHOOK_RETRY_DELAYS_MS: '20,20', PCA_WEBHOOK_ALLOW_PRIVATE: 'true' },
    });
    org = await seedOrg(t, 'hooks');
  }, 120_000);
  afterAll(() => t.dispose());

  it('sends a signed test event on request, says how it went, and answers 404 for another organisation', async () => {
    const hook = await receiver(1);
    try {
      const admin = bearer(org.users.admin.accessToken);
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/alerts/channels',
        headers: admin,
        payload: { name: 'test me', url: hook.url },
      });
      const { channel, secret } = created.json<{ channel: { id: string }; secret: string }>();
      const first = await t.app.inject({
        method: 'POST',
        url: `/api/v1/alerts/channels/${channel.id}/test`,
        headers: admin,
      });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toEqual({ outcome: 'failed', statusClass: '5xx' });
      const second = await t.app.inject({
        method: 'POST',
        url: `/api/v1/alerts/channels/${channel.id}/test`,
        headers: admin,
      });
      expect(second.json()).toEqual({ outcome: 'delivered', statusClass: '2xx' });
      expect(hook.received).toHaveLength(2);
      const sent = hook.received[1]!;
      expect(sent.headers['x-pca-event']).toBe('test');
      expect(sent.headers['x-pca-signature']).toBe(
        signPayload(secret, String(sent.headers['x-pca-timestamp']), sent.body),
      );
      expect(JSON.parse(sent.body)).toMatchObject({ event: 'test', channel: { id: channel.id, name: 'test me' } });

      const other = await seedOrg(t, 'hooks-other');
      const foreign = await t.app.inject({
        method: 'POST',
        url: `/api/v1/alerts/channels/${channel.id}/test`,
        headers: bearer(other.users.admin.accessToken),
      });
      expect(foreign.statusCode).toBe(404);
      expect(hook.received).toHaveLength(2);
      await t.app.inject({ method: 'DELETE', url: `/api/v1/alerts/channels/${channel.id}`, headers: admin });
    } finally {
      hook.server.close();
    }
  });

  it('signs each delivery, retries failures with backoff, and logs every attempt', async () => {
    const hook = await receiver(2);
    try {
      const admin = bearer(org.users.admin.accessToken);
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/alerts/channels',
        headers: admin,
        payload: { name: 'ops', url: hook.url },
      });
      expect(created.statusCode).toBe(201);
      const { channel, secret } = created.json<{ channel: { id: string }; secret: string }>();
      const listed = await t.app.inject({ method: 'GET', url: '/api/v1/alerts/channels', headers: admin });
      expect(listed.body).not.toContain(secret);

      const alert = await t.app.inject({
        method: 'POST',
        url: '/api/v1/alerts',
        headers: admin,
        payload: { severity: 'critical', category: 'data', title: 'Spend with no conversions' },
      });
      const alertId = alert.json<{ id: string }>().id;
      const deliveries = await until(async () => {
        const response = await t.app.inject({
          method: 'GET',
          url: `/api/v1/alerts/channels/${channel.id}/deliveries`,
          headers: admin,
        });
        const items = response.json<{ items: { attempt: number; outcome: string; statusClass: string }[] }>().items;
        return items.some((item) => item.outcome === 'delivered') ? items : undefined;
      });
      expect(deliveries.map((item) => [item.attempt, item.outcome, item.statusClass])).toEqual([
        [1, 'failed', '5xx'],
        [2, 'failed', '5xx'],
        [3, 'delivered', '2xx'],
      ]);
      expect(hook.received).toHaveLength(3);
      const last = hook.received[2]!;
      const timestamp = String(last.headers['x-pca-timestamp']);
      expect(last.headers['x-pca-signature']).toBe(signPayload(secret, timestamp, last.body));
      expect(signPayload('another-secret', timestamp, last.body)).not.toBe(last.headers['x-pca-signature']);
      expect(JSON.parse(last.body)).toMatchObject({
        event: 'opened',
        alert: { id: alertId, title: 'Spend with no conversions' },
      });

      const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toMatch(/pca_alerts_opened_total\{severity="critical"\} [1-9]/);
      await t.app.inject({ method: 'DELETE', url: `/api/v1/alerts/channels/${channel.id}`, headers: admin });
      expect(
        (await t.app.inject({ method: 'GET', url: `/api/v1/alerts/channels/${channel.id}/deliveries`, headers: admin }))
          .statusCode,
      ).toBe(404);
    } finally {
      hook.server.close();
    }
  });

  it('refuses a URL that is not http(s)', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/alerts/channels',
      headers: bearer(org.users.admin.accessToken),
      payload: { name: 'x', url: 'file:///etc/passwd' },
    });
    expect(response.statusCode).toBe(422);
  });
});
