import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { HttpLimits } from '../config.js';

/**
 * The Node HTTP server under Fastify (its `serverFactory`), with the connection bounds, and a
 * first look at each request that may answer it before Fastify does (the doors).
 */
export function nodeServer(
  limits: HttpLimits,
  answeredFirst: (request: IncomingMessage, response: ServerResponse) => boolean,
): (handler: (request: IncomingMessage, response: ServerResponse) => void) => Server {
  return (handler) => {
    const server = createServer(
      {
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        // Node checks those two timeouts only this often (30 s by default).
        connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
      },
      (request, response) => {
        if (!answeredFirst(request, response)) handler(request, response);
      },
    );
    // A client that asks before sending its body (Expect: 100-continue) is answered at a closed
    // door before it sends it; otherwise it is told to go on, as Node would.
    server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
      if (answeredFirst(request, response)) return;
      response.writeContinue();
      handler(request, response);
    });
    // Bounded connections: a client that trickles headers or a body, or idles, loses its socket.
    server.keepAliveTimeout = limits.keepAliveTimeoutMs;
    server.setTimeout(limits.idleTimeoutMs);
    server.maxRequestsPerSocket = limits.maxRequestsPerSocket;
    server.maxConnections = limits.maxConnections;
    return server;
  };
}
