import { Type } from 'typebox';
import { ConversionSchema, DatasetIds, DateRangeSchema, FilterSchema } from '../analysis/index.js';
import { EXPORT_FORMATS } from '../reports/index.js';
import { auditOf } from '../audit/index.js';
import { reportDeliveryDeps, runReport } from '../commands/deliver-report.js';
import type { AppContext } from '../context.js';
import { principalOf } from '../server/access.js';
import type { HttpServer } from '../server/http.js';
import { IdParams, OpenObject, PageQuery, pageOf } from '../server/schemas.js';
import { TIME_PATTERN, WEEKDAYS } from './cadence.js';
import {
  createSchedule,
  deleteSchedule,
  getSchedule,
  listRuns,
  listSchedules,
  updateSchedule,
  type ScheduleDeps,
} from './schedules.js';

const Time = Type.String({ pattern: TIME_PATTERN, description: 'HH:MM, UTC' });
const CadenceSchema = Type.Union([
  Type.Object({ kind: Type.Literal('daily'), time: Time }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('weekly'), weekday: Type.Enum(WEEKDAYS), time: Time },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('monthly'),
      day: Type.Integer({ minimum: 1, maximum: 31, description: "29-31 mean the month's last day in shorter months" }),
      time: Time,
    },
    { additionalProperties: false },
  ),
]);
const SourceSchema = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('datasets'),
      datasetIds: DatasetIds,
      filters: Type.Optional(Type.Array(FilterSchema, { maxItems: 20 })),
      dateRange: Type.Optional(DateRangeSchema),
      conversion: Type.Optional(ConversionSchema),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('analysis'), analysisId: Type.String({ minLength: 1, maxLength: 64 }) },
    { additionalProperties: false },
  ),
]);
const Email = Type.String({ maxLength: 254, pattern: '^[^\\s@<>,;"]+@[^\\s@<>,;"]+\\.[^\\s@<>,;"]+$' });
const DestinationSchema = Type.Union([
  Type.Object(
    { kind: Type.Literal('email'), to: Type.Array(Email, { minItems: 1, maxItems: 20 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('webhook'), channelId: Type.String({ minLength: 1, maxLength: 64 }) },
    { additionalProperties: false },
  ),
]);
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Format = Type.Enum(EXPORT_FORMATS);

export function registerReportScheduleRoutes(app: HttpServer, ctx: AppContext): void {
  const db = ctx.store.db;
  const deps: ScheduleDeps = { db, clock: ctx.clock, mailConfigured: ctx.mailer !== undefined };
  const read = { access: { permission: 'analyses:read', feature: 'exports' } } as const;
  const manage = { permission: 'reports:manage', feature: 'exports' } as const;

  app.get(
    '/api/v1/report-schedules',
    {
      config: read,
      schema: {
        tags: ['reports'],
        summary: "The organisation's report schedules",
        querystring: PageQuery,
        response: { 200: pageOf(OpenObject) },
      },
    },
    async (request) => listSchedules(db, principalOf(request).orgId, request.query),
  );

  app.post(
    '/api/v1/report-schedules',
    {
      config: { access: manage, audit: ['report.schedule_created'] },
      schema: {
        tags: ['reports'],
        summary:
          'Schedule a report: what to analyse, how often (UTC), the format, and where it goes (e-mail or an alert channel webhook)',
        body: Type.Object(
          {
            name: Name,
            report: SourceSchema,
            format: Format,
            cadence: CadenceSchema,
            destination: DestinationSchema,
            enabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 201: OpenObject },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createSchedule(deps, principalOf(request), request.body, auditOf(request))),
  );

  app.get(
    '/api/v1/report-schedules/:id',
    { config: read, schema: { tags: ['reports'], params: IdParams, response: { 200: OpenObject } } },
    async (request) => getSchedule(db, principalOf(request).orgId, request.params.id),
  );

  app.patch(
    '/api/v1/report-schedules/:id',
    {
      config: { access: manage, audit: ['report.schedule_updated'] },
      schema: {
        tags: ['reports'],
        summary: 'Change a schedule; a new cadence, or enabling it, starts from the next slot',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            report: Type.Optional(SourceSchema),
            format: Type.Optional(Format),
            cadence: Type.Optional(CadenceSchema),
            destination: Type.Optional(DestinationSchema),
            enabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: OpenObject },
      },
    },
    async (request) =>
      updateSchedule(deps, principalOf(request).orgId, request.params.id, request.body, auditOf(request)),
  );

  app.delete(
    '/api/v1/report-schedules/:id',
    { config: { access: manage, audit: ['report.schedule_deleted'] }, schema: { tags: ['reports'], params: IdParams } },
    async (request, reply) => {
      await deleteSchedule(db, principalOf(request).orgId, request.params.id, auditOf(request));
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/report-schedules/:id/run',
    {
      config: {
        access: manage,
        audit: [
          'report.run_requested',
          'analysis.created',
          'llm.summary_rejected',
          'report.delivered',
          'report.delivery_failed',
        ],
      },
      schema: {
        tags: ['reports'],
        summary:
          'Run a schedule now, once (no retries): analyse, render, deliver; the run, failed or not, is in its history',
        params: IdParams,
        response: { 201: OpenObject },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const schedule = await getSchedule(db, principal.orgId, request.params.id);
      const audit = auditOf(request);
      await audit.record(db, {
        action: 'report.run_requested',
        target: { type: 'report_schedule', id: schedule.id, name: schedule.name },
      });
      const { run } = await runReport(
        reportDeliveryDeps(ctx, request.log),
        { ...schedule, orgId: principal.orgId },
        {
          trigger: 'manual',
          userId: principal.userId,
          scheduledFor: null,
          attempt: 1,
          final: true,
          reuseAnalysisId: null,
        },
        audit,
      );
      return reply.code(201).send(run);
    },
  );

  app.get(
    '/api/v1/report-schedules/:id/runs',
    {
      config: read,
      schema: {
        tags: ['reports'],
        summary: "A schedule's runs, newest first",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: pageOf(OpenObject) },
      },
    },
    async (request) => listRuns(db, principalOf(request).orgId, request.params.id, request.query),
  );
}
