import type { FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { getUser } from '../auth/index.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { principalOf } from '../server/access.js';
import { sendDownload, type HttpServer } from '../server/http.js';
import { IdParams, OpenObject } from '../server/schemas.js';
import { listManifests } from './archive.js';
import { AUDIT_ACTIONS, AUDIT_CATALOG } from './catalog.js';
import { AUDIT_EXPORT_FORMATS, exportEvents } from './export.js';
import { auditOf } from './http.js';
import { listEvents, type EventFilters } from './query.js';
import { complianceReport, reportCsv, reportXlsx } from './report.js';
import { verifyChain } from './verify.js';
import type { UserId } from '../ids.js';

/** A UTC instant or a date (midnight UTC); normalised to ISO 8601 so it compares as text. */
const Instant = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2}))?$',
  maxLength: 40,
});

function instant(value: string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  const parsed = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(parsed))
    throw new AppError('validation', `${field} is not a valid date.`, {}, [
      { field: `/querystring/${field}`, message: 'is not a valid date' },
    ]);
  return new Date(parsed).toISOString();
}

const Filters = {
  from: Type.Optional(Instant),
  to: Type.Optional(Instant),
  action: Type.Optional(Type.String({ pattern: '^[a-z_]+(\\.[a-z_]+)*(\\.\\*)?$', maxLength: 64 })),
  actorId: Type.Optional(Type.String({ maxLength: 128 })),
  actorType: Type.Optional(Type.Enum(['user', 'api_key', 'system'])),
  targetId: Type.Optional(Type.String({ maxLength: 512 })),
  targetType: Type.Optional(Type.String({ maxLength: 64 })),
  outcome: Type.Optional(Type.Enum(['success', 'failure', 'denied'])),
  severity: Type.Optional(Type.Enum(['info', 'warning', 'error', 'critical'])),
  requestId: Type.Optional(Type.String({ maxLength: 128 })),
};
type FilterQuery = Static<ReturnType<typeof Type.Object<typeof Filters>>>;

function eventFilters(query: FilterQuery): EventFilters {
  const { from, to, ...rest } = query;
  const range = { from: instant(from, 'from'), to: instant(to, 'to') };
  const defined = Object.entries({ ...rest, ...range }).filter(([, value]) => value !== undefined);
  return Object.fromEntries(defined);
}

const page = {
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  cursor: Type.Optional(Type.String({ maxLength: 128 })),
  includeArchived: Type.Boolean({ default: false }),
};

