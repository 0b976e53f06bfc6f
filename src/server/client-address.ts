import proxyAddr from '@fastify/proxy-addr';
import type { IncomingMessage } from 'node:http';
import type { TrustProxy } from '../config.js';

type Trust = (address: string, hop: number) => boolean;

const UNKNOWN = 'unknown';

/** Fastify's trustProxy: a hop count becomes "the n nearest hops", addresses a list. */
export function trustProxyOption(trust: TrustProxy): false | string[] | Trust {
  if (trust === false) return false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return [...trust];
}

/**
 * The client's address as Fastify's `request.ip` gives it under the same trust, for answers given
 * before Fastify sees the request (the doors).
 */
export function clientAddressOf(trust: TrustProxy): (request: IncomingMessage) => string {
  const option = trustProxyOption(trust);
  // A socket already gone has no address; the sign-in rate limit names that one "unknown" too.
  if (option === false) return (request) => request.socket.remoteAddress ?? UNKNOWN;
  const trusts = typeof option === 'function' ? option : proxyAddr.compile(option);
  return (request) => (request.socket.remoteAddress === undefined ? UNKNOWN : proxyAddr(request, trusts));
}
