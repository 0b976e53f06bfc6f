import proxyAddr from '@fastify/proxy-addr';
import type { IncomingMessage } from 'node:http';
import type { TrustProxy } from '../config.js';

type Trust = (address: string, hop: number) => boolean;

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
  if (option === false) return (request) => request.socket.remoteAddress ?? '';
  const trusts = typeof option === 'function' ? option : proxyAddr.compile(option);
  return (request) => proxyAddr(request, trusts);
}
