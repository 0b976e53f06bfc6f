import { timingSafeEqual } from 'node:crypto';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { bearerToken, principalOf } from '../server/access.js';
import type { HttpServer } from '../server/http.js';
import { OpenObject } from '../server/schemas.js';

function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function registerMonitoringRoutes(app: HttpServer, ctx: AppContext): void {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const token = ctx.config.monitoring.metricsToken;
    if (token !== undefined) {
      if (!sameToken(bearerToken(request) ?? '', token)) {
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw new AppError('unauthorized', 'The metrics endpoint needs its bearer token.');
      }
    } else if (!isLoopback(request.socket.remoteAddress ?? '')) {
      // The socket's peer, never request.ip: a forwarded header must not make a remote caller look local.
      throw new AppError('forbidden', 'Without PCA_METRICS_TOKEN, metrics are served to loopback callers only.');
    }
    return reply
      .type(ctx.monitoring.metrics.registry.contentType)
      .send(await ctx.monitoring.metrics.registry.metrics());
  });

  // Instance-wide figures belong to the operator; request statistics also exist per organisation, for its admin.
  const access = { access: { permission: 'platform:monitoring' } } as const;

  app.get(
    '/api/v1/monitoring/requests',
    {
      config: { access: { permission: 'monitoring:read' } },
      schema: {
        tags: ['monitoring'],
        summary:
          "Request totals, success and error rates, p50/p95/p99 overall and per route, status codes, slowest routes: the instance's for the operator, the caller's organisation's otherwise (scope says which)",
        querystring: Type.Object(
          { minutes: Type.Integer({ minimum: 1, maximum: 1440, default: 60 }) },
          { additionalProperties: false },
        ),
        response: { 200: OpenObject },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return principal.permissions.has('platform:monitoring')
        ? { scope: 'instance', ...ctx.monitoring.requests.report(request.query.minutes) }
        : { scope: 'organization', ...ctx.monitoring.orgRequests.report(principal.orgId, request.query.minutes) };
    },
  );

  app.get(
    '/api/v1/monitoring/system',
    {
      config: access,
      schema: {
        tags: ['monitoring'],
        summary: 'CPU, memory, disk of the data dir, event-loop lag, uptime, store pool',
        response: { 200: OpenObject },
      },
    },
    async () => ctx.monitoring.system.snapshot(),
  );

  app.get(
    '/api/v1/monitoring/system/history',
    {
      config: access,
      schema: {
        tags: ['monitoring'],
        summary:
          'The last system samples, oldest first (about 10 minutes): CPU, memory and disk used %, how late each sample fired (event-loop stall)',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                at: Type.String(),
                cpuPercent: Type.Union([Type.Number(), Type.Null()]),
                memoryUsedPercent: Type.Number(),
                diskUsedPercent: Type.Union([Type.Number(), Type.Null()]),
                eventLoopDelayMs: Type.Number(),
              }),
            ),
          }),
        },
      },
    },
    async () => ({ items: ctx.monitoring.system.history() }),
  );

  app.get(
    '/api/v1/monitoring/health',
    {
      config: access,
      schema: {
        tags: ['monitoring'],
        summary: 'Recent results of every health check, newest first',
        response: { 200: OpenObject },
      },
    },
    async () => ({ checks: ctx.health.history() }),
  );
}
