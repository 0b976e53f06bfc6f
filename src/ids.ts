import { randomBytes } from 'node:crypto';

declare const brand: unique symbol;
/** A string that is known to be an id of one kind; not interchangeable with another kind. */
export type Id<Kind extends string> = string & { readonly [brand]: Kind };

export type OrgId = Id<'org'>;
export type UserId = Id<'usr'>;
export type SessionId = Id<'ses'>;
export type ApiKeyId = Id<'key'>;

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A random, prefixed id: `org_` + 20 characters (≈ 103 bits). */
export function newId<Kind extends string>(prefix: Kind): Id<Kind> {
  const bytes = randomBytes(20);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % 36];
  return `${prefix}_${out}` as Id<Kind>;
}