export function registerAuditRoutes(app: HttpServer, ctx: AppContext): void {
  const db = ctx.store.db;
  const archiveRoot = ctx.layout.auditArchive;
  const reading = { access: { permission: 'audit:read' }, audit: ['audit.read'] } as const;
  const recordRead = (request: FastifyRequest, what: string, details: Record<string, unknown>) =>
    auditOf(request).record(db, { action: 'audit.read', target: { type: 'audit_trail', id: what }, details });

  app.get(
    '/api/v1/audit/events',
    {
      config: reading,
      schema: {
        tags: ['audit'],
        summary: 'Audit events, newest first, with filters and a cursor; includeArchived searches archive files too',
        querystring: Type.Object({ ...Filters, ...page }, { additionalProperties: false }),
        response: {
          200: Type.Object({ items: Type.Array(OpenObject), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
        },
      },
    },
    async (request) => {
      const { limit, cursor, includeArchived, ...query } = request.query;
      const filters = eventFilters(query);
      const result = await listEvents(
        db,
        principalOf(request).orgId,
        filters,
        { limit, ...(cursor ? { cursor } : {}) },
        includeArchived ? archiveRoot : undefined,
      );
      await recordRead(request, 'events', { filters, includeArchived, returned: result.items.length });
      return result;
    },
  );

  app.get(
    '/api/v1/audit/users/:id/activity',
    {
      config: reading,
      schema: {
        tags: ['audit'],
        summary: "A user's activity: events where they acted or were acted upon",
        params: IdParams,
        querystring: Type.Object({ ...Filters, ...page }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            user: OpenObject,
            items: Type.Array(OpenObject),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      const orgId = principalOf(request).orgId;
      const user = await getUser(db, orgId, request.params.id as UserId);
      const { limit, cursor, includeArchived, ...query } = request.query;
      const filters = { ...eventFilters(query), involving: user.id };
      const result = await listEvents(
        db,
        orgId,
        filters,
        { limit, ...(cursor ? { cursor } : {}) },
        includeArchived ? archiveRoot : undefined,
      );
      await recordRead(request, 'user_activity', { userId: user.id, returned: result.items.length });
      return { user: { id: user.id, username: user.username, role: user.role, status: user.status }, ...result };
    },
  );

  app.get(
    '/api/v1/audit/verify',
    {
      config: { access: { permission: 'audit:read' }, audit: ['audit.read', 'audit.chain_broken'] },
      schema: {
        tags: ['audit'],
        summary:
          "Verify the organisation's hash chain (archives too with archives=true): {valid, checked, firstBrokenSeq?}",
        querystring: Type.Object({ archives: Type.Boolean({ default: false }) }, { additionalProperties: false }),
        response: { 200: OpenObject },
      },
    },
    async (request) => {
      const orgId = principalOf(request).orgId;
      const result = await verifyChain(db, ctx.audit.key, orgId, request.query.archives ? { archiveRoot } : {});
      if (!result.valid) {
        await auditOf(request).record(db, {
          action: 'audit.chain_broken',
          target: { type: 'audit_trail', id: orgId },
          outcome: 'failure',
          reason: result.reason ?? 'broken',
          details: { ...result },
        });
      }
      await recordRead(request, 'verify', { valid: result.valid, checked: result.checked });
      return result;
    },
  );

  app.get(
    '/api/v1/audit/report',
    {
      config: reading,
      schema: {
        tags: ['audit'],
        summary: 'Compliance report over [from, to) (default: the last 30 days) as JSON, CSV or XLSX',
        querystring: Type.Object(
          {
            from: Type.Optional(Instant),
            to: Type.Optional(Instant),
            format: Type.Enum(['json', 'csv', 'xlsx'], { default: 'json' }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const now = ctx.clock();
      const to = instant(request.query.to, 'to') ?? now.toISOString();
      const from = instant(request.query.from, 'from') ?? new Date(Date.parse(to) - 30 * 86_400_000).toISOString();
      if (from >= to)
        throw new AppError('validation', '`from` must be before `to`.', {}, [
          { field: '/querystring/from', message: 'must be before to' },
        ]);
      const report = await complianceReport(db, principalOf(request).orgId, { from, to }, now);
      await recordRead(request, 'report', { from, to, format: request.query.format });
      if (request.query.format === 'json') return report;
      const body = request.query.format === 'csv' ? reportCsv(report) : await reportXlsx(report);
      return sendDownload(
        reply,
        { format: request.query.format, body },
        `audit-report-${from.slice(0, 10)}-${to.slice(0, 10)}`,
      );
    },
  );

  app.get(
    '/api/v1/audit/export',
    {
      config: { access: { permission: 'audit:read' }, audit: ['audit.exported'] },
      schema: {
        tags: ['audit'],
        summary:
          'Stream the trail (filters as for events) as CSV, XLSX, JSON or JSON Lines; cells are neutralised against formula injection',
        querystring: Type.Object(
          { ...Filters, format: Type.Enum(AUDIT_EXPORT_FORMATS, { default: 'jsonl' }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const filters = eventFilters(query);
      const orgId = principalOf(request).orgId;
      // Recorded before the stream starts: the export ends with its own event.
      await auditOf(request).record(db, {
        action: 'audit.exported',
        target: { type: 'audit_trail', id: 'export' },
        details: { filters, format },
      });
      const file = await exportEvents(db, orgId, filters, format);
      return sendDownload(reply, file, `audit-${orgId}`);
    },
  );

  app.get(
    '/api/v1/audit/archives',
    {
      config: reading,
      schema: {
        tags: ['audit'],
        summary: "The organisation's audit archive files and their manifests",
        response: { 200: Type.Object({ items: Type.Array(OpenObject) }) },
      },
    },
    async (request) => {
      const items = await listManifests(archiveRoot, principalOf(request).orgId);
      await recordRead(request, 'archives', { files: items.length });
      return { items };
    },
  );

  app.get(
    '/api/v1/audit/catalog',
    {
      config: { access: { permission: 'audit:read' } },
      schema: {
        tags: ['audit'],
        summary: 'Every action the trail records, with category, base severity and meaning',
        response: { 200: Type.Object({ items: Type.Array(OpenObject) }) },
      },
    },
    async () => ({ items: AUDIT_ACTIONS.map((action) => ({ action, ...AUDIT_CATALOG[action] })) }),
  );
}
