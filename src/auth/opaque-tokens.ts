import { createHash, randomBytes } from 'node:crypto';

/** High-entropy opaque tokens (refresh tokens, API keys, recovery codes) are stored as SHA-256 only. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

export function newOpaqueToken(prefix: string, bytes = 32): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}
