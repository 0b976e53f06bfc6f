import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { OrgId, SessionId, UserId } from '../ids.js';
import { isRole, type Role } from './permissions.js';

export const TOKEN_ISSUER = 'pca-agent';
export const TOKEN_AUDIENCE = 'pca-agent-api';

export interface AccessClaims {
  readonly sub: UserId;
  readonly org: OrgId;
  readonly role: Role;
  readonly sid: SessionId;
}

export interface AccessTokenSigner {
  readonly kid: string;
  readonly ttlSeconds: number;
  sign(claims: AccessClaims, now: Date): string;
  /** The claims of a valid token; undefined for anything else (bad signature, alg, kid, expiry, audience). */
  verify(token: string, now: Date): AccessClaims | undefined;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

function encodeSegment(value: Readonly<Record<string, unknown>>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  if (!SEGMENT.test(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A compact JWT's payload, not verified: only for telling an expired token from a forged one. */
export function unverifiedPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  return parts.length === 3 ? decodeSegment(parts[1]!) : undefined;
}

function hasAudience(aud: unknown): boolean {
  return aud === TOKEN_AUDIENCE || (Array.isArray(aud) && aud.includes(TOKEN_AUDIENCE));
}

/** Tokens kept as verified per signer; past it the map starts over (a miss costs one HMAC). */
const MAX_VERIFIED = 10_000;

/**
 * Checks the signature and every claim but time; `notBefore`/`expires` say when the claims hold.
 * A token whose window is already over at `seconds` is not worth keeping and is refused here.
 */
function verifySignedToken(
  token: string,
  kid: string,
  mac: (signed: string) => string,
  seconds: number,
): { readonly claims: AccessClaims; readonly notBefore: number; readonly expires: number } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [head, body, signature] = parts as [string, string, string];
  // The canonical encoding only: a signature is compared as the exact text this key produces.
  const expected = Buffer.from(mac(`${head}.${body}`), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const protectedHeader = decodeSegment(head);
  if (protectedHeader?.alg !== 'HS256' || protectedHeader.kid !== kid || 'crit' in protectedHeader) return undefined;
  const payload = decodeSegment(body);
  if (!payload) return undefined;
  const { sub, org, role, sid, iss, aud, iat, exp, nbf } = payload;
  if (iss !== TOKEN_ISSUER || !hasAudience(aud)) return undefined;
  if (typeof iat !== 'number' || typeof exp !== 'number' || exp <= seconds) return undefined;
  if (nbf !== undefined && typeof nbf !== 'number') return undefined;
  if (
    typeof sub !== 'string' ||
    typeof org !== 'string' ||
    typeof sid !== 'string' ||
    typeof role !== 'string' ||
    !isRole(role)
  ) {
    return undefined;
  }
  return {
    claims: { sub: sub as UserId, org: org as OrgId, role, sid: sid as SessionId },
    notBefore: nbf ?? -Infinity,
    expires: exp,
  };
}

/**
 * HS256 (RFC 7519) with the algorithm pinned; `kid` names the secret so a rotated one refuses
 * old tokens cleanly. Verified synchronously with node:crypto: it runs on every request, and
 * WebCrypto's asynchronous job was ~10 % of an authenticated GET.
 */
export function accessTokenSigner(secret: Uint8Array, ttlSeconds: number): AccessTokenSigner {
  const kid = createHash('sha256').update(secret).digest('hex').slice(0, 16);
  const header = encodeSegment({ alg: 'HS256', typ: 'JWT', kid });
  const mac = (signed: string): string => createHmac('sha256', secret).update(signed).digest('base64url');
  // A client sends the same token for up to its lifetime: the exact text that verified once
  // verifies again, so only its time window is checked on later requests.
  const verified = new Map<
    string,
    { readonly claims: AccessClaims; readonly notBefore: number; readonly expires: number }
  >();
  const check = (token: string, seconds: number): AccessClaims | undefined => {
    let entry = verified.get(token);
    if (!entry) {
      entry = verifySignedToken(token, kid, mac, seconds);
      if (!entry) return undefined;
      if (verified.size >= MAX_VERIFIED) verified.clear();
      verified.set(token, entry);
    }
    return entry.notBefore <= seconds && seconds < entry.expires ? entry.claims : undefined;
  };
  return {
    kid,
    ttlSeconds,
    sign: (claims, now) => {
      const iat = Math.floor(now.getTime() / 1000);
      const payload = encodeSegment({
        org: claims.org,
        role: claims.role,
        sid: claims.sid,
        sub: claims.sub,
        iss: TOKEN_ISSUER,
        aud: TOKEN_AUDIENCE,
        iat,
        exp: iat + ttlSeconds,
      });
      return `${header}.${payload}.${mac(`${header}.${payload}`)}`;
    },
    verify: (token, now) => check(token, Math.floor(now.getTime() / 1000)),
  };
}
