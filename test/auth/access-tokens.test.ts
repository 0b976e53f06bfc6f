import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  accessTokenSigner,
  unverifiedPayload,
  type AccessClaims,
} from '../../src/auth/access-tokens.js';
import type { OrgId, SessionId, UserId } from '../../src/ids.js';

const SECRET = Buffer.from('a test secret of thirty-two bytes!');
const signer = accessTokenSigner(SECRET, 900);
const CLAIMS: AccessClaims = { sub: 'u1' as UserId, org: 'o1' as OrgId, role: 'analyst', sid: 's1' as SessionId };
const NOW = new Date('2026-11-30T08:00:00.000Z');
const NOW_S = NOW.getTime() / 1000;

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A token signed with the real key: only its claims or header are wrong. */
function forge(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const signed = `${segment(header)}.${segment(payload)}`;
  return `${signed}.${createHmac('sha256', SECRET).update(signed).digest('base64url')}`;
}
const HEADER = { alg: 'HS256', typ: 'JWT', kid: signer.kid };
const PAYLOAD = { ...CLAIMS, iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, iat: NOW_S, exp: NOW_S + 900 };

describe('access tokens (HS256)', () => {
  it('verifies what it signed, until the second of its expiry', () => {
    const token = signer.sign(CLAIMS, NOW);
    expect(signer.verify(token, NOW)).toEqual(CLAIMS);
    expect(signer.verify(token, new Date(NOW.getTime() + 899_999))).toEqual(CLAIMS);
    expect(signer.verify(token, new Date(NOW.getTime() + 900_000))).toBeUndefined();
    expect(unverifiedPayload(token)).toMatchObject({ exp: NOW_S + 900, iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE });
  });

  it('refuses another key, a changed byte and a non-canonical signature', () => {
    const token = signer.sign(CLAIMS, NOW);
    expect(
      accessTokenSigner(Buffer.from('another secret of thirty-two bytes'), 900).verify(token, NOW),
    ).toBeUndefined();
    const [head, body, signature] = token.split('.') as [string, string, string];
    const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');
    for (const bad of [
      `${head}.${body}.${flipped}`,
      `${token}=`,
      `${token}.`,
      `${head}.${body}`,
      `${head}.${body}x.${signature}`,
      '',
      'garbage',
    ]) {
      expect(signer.verify(bad, NOW), bad).toBeUndefined();
    }
  });

  it('refuses a correctly signed token whose header or claims are wrong', () => {
    const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
      ['alg none', { ...HEADER, alg: 'none' }, PAYLOAD],
      ['alg HS512', { ...HEADER, alg: 'HS512' }, PAYLOAD],
      ['another kid', { ...HEADER, kid: 'rotated' }, PAYLOAD],
      ['no kid', { alg: 'HS256', typ: 'JWT' }, PAYLOAD],
      ['a crit header', { ...HEADER, crit: ['exp'] }, PAYLOAD],
      ['another issuer', HEADER, { ...PAYLOAD, iss: 'someone-else' }],
      ['another audience', HEADER, { ...PAYLOAD, aud: 'other-api' }],
      ['no iat', HEADER, { ...PAYLOAD, iat: undefined }],
      ['exp as text', HEADER, { ...PAYLOAD, exp: String(NOW_S + 900) }],
      ['expired', HEADER, { ...PAYLOAD, exp: NOW_S }],
      ['not yet valid', HEADER, { ...PAYLOAD, nbf: NOW_S + 1 }],
      ['an unknown role', HEADER, { ...PAYLOAD, role: 'superuser' }],
      ['no session', HEADER, { ...PAYLOAD, sid: undefined }],
      ['a numeric subject', HEADER, { ...PAYLOAD, sub: 42 }],
    ];
    for (const [name, header, payload] of cases)
      expect(signer.verify(forge(header, payload), NOW), name).toBeUndefined();
    // The same construction with nothing wrong is accepted, so each refusal above is the one change.
    expect(signer.verify(forge(HEADER, PAYLOAD), NOW)).toEqual(CLAIMS);
    expect(signer.verify(forge(HEADER, { ...PAYLOAD, aud: ['other-api', TOKEN_AUDIENCE], nbf: NOW_S }), NOW)).toEqual(
      CLAIMS,
    );
  });

  it('refuses a signed payload that is not a JSON object', () => {
    const signed = (body: string) => {
      const input = `${segment(HEADER)}.${body}`;
      return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
    };
    for (const body of [segment([1, 2]), segment('text'), Buffer.from('{not json').toString('base64url'), 'a+b/']) {
      expect(signer.verify(signed(body), NOW), body).toBeUndefined();
    }
    expect(unverifiedPayload('a.b')).toBeUndefined();
  });
});
