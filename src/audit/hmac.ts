import { createHmac, hash } from 'node:crypto';

/** The hex HMAC-SHA256 of a text (its UTF-8 bytes) or of bytes: a value only the key's holder can make. */
export function hmacHex(key: Buffer, data: string | Buffer): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

/**
 * The hex SHA-256 digest of a text or of bytes. The one-shot `crypto.hash`
 * makes no Hash object, so it costs about a quarter of `createHmac` per short
 * text: the difference between keyed and unkeyed links in the chain.
 */
export function sha256Hex(data: string | Buffer): string {
  return hash('sha256', data, 'hex');
}
