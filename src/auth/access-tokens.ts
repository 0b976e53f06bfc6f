import { createHash } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import type { OrgId, SessionId, UserId } from '../ids.js';
import type { Role } from './permissions.js';

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
  sign(claims: AccessClaims, now: Date): Promise<string>;
  /** The claims of a valid token; undefined for anything else (bad signature, alg, kid, expiry, audience). */
  verify(token: string, now: Date): Promise<AccessClaims | undefined>;
}

/** HS256 with the algorithm pinned; `kid` names the secret so a rotated one refuses old tokens cleanly. */
export async function accessTokenSigner(secret: Uint8Array, ttlSeconds: number): Promise<AccessTokenSigner> {
  const kid = createHash('sha256').update(secret).digest('hex').slice(0, 16);
  // Imported once: verifying with a CryptoKey is about twice as fast as with raw bytes.
  const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
  return {
    kid,
    ttlSeconds,
    sign: (claims, now) => {
      const issuedAt = Math.floor(now.getTime() / 1000);
      return new SignJWT({ org: claims.org, role: claims.role, sid: claims.sid })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid })
        .setSubject(claims.sub)
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + ttlSeconds)
        .sign(key);
    },
    verify: async (token, now) => {
      try {
        const { payload, protectedHeader } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer: TOKEN_ISSUER,
          audience: TOKEN_AUDIENCE,
          currentDate: now,
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        if (protectedHeader.kid !== kid) return undefined;
        const { sub, org, role, sid } = payload;
        if (typeof sub !== 'string' || typeof org !== 'string' || typeof role !== 'string' || typeof sid !== 'string') {
          return undefined;
        }
        return { sub, org, role, sid } as AccessClaims;
      } catch (error) {
        if (error instanceof joseErrors.JOSEError) return undefined;
        throw error;
      }
    },
  };
}
