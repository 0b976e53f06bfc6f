import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import type { HttpServer } from '../server/http.js';
import { PRODUCT_NAME, PRODUCT_VERSION } from '../version.js';

const HEALTH_CONTENT_TYPE = 'application/health+json';

const CheckResultSchema = Type.Object({
  componentType: Type.String(),
  status: Type.Union([Type.Literal('pass'), Type.Literal('warn'), Type.Literal('fail')]),
  time: Type.String(),
  durationMs: Type.Number(),
  output: Type.Optional(Type.String()),
  observedValue: Type.Optional(Type.Number()),
  observedUnit: Type.Optional(Type.String()),
});

const ReadySchema = Type.Object({
  status: Type.Union([Type.Literal('pass'), Type.Literal('warn'), Type.Literal('fail')]),
  version: Type.String(),
  serviceId: Type.String(),
  checks: Type.Record(Type.String(), Type.Array(CheckResultSchema)),
});

export function registerHealthRoutes(app: HttpServer, ctx: AppContext): void {
  app.get(
    '/health/live',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process event loop answers',
        response: { 200: Type.Object({ status: Type.Literal('pass') }) },
      },
    },
    async (_request, reply) => {
      reply.type(HEALTH_CONTENT_TYPE);
      return { status: 'pass' as const };
    },
  );

  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: aggregate of the health checks; 503 when any critical check fails',
        response: { 200: ReadySchema, 503: ReadySchema },
      },
    },
    async (_request, reply) => {
      const report = await ctx.health.runAll();
      reply.type(HEALTH_CONTENT_TYPE).code(report.status === 'fail' ? 503 : 200);
      return { status: report.status, version: PRODUCT_VERSION, serviceId: PRODUCT_NAME, checks: report.checks };
    },
  );
}
