import { createHash } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import bcrypt from 'bcrypt';
import type { PasswordAlgorithm } from '../config.js';
import { AppError } from '../errors.js';
import { isCommonPassword } from './common-passwords.js';

/** OWASP's argon2id parameters (m=19 MiB, t=2, p=1). */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const ARGON2_PREFIX = `$argon2id$v=19$m=${ARGON2.memoryCost},t=${ARGON2.timeCost},p=${ARGON2.parallelism}$`;
/**
 * bcrypt reads only 72 bytes. New bcrypt hashes take a SHA-256 digest of the
 * password (44 base64 characters, no NUL) so nothing is silently cut off.
 */
const BCRYPT_SHA256 = '$pca-bcrypt-sha256$';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(stored: string, password: string): Promise<boolean>;
  /** True when the stored hash is not what this configuration would produce today. */
  needsRehash(stored: string): boolean;
}

function sha256Base64(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('base64');
}

export function passwordHasher(algorithm: PasswordAlgorithm, bcryptCost: number): PasswordHasher {
  return {
    hash: async (password) =>
      algorithm === 'argon2id'
        ? argon2Hash(password, ARGON2)
        : BCRYPT_SHA256 + (await bcrypt.hash(sha256Base64(password), bcryptCost)),
    verify: async (stored, password) => {
      if (stored.startsWith('$argon2')) return argon2Verify(stored, password).catch(() => false);
      if (stored.startsWith(BCRYPT_SHA256)) {
        return bcrypt.compare(sha256Base64(password), stored.slice(BCRYPT_SHA256.length));
      }
      if (/^\$2[aby]\$/.test(stored)) {
        // A plain bcrypt hash (imported): beyond 72 bytes it would compare a truncation, so refuse.
        if (Buffer.byteLength(password, 'utf8') > 72) return false;
        return bcrypt.compare(password, stored);
      }
      return false;
    },
    needsRehash: (stored) => {
      if (algorithm === 'argon2id') return !stored.startsWith(ARGON2_PREFIX);
      if (!stored.startsWith(BCRYPT_SHA256)) return true;
      const cost = Number(/^\$2[aby]\$(\d\d)\$/.exec(stored.slice(BCRYPT_SHA256.length))?.[1]);
      return cost !== bcryptCost;
    },
  };
}

/** A hasher that takes a bounded number of checks at once. */
export interface BoundedHasher extends PasswordHasher {
  /** True when a check asked now would be refused: every slot and queue place is taken. */
  saturated(): boolean;
}

/**
 * At most `concurrency` hashes at once, `queue` more waiting; past that the
 * caller is told to come back (429 + Retry-After). A storm of sign-ins then
 * holds a bounded share of the libuv pool and CPU, and every other route
 * keeps its latency.
 */
export function boundedHasher(inner: PasswordHasher, concurrency: number, queue: number): BoundedHasher {
  let active = 0;
  const waiting: (() => void)[] = [];
  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    if (active < concurrency) active++;
    else if (waiting.length >= queue) {
      throw new AppError('rate-limited', 'Too many sign-ins at once; try again in a moment.', { retryAfter: 1 });
    } else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter, or is freed.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
  return {
    hash: (password) => run(() => inner.hash(password)),
    verify: (stored, password) => run(() => inner.verify(stored, password)),
    needsRehash: (stored) => inner.needsRehash(stored),
    saturated: () => active >= concurrency && waiting.length >= queue,
  };
}

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/** The password policy; throws a validation problem naming the rule broken. */
export function assertPasswordPolicy(
  password: string,
  identity: { username: string; email?: string | null },
  field = '/body/newPassword',
): void {
  const length = [...password].length;
  const fail = (message: string): never => {
    throw new AppError('validation', `The password ${message}.`, {}, [{ field, message }]);
  };
  if (length < PASSWORD_MIN_LENGTH) fail(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (length > PASSWORD_MAX_LENGTH) fail(`must be at most ${PASSWORD_MAX_LENGTH} characters`);
  if (isCommonPassword(password)) fail('is too common');
  const lower = password.toLowerCase();
  if (lower === identity.username.toLowerCase() || (identity.email && lower === identity.email.toLowerCase())) {
    fail('must not be the username or email');
  }
}
