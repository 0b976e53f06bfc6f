import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { lookup as lookupAll } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * Which addresses an outbound request (a webhook) may reach. `public`
 * addresses always; `private` ones (loopback, RFC 1918, CGNAT, IPv6 ULA)
 * only when the operator allows them for an on-premises install; the rest
 * (link-local such as cloud metadata, multicast, unspecified, documentation
 * and other reserved ranges) never.
 */
export type AddressClass = 'public' | 'private' | 'forbidden';

export interface EgressPolicy {
  readonly allowPrivate: boolean;
}

type Range = readonly [prefix: bigint, bits: number, cls: Exclude<AddressClass, 'public'>];

function v4(address: string): bigint {
  return address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

/** The 128-bit value of an IPv6 address (with or without an embedded dotted quad). */
function v6(address: string): bigint {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = v4(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}

const V4_RANGES: readonly Range[] = [
  [v4('127.0.0.0'), 8, 'private'],
  [v4('10.0.0.0'), 8, 'private'],
  [v4('172.16.0.0'), 12, 'private'],
  [v4('192.168.0.0'), 16, 'private'],
  [v4('100.64.0.0'), 10, 'private'],
  [v4('0.0.0.0'), 8, 'forbidden'],
  [v4('169.254.0.0'), 16, 'forbidden'],
  [v4('192.0.0.0'), 24, 'forbidden'],
  [v4('192.0.2.0'), 24, 'forbidden'],
  [v4('192.88.99.0'), 24, 'forbidden'],
  [v4('198.18.0.0'), 15, 'forbidden'],
  [v4('198.51.100.0'), 24, 'forbidden'],
  [v4('203.0.113.0'), 24, 'forbidden'],
  [v4('224.0.0.0'), 4, 'forbidden'],
  [v4('240.0.0.0'), 4, 'forbidden'],
];

const V6_RANGES: readonly Range[] = [
  [v6('::1'), 128, 'private'],
  [v6('fc00::'), 7, 'private'],
  [v6('2001:db8::'), 32, 'forbidden'],
  [v6('2001::'), 23, 'forbidden'],
  [v6('2002::'), 16, 'forbidden'],
];

function inRange(value: bigint, width: number, [prefix, bits]: Range): boolean {
  const shift = BigInt(width - bits);
  return value >> shift === prefix >> shift;
}

/** Classifies a literal IP address (v4, v6, v4-mapped v6); anything else is forbidden. */
export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return V4_RANGES.find((range) => inRange(v4(bare), 32, range))?.[2] ?? 'public';
  if (family !== 6) return 'forbidden';
  const value = v6(bare);
  // ::ffff:a.b.c.d is the IPv4 host itself, whichever way it is written.
  if (value >> 32n === 0xffffn) {
    const n = value & 0xffffffffn;
    return classifyAddress([24n, 16n, 8n, 0n].map((shift) => String((n >> shift) & 0xffn)).join('.'));
  }
  const found = V6_RANGES.find((range) => inRange(value, 128, range));
  if (found) return found[2];
  // Global unicast is 2000::/3; everything else (::, link-local, multicast, NAT64, …) is reserved.
  return value >> 125n === 1n && !inRange(value, 128, [v6('64:ff9b::'), 96, 'forbidden']) ? 'public' : 'forbidden';
}

export function allowedAddress(address: string, policy: EgressPolicy): boolean {
  const cls = classifyAddress(address);
  return cls === 'public' || (cls === 'private' && policy.allowPrivate);
}

export class EgressRefused extends Error {
  override readonly name = 'EgressRefused';
}

/**
 * Checks a target before anything is stored: the host as written (the URL
 * parser has already turned `0x7f000001`, `2130706433` or `127.1` into
 * dotted form) and every address its name resolves to now.
 */
export async function assertAllowedHost(hostname: string, policy: EgressPolicy): Promise<void> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare) !== 0) {
    if (!allowedAddress(bare, policy)) throw new EgressRefused('the address is not allowed');
    return;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await lookupAll(bare, { all: true, verbatim: true });
  } catch {
    throw new EgressRefused('the host name does not resolve');
  }
  if (addresses.length === 0 || !addresses.every((entry) => allowedAddress(entry.address, policy))) {
    throw new EgressRefused('the host name resolves to an address that is not allowed');
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for an http(s) agent: the name is resolved again at connect
 * time and the connection refused if any answer is not allowed, so a name
 * that re-resolves to an internal address (DNS rebinding) gets nowhere.
 */
export function guardedLookup(policy: EgressPolicy) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      if (addresses.length === 0 || !addresses.every((entry) => allowedAddress(entry.address, policy))) {
        return callback(new EgressRefused('the host name resolves to an address that is not allowed'), []);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      return callback(null, first.address, first.family);
    });
  };
}
