import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyAddress } from '../../src/monitoring/alerts/egress.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';

/** A receiver on loopback that counts what reaches it and answers with `status` and a chatty body. */
async function receiver(status: number): Promise<{ port: number; hits: () => number; server: Server }> {
  let hits = 0;
  const server = createServer((request, response) => {
    hits++;
    request.resume();
    response.statusCode = status;
    response.end('internal-detail: db01.corp password=hunter2');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, hits: () => hits, server };
}

interface Delivery {
  outcome: string;
  statusClass: string | null;
}

async function deliveries(t: TestApp, token: string, channelId: string, count: number): Promise<Delivery[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/alerts/channels/${channelId}/deliveries`,
      headers: bearer(token),
    });
    const items = response.json<{ items: Delivery[] }>().items;
    if (items.length >= count || Date.now() > deadline) return items;
    await sleep(25);
  }
}

describe('egress address classes', () => {
  it('classifies every notation of internal addresses as not public', () => {
    const cases: [string, string][] = [
      ['127.0.0.1', 'private'],
      ['::1', 'private'],
      ['::ffff:127.0.0.1', 'private'],
      ['[::ffff:7f00:1]', 'private'],
      ['10.1.2.3', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.0.1', 'private'],
      ['100.64.0.1', 'private'],
      ['fd00::1', 'private'],
      ['169.254.169.254', 'forbidden'],
      ['::ffff:169.254.169.254', 'forbidden'],
      ['0.0.0.0', 'forbidden'],
      ['::', 'forbidden'],
      ['fe80::1', 'forbidden'],
      ['224.0.0.1', 'forbidden'],
      ['ff02::1', 'forbidden'],
      ['255.255.255.255', 'forbidden'],
      ['192.0.2.10', 'forbidden'],
      ['64:ff9b::7f00:1', 'forbidden'],
      ['2002:7f00:1::', 'forbidden'],
      ['not-an-ip', 'forbidden'],
      ['93.184.216.34', 'public'],
      ['172.32.0.1', 'public'],
      ['2606:4700::1111', 'public'],
    ];
    expect(cases.map(([address]) => [address, classifyAddress(address)])).toEqual(cases);
  });
});

describe.each(BACKENDS)('webhook targets [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;
  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000', PCA_WEBHOOK_RETRY_DELAYS_MS: '10' } });
    org = await seedOrg(t, 'ssrf');
  }, 120_000);
  afterAll(() => t.dispose());

  const create = (url: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/alerts/channels',
      headers: bearer(org.users.admin.accessToken),
      payload: { name: 'hook', url },
    });

  it('refuses loopback, private, link-local, multicast, reserved and unspecified targets in any notation, and names resolving to them', async () => {
    const targets = [
      'http://127.0.0.1:8080/x',
      'http://localhost/x',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.5/x',
      'http://192.168.1.1/x',
      'http://0x7f000001/x',
      'http://2130706433/x',
      'http://127.1/x',
      'http://0177.0.0.1/x',
      'http://[::ffff:127.0.0.1]/x',
      'http://[::1]/x',
      'http://0.0.0.0/x',
      'http://[fe80::1]/x',
      'http://224.0.0.1/x',
      'https://[::ffff:a9fe:a9fe]/x',
    ];
    for (const url of targets) {
      const response = await create(url);
      expect(response.statusCode, url).toBe(422);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    expect((await create('http://93.184.216.34/hooks/pca')).statusCode).toBe(201);
  });

  it('refuses a URL with credentials, says so, and never echoes them', async () => {
    const response = await create('https://bot:s3cr3t-pw@93.184.216.34/hook');
    expect(response.statusCode).toBe(422);
    expect(response.json<{ detail: string }>().detail).toContain('credentials');
    expect(response.body).not.toContain('s3cr3t-pw');
    const trail = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/events?limit=100',
      headers: bearer(org.users.auditor.accessToken),
    });
    expect(trail.body).not.toContain('s3cr3t-pw');
  });

  it('masks credentials of a channel stored before they were refused', async () => {
    await t.ctx.store.db
      .insertInto('alert_channels')
      .values({
        id: 'chn_legacycreds00000000',
        org_id: org.orgId,
        name: 'legacy',
        url: 'https://bot:old-s3cret@93.184.216.34/hook',
        secret: t.ctx.auth.box.seal('x'),
        enabled: 0,
        created_at: new Date().toISOString(),
      })
      .execute();
    const listed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/alerts/channels',
      headers: bearer(org.users.admin.accessToken),
    });
    expect(listed.body).not.toContain('old-s3cret');
    expect(listed.body).toContain('https://***@93.184.216.34/hook');
  });

  it('re-checks the address when connecting: a stored name that now resolves to loopback is refused and never reached', async () => {
    const hook = await receiver(204);
    try {
      // As if the name resolved to a public address at creation and re-resolves to loopback now (DNS rebinding).
      await t.ctx.store.db
        .insertInto('alert_channels')
        .values({
          id: 'chn_rebinding000000000',
          org_id: org.orgId,
          name: 'rebound',
          url: `http://localhost:${hook.port}/hook`,
          secret: t.ctx.auth.box.seal('x'),
          enabled: 1,
          created_at: new Date().toISOString(),
        })
        .execute();
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/alerts',
        headers: bearer(org.users.admin.accessToken),
        payload: { severity: 'warning', category: 'data', title: 'rebinding probe' },
      });
      const log = await deliveries(t, org.users.admin.accessToken, 'chn_rebinding000000000', 1);
      expect(log).toEqual([expect.objectContaining({ outcome: 'refused', statusClass: null })]);
      expect(hook.hits()).toBe(0);
    } finally {
      hook.server.close();
      await t.ctx.store.db.deleteFrom('alert_channels').where('org_id', '=', org.orgId).execute();
    }
  });
});

