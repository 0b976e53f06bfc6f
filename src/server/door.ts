import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { AnonymousRefusal } from '../audit/index.js';
import { problemBody } from './error-handler.js';
import { PROBLEM_CONTENT_TYPE } from './problems.js';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id.js';

/**
 * A route's door: while `closed()` says so, a request to the route is refused with 429 before any
 * other work (no body read, no routing, no hooks, no log line of its own).
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

/** Who was refused, for the audit trail's per-address refusal summaries. */
export type Refused = AnonymousRefusal;

export type RefusalNote = (refused: Refused, kind: 'rate-limited') => void;

/** Measures a refusal answered before Fastify, as the request metrics measure every answer. */
export type RefusalMeasure = (method: string, route: string, status: number, ms: number) => void;

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
      // A refused client holds no connection slot while it waits: kept alive, a storm's thousand
      // sockets would sit at the connection cap for the keep-alive timeout and shut others out.
      connection: 'close',
    },
  };
}

/**
 * The path as the router reads it: without the query or a fragment, percent-escapes decoded (the
 * reserved characters stay escaped, as the router keeps them), so a route's other spellings are
 * refused here too rather than paying Fastify's work on the way to the same door.
 */
function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  const path = end === -1 ? url : url.slice(0, end);
  if (!path.includes('%')) return path;
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

/** Refusals at the door are logged as one line per burst (a second), not one line each. */
const SUMMARY_MS = 1_000;

interface Entry {
  readonly door: RouteDoor;
  readonly method: string;
  /** The route's template, which is also the exact path a door matches. */
  readonly url: string;
  /** `METHOD /template`, as refusal summaries name routes. */
  readonly route: string;
  readonly prepared: Prepared;
}

interface Waiting {
  readonly entry: Entry;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly started: number;
}

/** Refusals answered per event-loop turn; between turns the loop reads every other socket. */
const ANSWERS_PER_TURN = 16;

interface Installed {
  readonly note: RefusalNote;
  readonly measure: RefusalMeasure | undefined;
  readonly log: FastifyInstance['log'];
}

/**
 * The doors of every route that has one, checked twice. First in the HTTP server's own request
 * listener (`refuseRaw`), before Fastify: a storm of 1,000 sign-ins otherwise paid Fastify's
 * routing and its onRequest hooks for each refusal, all in the event-loop turn in which the kernel
 * handed the connections over. That check takes exact paths only, so an onRequest hook refuses
 * whatever reaches a closed door another way (a query string spelled differently, `inject`).
 * Both answer alike: the same headers as any answer (request id, security headers), measured by
 * route, summarised per address in the audit trail and per burst in the log.
 */
export class Doors {
  /** Doors by exact path, then method. */
  private readonly byPath = new Map<string, Map<string, Entry>>();
  private installed: Installed | undefined;
  private draining = false;
  /** Refusals taken at the server, not yet answered. */
  private readonly waiting: Waiting[] = [];
  private burst: { count: number; routes: Record<string, number>; timer: NodeJS.Timeout } | undefined;

  constructor(
    private readonly securityHeaders: Readonly<Record<string, string>>,
    private readonly clientAddress: (request: IncomingMessage) => string,
  ) {}

