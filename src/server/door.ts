import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
} from 'fastify';
import { problemBody } from './error-handler.js';
import { PROBLEM_CONTENT_TYPE } from './problems.js';

/**
 * A route's door: while `closed()` says so, a request to the route is refused with 429 before any
 * other work (no body read, no hooks past the door, no error handler, no log line of its own).
 * The sign-in route closes it while the password-hashing queue is full.
 */
export interface RouteDoor {
  closed(): boolean;
  /** The problem's detail, the same for every refusal so the body is built once. */
  readonly detail: string;
  /** Seconds the caller should wait: the Retry-After header and the body's `retryAfter`. */
  readonly retryAfterSeconds: number;
  /** Counts one refusal (the route's own metric). */
  refused(): void;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    door?: RouteDoor;
  }
  interface FastifyRequest {
    /** Refused at its route's door: no log line of its own (the door logs a summary). */
    refusedAtDoor: boolean;
  }
}

/** Where a refusal at the door is summarised: the audit trail's per-address refusal summaries. */
export type RefusalNote = (request: FastifyRequest, kind: 'rate-limited') => void;

interface Prepared {
  /** The problem body up to its `requestId` value, which is the only part that varies. */
  readonly bodyStart: string;
  readonly headers: Readonly<Record<string, string>>;
}

function prepare(door: RouteDoor): Prepared {
  const body = JSON.stringify(problemBody('rate-limited', door.detail, '', { retryAfter: door.retryAfterSeconds }));
  if (!body.endsWith('"requestId":""}')) throw new Error('problem body does not end with its requestId');
  return {
    bodyStart: body.slice(0, -'""}'.length),
    headers: {
      'content-type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
      'cache-control': 'no-store',
      'retry-after': String(door.retryAfterSeconds),
    },
  };
}

/** Refusals at the door are logged as one line per burst (a second), not one line each. */
const SUMMARY_MS = 1_000;

/**
 * Installs the door check as an onRequest hook. Hooks added before it (request id, security
 * headers, in-flight metric) still run, so a refusal carries the same headers as any answer and
 * is measured by route; nothing after it does. A storm of 1,000 sign-ins otherwise paid the
 * routing of an error, a problem serialisation, five onSend hooks and a log line each, all in the
 * one event-loop turn in which the kernel handed the connections over.
 */
export function installDoors(app: FastifyInstance, note: RefusalNote): void {
  const prepared = new WeakMap<RouteDoor, Prepared>();
  let burst: { count: number; routes: Record<string, number>; timer: NodeJS.Timeout } | undefined;
  const summarise = (log: FastifyBaseLogger): void => {
    if (burst === undefined) return;
    clearTimeout(burst.timer);
    log.warn({ refused: burst.count, routes: burst.routes }, 'requests refused at the door');
    burst = undefined;
  };
  app.decorateRequest('refusedAtDoor', false);
  app.addHook('onClose', async (instance) => summarise(instance.log));

  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const door = request.routeOptions.config.door;
    if (door === undefined || !door.closed()) {
      done();
      return;
    }
    let ready = prepared.get(door);
    if (ready === undefined) {
      ready = prepare(door);
      prepared.set(door, ready);
    }
    request.refusedAtDoor = true;
    door.refused();
    note(request, 'rate-limited');
    const route = `${request.method} ${request.routeOptions.url ?? ''}`;
    burst ??= { count: 0, routes: {}, timer: setTimeout(() => summarise(app.log), SUMMARY_MS).unref() };
    burst.count += 1;
    burst.routes[route] = (burst.routes[route] ?? 0) + 1;
    const body = `${ready.bodyStart}${JSON.stringify(request.id)}}`;
    reply.hijack();
    const raw = reply.raw;
    // The headers earlier hooks set on the reply (request id, security headers) are not sent by a hijacked reply.
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) raw.setHeader(name, value);
    raw.writeHead(429, { ...ready.headers, 'content-length': String(Buffer.byteLength(body)) });
    raw.end(body);
  });
}
