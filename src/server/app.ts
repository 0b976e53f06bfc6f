import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyRequest } from 'fastify';
import { installAuditHooks } from '../audit/index.js';
import { registerAuditRoutes } from '../audit/routes.js';
import { registerFeedbackRoutes } from '../feedback/routes.js';
import { registerBudgetRoutes } from '../budgets/routes.js';
import { registerApiKeyRoutes } from '../auth/api-key-routes.js';
import { registerAuthRoutes } from '../auth/routes.js';
import { registerUserRoutes } from '../auth/user-routes.js';
import { registerAnalysisRoutes } from '../analysis/routes.js';
import { registerAskRoutes } from '../ask/routes.js';
import type { AppContext } from '../context.js';
import { registerHealthRoutes } from '../monitoring/health-routes.js';
import { registerAlertRoutes } from '../monitoring/alerts/routes.js';
import { registerMonitoringRoutes } from '../monitoring/routes.js';
import { registerOrganizationRoutes } from '../tenancy/routes.js';
import { registerReportScheduleRoutes } from '../report-schedules/routes.js';
import { PRODUCT_VERSION } from '../version.js';
import { installAccessHook } from './access.js';
import { installErrorHandling } from './error-handler.js';
import { instrument } from './instrumentation.js';
import { redactUrlForLog } from './log-redaction.js';
import { RequestLogController } from './request-log.js';
import { installSecurityHeaders, securityHeaders } from './security-headers.js';
import { SlidingCounter } from './sliding-counter.js';
import type { HttpServer } from './http.js';
import { registerProblemRoutes } from './problem-routes.js';
import { recordRoutes } from './route-table.js';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id.js';
import { registerWebApp, type WebApp } from './web.js';
import { completeOpenApi } from './openapi.js';
import { Doors } from './door.js';
import { clientAddressOf, trustProxyOption } from './client-address.js';
import { nodeServer } from './node-server.js';
import { processWideCompilers } from './schema-compilers.js';
import { stdoutDestination } from './log-destination.js';
import { IdleClock } from './idle-clock.js';

/** Every answer's security headers: helmet's defaults and the web app's content policy. */
const SECURITY_HEADERS = securityHeaders({
  contentSecurityPolicy: {
    directives: {
      // The web app: its own scripts only; ECharts' SVG and Radix set inline style attributes.
      'script-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:', 'blob:'],
      'connect-src': ["'self'"],
      'form-action': ["'self'"],
    },
  },
});

export interface BuildAppOptions {
  /** A pino destination stream for tests; default stdout, written asynchronously (log-destination.ts). */
  readonly logStream?: NodeJS.WritableStream;
  /** Where the built web app is; default dist/web. */
  readonly webRoot?: string;
}

/** Assembles the HTTP app over an already-open context. Closing the app does not close the context. */
export async function buildApp(ctx: AppContext, options: BuildAppOptions = {}): Promise<HttpServer> {
  const limits = ctx.config.http;
  const doors = new Doors(SECURITY_HEADERS, clientAddressOf(ctx.config.trustProxy));
  const app = Fastify({
    logger: {
      level: ctx.config.logLevel,
      stream: options.logStream ?? stdoutDestination(),
      serializers: {
        // Fastify's own fields, with sensitive query parameters (token=, key=, code=…) redacted.
        req: (request: FastifyRequest) => ({
          method: request.method,
          url: redactUrlForLog(request.url),
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        }),
      },
    },
    genReqId: requestIdFor,
    requestIdHeader: false,
    logController: new RequestLogController({ requestIdLogLabel: 'requestId' }),
    trustProxy: trustProxyOption(ctx.config.trustProxy),
    return503OnClosing: true,
    serverFactory: nodeServer(limits, (request, response) => doors.refuseRaw(request, response)),
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    schemaController: { compilersFactory: processWideCompilers },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // A socket whose request is being worked on is not idle (idle-clock.ts).
  const idleClock = new IdleClock(app.server);
  // The small per-request hooks take a callback: an async hook costs a promise and a microtask each.
  app.addHook('preHandler', (request, _reply, done) => {
    idleClock.working(request.raw.socket);
    done();
  });

  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });

  // Before any hook that may refuse the request, so refusals carry the headers too.
  installSecurityHeaders(app, SECURITY_HEADERS);

  // While draining, answer in-flight requests with Connection: close so keep-alive
  // sockets end with their last response instead of holding shutdown open.
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });

  recordRoutes(app);
  const measure = ctx.config.monitoring.requestMetrics ? instrument(app, ctx.monitoring) : undefined;
  const noteRefusal = installAuditHooks(app, ctx.audit, ctx.store.db);
  // After the hooks every answer needs (request id, security headers, in-flight metric), before any other work.
  doors.install(app, noteRefusal, measure);
  installAccessHook(app, ctx.auth, new SlidingCounter(limits.anonymousPerMinute, 60_000));

  app.addHook('onSend', (request, reply, payload, done) => {
    idleClock.responding(request.raw.socket);
    if (draining) reply.header('connection', 'close');
    // Responses may carry tokens, keys and one-time passwords: no cache keeps any /api response.
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });

  // The web app registers after the security headers so its files get them too; the fallback is looked up when called.
  const web: { app?: WebApp } = {};
  installErrorHandling(app, (request, reply) => web.app?.fallback(request, reply) ?? false);

  // A POST with no body at all is validated as an empty object: its required fields are then reported by name.
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.body === undefined && request.method !== 'GET' && request.method !== 'HEAD') request.body = {};
    done();
  });

  await app.register(cookie);
  web.app = await registerWebApp(app, options.webRoot);
  // Only the routes that take files get multipart: its plugin adds three async hooks and a close
  // listener to every request in its scope, a read of one's profile included.
  const withFiles = (register: (scope: HttpServer) => void) =>
    app.register(async (scope) => {
      // Per-route limits (the organisation's maxUploadBytes) are applied where the file is read.
      await scope.register(multipart, { limits: { files: 1, fields: 10, fieldSize: 64 * 1024, parts: 12 } });
      register(scope);
    });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'PCA Agent API',
        version: PRODUCT_VERSION,
        description: 'Post-campaign analysis. Errors are RFC 9457 application/problem+json.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT or pca_ API key' } },
      },
    },
    transformObject: (document) =>
      'openapiObject' in document ? completeOpenApi(document.openapiObject) : document.swaggerObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  // Every protected operation names the bearer scheme, so typed clients and "Try it out" send it.
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!route.url.startsWith('/api/') || access === undefined || 'public' in access) return;
    route.schema = { ...route.schema, security: [{ bearer: [] }] };
  });

  registerProblemRoutes(app);
  registerHealthRoutes(app, ctx);
  registerMonitoringRoutes(app, ctx);
  registerAlertRoutes(app, ctx);
  registerAuthRoutes(app, ctx.auth, ctx.monitoring.metrics);
  registerUserRoutes(app, ctx.auth);
  registerApiKeyRoutes(app, ctx.auth);
  registerOrganizationRoutes(app, ctx.auth);
  await withFiles((scope) => registerAnalysisRoutes(scope, ctx));
  registerAuditRoutes(app, ctx);
  registerFeedbackRoutes(app, ctx);
  await withFiles((scope) => registerBudgetRoutes(scope, ctx));
  registerAskRoutes(app, ctx);
  registerReportScheduleRoutes(app, ctx);

  return app;
}