describe.each(BACKENDS)('webhook targets on premises [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;
  beforeAll(async () => {
    t = await createTestApp(backend, {
      env: { PCA_LOGIN_RATE_LIMIT: '1000', PCA_WEBHOOK_RETRY_DELAYS_MS: '10', PCA_WEBHOOK_ALLOW_PRIVATE: 'true' },
    });
    org = await seedOrg(t, 'onprem');
  }, 120_000);
  afterAll(() => t.dispose());

  it('allows private targets but still refuses link-local and reserved ones; the log keeps only coarse outcomes', async () => {
    const admin = bearer(org.users.admin.accessToken);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/alerts/channels',
      headers: admin,
      payload: { name: 'meta', url: 'http://169.254.169.254/' },
    });
    expect(refused.statusCode).toBe(422);
    const hook = await receiver(500);
    try {
      const answered = await t.app.inject({
        method: 'POST',
        url: '/api/v1/alerts/channels',
        headers: admin,
        payload: { name: 'lan', url: `http://127.0.0.1:${hook.port}/hook` },
      });
      expect(answered.statusCode).toBe(201);
      // A closed port: the log must not say "ECONNREFUSED 127.0.0.1:1".
      const closed = await t.app.inject({
        method: 'POST',
        url: '/api/v1/alerts/channels',
        headers: admin,
        payload: { name: 'closed', url: 'http://127.0.0.1:1/hook' },
      });
      expect(closed.statusCode).toBe(201);
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/alerts',
        headers: admin,
        payload: { severity: 'warning', category: 'data', title: 'coarse log' },
      });
      const answeredLog = await deliveries(
        t,
        org.users.admin.accessToken,
        answered.json<{ channel: { id: string } }>().channel.id,
        2,
      );
      const closedLog = await deliveries(
        t,
        org.users.admin.accessToken,
        closed.json<{ channel: { id: string } }>().channel.id,
        2,
      );
      expect(answeredLog.map((item) => [item.outcome, item.statusClass])).toEqual([
        ['failed', '5xx'],
        ['failed', '5xx'],
      ]);
      expect(closedLog.map((item) => [item.outcome, item.statusClass])).toEqual([
        ['failed', null],
        ['failed', null],
      ]);
      // Without the timestamps: a delivery at hh:mm:ss.500 would read as the status 500.
      const raw = JSON.stringify([answeredLog, closedLog], (key, value: unknown) => (key === 'at' ? undefined : value));
      expect(raw).not.toMatch(/ECONNREFUSED|hunter2|500|127\.0\.0\.1/);
    } finally {
      hook.server.close();
    }
  });
});
