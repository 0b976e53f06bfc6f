import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS, OPERATOR_FIRST_PASSWORD } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, login } from '../helpers/identity.js';

const CSRF = { 'x-pca-csrf': '1' };

function refreshCookie(setCookie: string | string[] | undefined): string {
  const all = Array.isArray(setCookie) ? setCookie : setCookie === undefined ? [] : [setCookie];
  const found = all.find((value) => value.startsWith('pca_refresh='));
  if (found === undefined) throw new Error(`no refresh cookie in ${JSON.stringify(setCookie)}`);
  return found;
}

function cookieValue(header: string): string {
  return header.split(';')[0]!.slice('pca_refresh='.length);
}

describe.each(BACKENDS)('browser sessions: refresh cookie, CSRF, WWW-Authenticate [%s]', (backend) => {
  let t: TestApp | undefined;
  let now = new Date('2026-11-26T10:00:00Z');
  const clock = () => now;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
    now = new Date('2026-11-26T10:00:00Z');
  });

  async function start() {
    t = await createTestApp(backend, { clock, env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    return t.app;
  }

  async function browserLogin(app: TestApp['app'], headers: Record<string, string> = {}) {
    return app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { ...CSRF, host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080', ...headers },
      payload: { username: 'admin', password: OPERATOR_FIRST_PASSWORD },
    });
  }

  it('keeps the refresh token out of the body and in an httpOnly, SameSite=Strict cookie on the auth path', async () => {
    const app = await start();
    const response = await browserLogin(app);
    expect(response.statusCode).toBe(200);
    const body = response.json<Record<string, unknown>>();
    expect(body.accessToken).toEqual(expect.any(String));
    expect(body).not.toHaveProperty('refreshToken');
    const cookie = refreshCookie(response.headers['set-cookie']);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\/api\/v1\/auth(;|$)/);
    expect(cookie).toMatch(/; Max-Age=2592000/);
    // Plain http on loopback cannot hold a Secure cookie; anywhere else it is Secure.
    expect(cookie).not.toMatch(/; Secure/);
    const remote = await browserLogin(app, { host: 'pca.example.com', origin: 'http://pca.example.com' });
    expect(refreshCookie(remote.headers['set-cookie'])).toMatch(/; Secure/);
  });

  it('leaves the JSON body flow of API clients as it was: no cookie', async () => {
    const app = await start();
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: OPERATOR_FIRST_PASSWORD },
    });
    expect(response.json<Record<string, unknown>>().refreshToken).toEqual(expect.any(String));
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('refreshes from the cookie, rotating it, and refuses the rotated-out cookie', async () => {
    const app = await start();
    const first = cookieValue(refreshCookie((await browserLogin(app)).headers['set-cookie']));
    const refreshed = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      headers: { ...CSRF, host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080' },
      cookies: { pca_refresh: first },
    });
    expect(refreshed.statusCode).toBe(200);
    const body = refreshed.json<Record<string, unknown>>();
    expect(body).not.toHaveProperty('refreshToken');
    const me = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(String(body.accessToken)) });
    expect(me.statusCode).toBe(200);
    const second = cookieValue(refreshCookie(refreshed.headers['set-cookie']));
    expect(second).not.toBe(first);
    const reused = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      headers: CSRF,
      cookies: { pca_refresh: first },
    });
    expect(reused.statusCode).toBe(401);
    expect(refreshCookie(reused.headers['set-cookie'])).toMatch(/^pca_refresh=;/);
  });

  it('refuses a cookie refresh without the CSRF header or from a foreign Origin', async () => {
    const app = await start();
    const cookie = cookieValue(refreshCookie((await browserLogin(app)).headers['set-cookie']));
    const noHeader = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      cookies: { pca_refresh: cookie },
    });
    expect(noHeader.statusCode).toBe(403);
    const foreign = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      headers: { ...CSRF, host: '127.0.0.1:8080', origin: 'https://evil.example' },
      cookies: { pca_refresh: cookie },
    });
    expect(foreign.statusCode).toBe(403);
    // Neither refusal spent the token: the real app can still use it.
    const real = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      headers: CSRF,
      cookies: { pca_refresh: cookie },
    });
    expect(real.statusCode).toBe(200);
    const foreignLogin = await browserLogin(app, { origin: 'https://evil.example' });
    expect(foreignLogin.statusCode).toBe(403);
    expect(foreignLogin.headers['set-cookie']).toBeUndefined();
  });

  it('clears the cookie on logout, and the old cookie no longer refreshes', async () => {
    const app = await start();
    const login = await browserLogin(app);
    const cookie = cookieValue(refreshCookie(login.headers['set-cookie']));
    const accessToken = login.json<{ accessToken: string }>().accessToken;
    const out = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(accessToken) });
    expect(out.statusCode).toBe(204);
    const cleared = refreshCookie(out.headers['set-cookie']);
    expect(cleared).toMatch(/^pca_refresh=;/);
    expect(cleared).toMatch(/Path=\/api\/v1\/auth/);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    const after = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      headers: CSRF,
      cookies: { pca_refresh: cookie },
    });
    expect(after.statusCode).toBe(401);
  });

  it('says in WWW-Authenticate whether the token is missing, expired, forged or of an ended session', async () => {
    const app = await start();
    const session = await login(app, 'admin', OPERATOR_FIRST_PASSWORD);
    const missing = await app.inject({ method: 'GET', url: '/api/v1/auth/me' });
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="pca"');

    const [header, payload] = session.accessToken.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    const badSignature = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(forged) });
    expect(badSignature.statusCode).toBe(401);
    expect(badSignature.headers['www-authenticate']).toBe(
      'Bearer realm="pca", error="invalid_token", error_description="The access token is not valid"',
    );
    const garbage = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer('not-a-jwt') });
    expect(garbage.headers['www-authenticate']).toMatch(
      /error="invalid_token", error_description="The access token is not valid"/,
    );

    now = new Date(now.getTime() + 901_000);
    const expired = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(session.accessToken) });
    expect(expired.statusCode).toBe(401);
    expect(expired.headers['www-authenticate']).toBe(
      'Bearer realm="pca", error="invalid_token", error_description="The access token expired"',
    );
    // An expired token with a forged signature is forged, not expired.
    const expiredForged = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(forged) });
    expect(expiredForged.headers['www-authenticate']).toMatch(/is not valid/);
  });

  it('says a live token of a signed-out session belongs to an ended session', async () => {
    const app = await start();
    const session = await login(app, 'admin', OPERATOR_FIRST_PASSWORD);
    await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(session.accessToken) });
    const after = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(session.accessToken) });
    expect(after.statusCode).toBe(401);
    expect(after.headers['www-authenticate']).toMatch(
      /error="invalid_token", error_description="The session has ended"/,
    );
  });
});
