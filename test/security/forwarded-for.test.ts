import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, OPERATOR_PASSWORD } from '../helpers/identity.js';
import { seedOperator } from '../helpers/seed.js';

describe.each(BACKENDS)('X-Forwarded-For behind one proxy [%s]', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_TRUST_PROXY: 'true', PCA_LOGIN_RATE_LIMIT: '3' } });
  }, 60_000);
  afterAll(() => t.dispose());

  const viaProxy = (forwarded: string) => ({ remoteAddress: '10.0.0.2', headers: { 'x-forwarded-for': forwarded } });

  it("takes the client address the proxy added, not the client's own leftmost entry", async () => {
    const operator = await seedOperator(t);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      ...viaProxy('127.0.0.1, 203.0.113.9'),
      payload: { username: 'admin', password: OPERATOR_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const sessions = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/sessions',
      headers: bearer(login.json<{ accessToken: string }>().accessToken),
    });
    expect(sessions.json<{ items: { ip: string; current: boolean }[] }>().items.find((item) => item.current)?.ip).toBe(
      '203.0.113.9',
    );
    expect(operator.userId).toBeTruthy();
  });

  it('cannot dodge the per-address login limit by inventing leftmost entries', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        ...viaProxy(`192.0.2.${i}, 198.51.100.77`),
        payload: { username: 'nobody', password: 'not-the-password-1' },
      });
      statuses.push(response.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('decides loopback-only /metrics from the socket, whatever the header says', async () => {
    const forged = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '203.0.113.9',
      headers: { 'x-forwarded-for': '127.0.0.1' },
    });
    expect(forged.statusCode).toBe(403);
    const local = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' });
    expect(local.statusCode).toBe(200);
  });
});

describe('PCA_TRUST_PROXY forms', () => {
  it('accepts a hop count and proxy addresses/CIDRs, and refuses anything else', async () => {
    const { loadConfig, ConfigError } = await import('../../src/config.js');
    expect(loadConfig({ PCA_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ PCA_TRUST_PROXY: '10.0.0.2, 172.16.0.0/12,::1' }).trustProxy).toEqual([
      '10.0.0.2',
      '172.16.0.0/12',
      '::1',
    ]);
    expect(loadConfig({ PCA_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(() => loadConfig({ PCA_TRUST_PROXY: 'everyone' })).toThrow(ConfigError);
  });
});
