import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, totpCode, verifyTotp } from '../../src/auth/totp.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, login, operatorSession, OPERATOR_PASSWORD, type Session } from '../helpers/identity.js';

describe('TOTP (RFC 6238 / RFC 4226)', () => {
  it('matches the RFC 4226 test vectors', () => {
    const secret = Buffer.from('12345678901234567890');
    const expected = [
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ];
    expect(expected.map((_, counter) => hotp(secret, counter))).toEqual(expected);
  });

  it('matches the RFC 6238 SHA-1 vector at 59 s (truncated to 6 digits)', () => {
    const secret = base32Encode(Buffer.from('12345678901234567890'));
    expect(totpCode(secret, new Date(59_000))).toBe('287082');
    expect(totpCode(secret, new Date(1_111_111_109_000))).toBe('081804');
  });

  it('round-trips base32 and refuses a replayed step', () => {
    const bytes = Buffer.from('any bytes at all!');
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    const secret = base32Encode(bytes);
    const at = new Date('2026-11-26T10:00:00Z');
    const step = verifyTotp(secret, totpCode(secret, at), at, null);
    expect(step).toBeDefined();
    expect(verifyTotp(secret, totpCode(secret, at), at, step!)).toBeUndefined();
    expect(verifyTotp(secret, '12345', at, null)).toBeUndefined();
  });
});

describe.each(BACKENDS)('MFA enrolment and login [%s]', (backend) => {
  let t: TestApp;
  let now = new Date('2026-11-26T10:00:00Z');
  let session: Session;

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' }, clock: () => now });
    session = await operatorSession(t.app);
  });
  afterAll(() => t.dispose());

  it('enrols, then requires a code at login, accepts recovery codes once, and disables', async () => {
    const setup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/setup',
      headers: bearer(session.accessToken),
      payload: { password: OPERATOR_PASSWORD },
    });
    const { secret, otpauthUri } = setup.json<{ secret: string; otpauthUri: string }>();
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/PCA%20Agent%3Aadmin\?secret=/);
    const stored = await t.ctx.store.db
      .selectFrom('users')
      .select(['mfa_pending_secret'])
      .where('id', '=', session.userId)
      .executeTakeFirstOrThrow();
    expect(stored.mfa_pending_secret).not.toContain(secret);

    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/enable',
      headers: bearer(session.accessToken),
      payload: { password: OPERATOR_PASSWORD, code: '000000' },
    });
    expect(wrong.statusCode).toBe(422);
    const enabled = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/enable',
      headers: bearer(session.accessToken),
      payload: { password: OPERATOR_PASSWORD, code: totpCode(secret, now) },
    });
    const { recoveryCodes } = enabled.json<{ recoveryCodes: string[] }>();
    expect(recoveryCodes).toHaveLength(10);

    const withoutCode = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: OPERATOR_PASSWORD },
    });
    expect(withoutCode.statusCode).toBe(401);
    expect(withoutCode.json<{ type: string }>().type).toBe('/problems/mfa-required');
    const badCode = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: OPERATOR_PASSWORD, totp: '000000' },
    });
    expect(badCode.json<{ type: string }>().type).toBe('/problems/unauthorized');
    // The code used to enable is spent; the next step's code works once.
    now = new Date(now.getTime() + 30_000);
    await login(t.app, 'admin', OPERATOR_PASSWORD, undefined, { totp: totpCode(secret, now) });
    const replay = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: OPERATOR_PASSWORD, totp: totpCode(secret, now) },
    });
    expect(replay.statusCode).toBe(401);

    await login(t.app, 'admin', OPERATOR_PASSWORD, undefined, { totp: recoveryCodes[0]! });
    const reused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: OPERATOR_PASSWORD, totp: recoveryCodes[0]! },
    });
    expect(reused.statusCode).toBe(401);

    const disableWrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/disable',
      headers: bearer(session.accessToken),
      payload: { password: 'not-my-password', code: recoveryCodes[1]! },
    });
    expect(disableWrong.statusCode).toBe(401);
    const disabled = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/disable',
      headers: bearer(session.accessToken),
      payload: { password: OPERATOR_PASSWORD, code: recoveryCodes[2]! },
    });
    expect(disabled.statusCode).toBe(204);
    await login(t.app, 'admin', OPERATOR_PASSWORD);
  });
});
