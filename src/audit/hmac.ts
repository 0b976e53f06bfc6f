import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';

interface NativeHmac {
  hmacHex(key: Buffer, text: string): string;
  /** Resolves with how many digests it wrote into `out`. */
  hmacLines(key: Buffer, lines: Buffer, out: Buffer): Promise<number>;
}

/**
 * The addon in native/audit_hmac.c, built by `npm install`. Missing only when
 * install scripts were skipped; then hashing falls back to node:crypto (same
 * digests, a few times slower per event).
 */
function loadNative(): NativeHmac | undefined {
  try {
    // Two levels above this module both in src/ (tests) and in dist/ (the product).
    return createRequire(import.meta.url)('../../build/Release/audit_hmac.node') as NativeHmac;
  } catch {
    return undefined;
  }
}

const native = loadNative();

/** Whether the chain is hashed by the native addon. */
export const nativeHmacLoaded = native !== undefined;

/** The hex HMAC-SHA256 of a text's UTF-8 bytes. */
export const hmacHex: (key: Buffer, text: string) => string = native
  ? (key, text) => native.hmacHex(key, text)
  : (key, text) => createHmac('sha256', key).update(text).digest('hex');

const DIGEST_BYTES = 32;

function hmacEachLine(key: Buffer, lines: Buffer, out: Buffer): number {
  let count = 0;
  for (let start = 0; start < lines.length && (count + 1) * DIGEST_BYTES <= out.length; count++) {
    const newline = lines.indexOf(10, start);
    const end = newline === -1 ? lines.length : newline;
    createHmac('sha256', key).update(lines.subarray(start, end)).digest().copy(out, count * DIGEST_BYTES);
    start = end + 1;
  }
  return count;
}

/**
 * HMAC-SHA256 of each of `count` texts separated by `\n`, 32 bytes each in
 * order; shorter when `lines` holds fewer texts. The native path hashes off the
 * JavaScript thread, so the caller can read its next page meanwhile.
 */
export async function hmacLines(key: Buffer, lines: Buffer, count: number): Promise<Buffer> {
  const out = Buffer.alloc(count * DIGEST_BYTES);
  const written = native ? await native.hmacLines(key, lines, out) : hmacEachLine(key, lines, out);
  return out.subarray(0, written * DIGEST_BYTES);
}