  /** Collects the doors as routes are declared, and refuses at them from the first request on. */
  install(app: FastifyInstance, note: RefusalNote, measure: RefusalMeasure | undefined): void {
    this.installed = { note, measure, log: app.log };
    app.decorateRequest('refusedAtDoor', false);
    app.addHook('onRoute', (route) => {
      const door = route.config?.door;
      if (door === undefined) return;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      let byMethod = this.byPath.get(route.url);
      if (byMethod === undefined) this.byPath.set(route.url, (byMethod = new Map<string, Entry>()));
      for (const method of methods) {
        byMethod.set(method, {
          door,
          method,
          url: route.url,
          route: `${method} ${route.url}`,
          prepared: prepare(door),
        });
      }
    });
    // A draining server answers through Fastify, which closes each connection with its answer.
    app.addHook('preClose', async () => {
      this.draining = true;
      for (const refusal of this.waiting.splice(0)) this.answerRaw(refusal);
    });
    app.addHook('onClose', async () => this.summarise());
    app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      const entry = this.entryOf(request.method, request.routeOptions.url ?? '');
      if (entry === undefined || !entry.door.closed()) {
        done();
        return;
      }
      request.refusedAtDoor = true;
      const agent = request.headers['user-agent'];
      this.count(entry, { ip: request.ip, userAgent: typeof agent === 'string' ? agent : null, route: entry.route });
      reply.hijack();
      // Headers earlier hooks set on the reply (request id, security headers) are not sent by a hijacked reply.
      this.answer(entry, request.id, reply.raw, reply.getHeaders());
    });
  }

  /**
   * Takes a request at a closed door before Fastify sees it; false lets it through. The answer is
   * written a few at a time, between event-loop turns (`answerWaiting`).
   */
  refuseRaw(request: IncomingMessage, response: ServerResponse): boolean {
    if (this.installed === undefined || this.draining || this.byPath.size === 0) return false;
    const entry = this.entryOf(request.method ?? '', pathOf(request.url ?? ''));
    if (entry === undefined || !entry.door.closed()) return false;
    if (this.waiting.length === 0) setImmediate(this.answerWaiting);
    this.waiting.push({ entry, request, response, started: performance.now() });
    return true;
  }

  /**
   * The kernel hands a storm's requests over in one batch: answered there, 500 refusals held the
   * event loop for a few hundred milliseconds, and every other request waited behind them. Taken
   * here, they are answered `ANSWERS_PER_TURN` at a time, and the loop reads other sockets
   * (a health check, a user's page) between each few.
   */
  private readonly answerWaiting = (): void => {
    const batch = this.waiting.splice(0, ANSWERS_PER_TURN);
    if (this.waiting.length > 0) setImmediate(this.answerWaiting);
    for (const refusal of batch) this.answerRaw(refusal);
  };

  private answerRaw({ entry, request, response, started }: Waiting): void {
    const agent = request.headers['user-agent'];
    this.count(entry, {
      ip: this.clientAddress(request),
      userAgent: typeof agent === 'string' ? agent : null,
      route: entry.route,
    });
    const id = requestIdFor(request);
    this.answer(entry, id, response, { [REQUEST_ID_HEADER]: id, ...this.securityHeaders });
    this.installed?.measure?.(entry.method, entry.url, 429, performance.now() - started);
  }

  private entryOf(method: string, path: string): Entry | undefined {
    return this.byPath.get(path)?.get(method);
  }

  private count(entry: Entry, refused: Refused): void {
    entry.door.refused();
    this.installed?.note(refused, 'rate-limited');
    this.burst ??= { count: 0, routes: {}, timer: setTimeout(() => this.summarise(), SUMMARY_MS).unref() };
    this.burst.count += 1;
    this.burst.routes[entry.route] = (this.burst.routes[entry.route] ?? 0) + 1;
  }

  private answer(
    entry: Entry,
    requestId: string,
    response: ServerResponse,
    headers: Readonly<Record<string, string | number | readonly string[] | undefined>>,
  ): void {
    const body = `${entry.prepared.bodyStart}${JSON.stringify(requestId)}}`;
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) response.setHeader(name, value);
    response.writeHead(429, { ...entry.prepared.headers, 'content-length': String(Buffer.byteLength(body)) });
    response.end(body);
  }

  private summarise(): void {
    const burst = this.burst;
    if (burst === undefined) return;
    clearTimeout(burst.timer);
    this.installed?.log.warn({ refused: burst.count, routes: burst.routes }, 'requests refused at the door');
    this.burst = undefined;
  }
}
