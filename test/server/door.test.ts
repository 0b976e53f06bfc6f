import Fastify, { type FastifyInstance } from 'fastify';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { clientAddressOf, trustProxyOption } from '../../src/server/client-address.js';
import { Doors, type Refused } from '../../src/server/door.js';
import { nodeServer } from '../../src/server/node-server.js';
import type { HttpLimits, TrustProxy } from '../../src/config.js';

const LIMITS: HttpLimits = {
  requestTimeoutMs: 10_000,
  headersTimeoutMs: 5_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 10_000,
  maxRequestsPerSocket: 100,
  maxConnections: 100,
  anonymousPerMinute: 1_000,
};

interface Rig {
  readonly app: FastifyInstance;
  base: string;
  /** Requests Fastify saw: its first onRequest hook, added before the doors. */
  readonly seenByFastify: string[];
  /** `request.ip` of each request Fastify saw. */
  readonly fastifyIps: string[];
  readonly handled: string[];
  readonly refusals: Refused[];
  readonly measured: [string, string, number][];
  door: boolean;
}

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.app.close();
  rig = undefined;
});

async function start(trust: TrustProxy = false): Promise<Rig> {
  const doors = new Doors({ 'x-frame-options': 'DENY' }, clientAddressOf(trust));
  const app = Fastify({
    serverFactory: nodeServer(LIMITS, (request, response) => doors.refuseRaw(request, response)),
    trustProxy: trustProxyOption(trust),
  });
  const r: Rig = {
    app,
    base: '',
    seenByFastify: [],
    fastifyIps: [],
    handled: [],
    refusals: [],
    measured: [],
    door: false,
  };
  rig = r;
  app.addHook('onRequest', (request, reply, done) => {
    r.seenByFastify.push(request.url);
    r.fastifyIps.push(request.ip);
    reply.header('x-request-id', request.id).header('x-frame-options', 'DENY');
    done();
  });
  doors.install(
    app,
    (refused) => r.refusals.push(refused),
    (method, route, status) => r.measured.push([method, route, status]),
  );
  const door = { closed: () => r.door, detail: 'Busy.', retryAfterSeconds: 2, refused: () => undefined };
  app.post('/login', { config: { door } }, async (request) => {
    r.handled.push(request.url);
    return { ok: true };
  });
  app.get('/login', async () => ({ page: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  r.base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return r;
}

const post = (base: string, path: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });

describe('a route door in front of Fastify', () => {
  it('answers a closed door in the HTTP server, before any Fastify hook or handler', async () => {
    const r = await start();
    r.door = true;
    const refused = await post(r.base, '/login?next=%2F');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(refused.headers.get('connection')).toBe('close');
    expect(refused.headers.get('x-frame-options')).toBe('DENY');
    const body = (await refused.json()) as { requestId: string; retryAfter: number; detail: string };
    expect(body).toMatchObject({ status: 429, retryAfter: 2, detail: 'Busy.' });
    expect(body.requestId).toBe(refused.headers.get('x-request-id'));
    expect(r.seenByFastify).toEqual([]);
    expect(r.handled).toEqual([]);
    expect(r.refusals).toEqual([{ ip: '127.0.0.1', userAgent: 'node', route: 'POST /login' }]);
    expect(r.measured).toEqual([['POST', '/login', 429]]);
  });

  it('reads the path as the router does: other spellings of the route are refused before Fastify too', async () => {
    const r = await start();
    r.door = true;
    expect((await post(r.base, '/log%69n')).status).toBe(429);
    expect((await post(r.base, '/%6C%6F%67%69%6E?x=%ZZ')).status).toBe(429);
    expect(r.seenByFastify).toEqual([]);
    expect(r.refusals).toHaveLength(2);
  });

  it('answers a client that waits for 100-continue before it sends the body', async () => {
    const r = await start();
    const ask = () =>
      new Promise<{ continued: boolean; status: number }>((resolve, reject) => {
        let continued = false;
        const request = httpRequest(`${r.base}/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': '2', expect: '100-continue' },
        });
        request.on('continue', () => {
          continued = true;
          request.end('{}');
        });
        request.on('response', (response) => {
          response.resume();
          response.on('end', () => resolve({ continued, status: response.statusCode ?? 0 }));
        });
        request.on('error', reject);
        request.flushHeaders();
      });
    r.door = true;
    expect(await ask()).toEqual({ continued: false, status: 429 });
    r.door = false;
    expect(await ask()).toEqual({ continued: true, status: 200 });
    expect(r.handled).toEqual(['/login']);
  });

  it('lets everything else through to Fastify: an open door, another method, another path', async () => {
    const r = await start();
    expect((await post(r.base, '/login')).status).toBe(200);
    r.door = true;
    expect((await fetch(`${r.base}/login`)).status).toBe(200);
    expect((await post(r.base, '/login/')).status).toBe(404);
    expect(r.seenByFastify).toEqual(['/login', '/login', '/login/']);
    expect(r.handled).toEqual(['/login']);
  });

  it('keeps the door inside Fastify for what the server did not see (inject)', async () => {
    const r = await start();
    r.door = true;
    const refused = await r.app.inject({ method: 'POST', url: '/login', payload: {} });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['x-frame-options']).toBe('DENY');
    expect(r.seenByFastify).toEqual(['/login']);
    expect(r.handled).toEqual([]);
    expect(r.refusals).toHaveLength(1);
  });

  it.each<[string, TrustProxy, string]>([
    ['no proxy trusted', false, '127.0.0.1'],
    ['the proxy by address', ['127.0.0.1'], '203.0.113.9'],
    ['one hop', 1, '203.0.113.9'],
    ['two hops', 2, '198.51.100.1'],
  ])('names the client as Fastify would, %s', async (_label, trust, client) => {
    const forwarded = { 'x-forwarded-for': '198.51.100.1, 203.0.113.9', 'user-agent': 'storm' };
    const r = await start(trust);
    await post(r.base, '/login', forwarded);
    r.door = true;
    await post(r.base, '/login', forwarded);
    expect(r.fastifyIps).toEqual([client]);
    expect(r.refusals).toEqual([{ ip: client, userAgent: 'storm', route: 'POST /login' }]);
  });
});
