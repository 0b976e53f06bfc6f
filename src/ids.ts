import { randomBytes } from 'node:crypto';

declare const brand: unique symbol;
/** A string that is known to be an id of one kind; not interchangeable with another kind. */
export type Id<Kind extends string> = string & { readonly [brand]: Kind };

export type OrgId = Id<'org'>;
export type UserId = Id<'usr'>;
export type SessionId = Id<'ses'>;
export type ApiKeyId = Id<'key'>;

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

const ID_LENGTH = 20;
// Random bytes drawn a few kilobytes at a time: one call to the CSPRNG costs more than the id it feeds.
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

/** A random, prefixed id: `org_` + 20 characters (≈ 103 bits). */
export function newId<Kind extends string>(prefix: Kind): Id<Kind> {
  if (poolOffset + ID_LENGTH > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  let out = '';
  for (let i = poolOffset; i < poolOffset + ID_LENGTH; i++) out += ALPHABET[pool[i]! % 36];
  poolOffset += ID_LENGTH;
  return `${prefix}_${out}` as Id<Kind>;
}
