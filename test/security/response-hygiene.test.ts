import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactUrlForLog } from '../../src/server/log-redaction.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, OPERATOR_PASSWORD, type Session } from '../helpers/identity.js';
import { seedOperator } from '../helpers/seed.js';

describe('log redaction of URLs', () => {
  it('replaces the values of sensitive query parameters only', () => {
    expect(redactUrlForLog('/api/v1/x?token=abc&limit=5&api_key=k1&Password=p&code=123456&refresh%5Ftoken=r')).toBe(
      '/api/v1/x?token=[redacted]&limit=5&api_key=[redacted]&Password=[redacted]&code=[redacted]&refresh%5Ftoken=[redacted]',
    );
    expect(redactUrlForLog('/api/v1/x')).toBe('/api/v1/x');
    expect(redactUrlForLog('/api/v1/x?flag&q=%E0')).toBe('/api/v1/x?flag&q=%E0');
  });
});

describe.each(BACKENDS)('response and log hygiene [%s]', (backend) => {
  let t: TestApp;
  let operator: Session;
  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    operator = await seedOperator(t);
  }, 60_000);
  afterAll(() => t.dispose());

  it('marks every /api response no-store: tokens, keys, one-time passwords, refusals', async () => {
    const responses = [
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'admin', password: 'wrong-password-1' },
      }),
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: bearer(operator.accessToken),
        payload: { name: 'k', scopes: ['analyses:read'] },
      }),
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: bearer(operator.accessToken),
        payload: { username: 'otp-user', role: 'viewer' },
      }),
      await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(operator.accessToken) }),
      await t.app.inject({ method: 'GET', url: '/api/v1/users' }),
    ];
    expect(responses.map((response) => response.statusCode)).toEqual([401, 201, 201, 200, 401]);
    for (const response of responses) expect(response.headers['cache-control']).toBe('no-store');
  });

  it('never logs a password, a token or a cookie, whatever headers and bodies carry them', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'x-pca-csrf': '1' },
      payload: { username: 'admin', password: OPERATOR_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const { accessToken } = login.json<{ accessToken: string }>();
    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      headers: { 'x-pca-csrf': '1', cookie },
    });
    expect(refreshed.statusCode).toBe(200);
    await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { ...bearer(accessToken), cookie } });
    const lines = JSON.stringify(t.logs);
    expect(lines).toContain('/api/v1/auth/refresh');
    for (const secret of [OPERATOR_PASSWORD, accessToken, cookie.split('=')[1]!, operator.accessToken])
      expect(lines).not.toContain(secret);
  });

  it('never logs the value of a sensitive query parameter', async () => {
    await t.app.inject({
      method: 'GET',
      url: '/api/v1/users?limit=5&token=leaky-token-value&code=987654',
      headers: bearer(operator.accessToken),
    });
    const lines = JSON.stringify(t.logs);
    expect(lines).toContain('token=[redacted]');
    expect(lines).not.toContain('leaky-token-value');
    expect(lines).not.toContain('987654');
  });
});
