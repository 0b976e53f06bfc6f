import { Type } from 'typebox';
import { changesBetween, auditOf, withAudit } from '../../audit/index.js';
import type { AppContext } from '../../context.js';
import { principalOf } from '../../server/access.js';
import type { HttpServer } from '../../server/http.js';
import { IdParams, OpenObject } from '../../server/schemas.js';
import {
  CATEGORIES,
  SEVERITIES,
  STATUSES,
  acknowledgeAlert,
  getAlert,
  listAlerts,
  raiseAlert,
  resolveAlert,
} from './alerts.js';
import {
  checkWebhookUrl,
  createChannel,
  deleteChannel,
  getChannel,
  listChannels,
  listDeliveries,
  postToChannel,
} from './channels.js';
import { RULE_METRICS, ensureDefaultRules, listRules, updateRules } from './rules.js';

const Note = Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });

export function registerAlertRoutes(app: HttpServer, ctx: AppContext): void {
  const db = ctx.store.db;
  const manage = { access: { permission: 'alerts:manage' } } as const;
  const read = { access: { permission: 'monitoring:read' } } as const;
  const platformManage = { access: { permission: 'platform:monitoring' } } as const;

  app.get(
    '/api/v1/alerts/rules',
    {
      config: platformManage,
      schema: {
        tags: ['alerts'],
        summary: 'The instance alert rules with their evaluation state',
        response: { 200: Type.Object({ items: Type.Array(OpenObject) }) },
      },
    },
    async (request) => {
      const orgId = principalOf(request).orgId;
      await ensureDefaultRules(db, orgId, ctx.clock());
      return { items: await listRules(db, orgId) };
    },
  );

  app.put(
    '/api/v1/alerts/rules',
    {
      config: { ...platformManage, audit: ['alert.rules_changed'] },
      schema: {
        tags: ['alerts'],
        summary: 'Change thresholds, durations, hysteresis, severity or enable/disable, by metric',
        body: Type.Object(
          {
            rules: Type.Array(
              Type.Object(
                {
                  metric: Type.Enum(RULE_METRICS),
                  threshold: Type.Optional(Type.Number({ minimum: 0 })),
                  forSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
                  hysteresis: Type.Optional(Type.Number({ minimum: 0, maximum: 0.9 })),
                  severity: Type.Optional(Type.Enum(SEVERITIES)),
                  enabled: Type.Optional(Type.Boolean()),
                },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: RULE_METRICS.length },
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(OpenObject) }) },
      },
    },
    async (request) => {
      const orgId = principalOf(request).orgId;
      await ensureDefaultRules(db, orgId, ctx.clock());
      const before = await listRules(db, orgId);
      const items = await withAudit(
        db,
        auditOf(request),
        (trx) => updateRules(trx, orgId, request.body.rules, ctx.clock()),
        (after) => ({
          action: 'alert.rules_changed',
          target: { type: 'alert_rules', id: null },
          details: {
            changes: Object.fromEntries(
              after.flatMap((rule) => {
                const old = before.find((candidate) => candidate.metric === rule.metric);
                const diff = old
                  ? changesBetween(old, rule, ['threshold', 'forSeconds', 'hysteresis', 'severity', 'enabled'])
                  : {};
                return Object.keys(diff).length > 0 ? [[rule.metric, diff]] : [];
              }),
            ),
          },
        }),
      );
      return { items };
    },
  );

  app.get(
    '/api/v1/alerts',
    {
      config: read,
      schema: {
        tags: ['alerts'],
        summary: "The organisation's alerts, newest first",
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Enum(STATUSES)),
            severity: Type.Optional(Type.Enum(SEVERITIES)),
            category: Type.Optional(Type.Enum(CATEGORIES)),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(OpenObject) }) },
      },
    },
    async (request) => ({ items: await listAlerts(db, principalOf(request).orgId, request.query) }),
  );

  app.post(
    '/api/v1/alerts',
    {
      config: { ...manage, audit: ['alert.raised'] },
      schema: {
        tags: ['alerts'],
        summary: 'Raise an alert by hand; a repeat of an unresolved fingerprint counts on it',
        body: Type.Object(
          {
            severity: Type.Enum(SEVERITIES),
            category: Type.Enum(CATEGORIES),
            title: Type.String({ minLength: 1, maxLength: 200 }),
            message: Type.String({ maxLength: 4000, default: '' }),
            fingerprint: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: OpenObject, 200: OpenObject },
      },
    },
    async (request, reply) => {
      const { fingerprint, ...rest } = request.body;
      const orgId = principalOf(request).orgId;
      const raised = await withAudit(
        db,
        auditOf(request),
        (trx) =>
          raiseAlert(
            trx,
            orgId,
            { ...rest, fingerprint: fingerprint ?? `manual:${rest.title.toLowerCase()}` },
            ctx.clock(),
          ),
        ({ kind, alert }) => ({
          action: 'alert.raised',
          target: { type: 'alert', id: alert.id, name: alert.title },
          details: { kind, severity: alert.severity, category: alert.category, count: alert.count },
        }),
      );
      if (raised.kind === 'opened') {
        request.log.warn({ alert: raised.alert }, `alert opened: ${raised.alert.title}`);
        void ctx.monitoring
          .notify(orgId, raised.alert, 'opened')
          .catch((error: unknown) => request.log.error({ err: error }, 'webhook delivery failed'));
      }
      return reply.code(raised.kind === 'opened' ? 201 : 200).send(raised.alert);
    },
  );

  app.get(
    '/api/v1/alerts/:id',
    { config: read, schema: { tags: ['alerts'], params: IdParams, response: { 200: OpenObject } } },
    async (request) => getAlert(db, principalOf(request).orgId, request.params.id),
  );

  app.post(
    '/api/v1/alerts/:id/acknowledge',
    {
      config: { ...manage, audit: ['alert.acknowledged'] },
      schema: {
        'x-problems': ['conflict'],
        tags: ['alerts'],
        params: IdParams,
        body: Note,
        response: { 200: OpenObject },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return withAudit(
        db,
        auditOf(request),
        (trx) =>
          acknowledgeAlert(
            trx,
            principal.orgId,
            request.params.id,
            principal.username,
            request.body.note ?? null,
            ctx.clock(),
          ),
        (alert) => ({
          action: 'alert.acknowledged',
          target: { type: 'alert', id: alert.id, name: alert.title },
          details: { note: request.body.note ?? null },
        }),
      );
    },
  );

  app.post(
    '/api/v1/alerts/:id/resolve',
    {
      config: { ...manage, audit: ['alert.resolved'] },
      schema: {
        'x-problems': ['conflict'],
        tags: ['alerts'],
        params: IdParams,
        body: Note,
        response: { 200: OpenObject },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const alert = await withAudit(
        db,
        auditOf(request),
        (trx) =>
          resolveAlert(
            trx,
            principal.orgId,
            request.params.id,
            principal.username,
            request.body.note ?? null,
            ctx.clock(),
          ),
        (resolved) => ({
          action: 'alert.resolved',
          target: { type: 'alert', id: resolved.id, name: resolved.title },
          details: { note: request.body.note ?? null },
        }),
      );
      void ctx.monitoring
        .notify(principal.orgId, alert, 'resolved')
        .catch((error: unknown) => request.log.error({ err: error }, 'webhook delivery failed'));
      return alert;
    },
  );

  app.get(
    '/api/v1/alerts/channels',
    {
      config: manage,
      schema: {
        tags: ['alerts'],
        summary: "The organisation's webhook channels",
        response: { 200: Type.Object({ items: Type.Array(OpenObject) }) },
      },
    },
    async (request) => ({ items: await listChannels(db, principalOf(request).orgId) }),
  );

  app.post(
    '/api/v1/alerts/channels',
    {
      config: { ...manage, audit: ['alert.channel_created'] },
      schema: {
        tags: ['alerts'],
        summary:
          'Add a webhook: alerts are POSTed as JSON, signed with the secret returned here once (x-pca-signature: sha256=HMAC(secret, "timestamp.body"))',
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 100 }), url: Type.String({ minLength: 8, maxLength: 2000 }) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ channel: OpenObject, secret: Type.String() }) },
      },
    },
    async (request, reply) => {
      // Resolved before the transaction opens: a slow name server must not hold the store's write lock.
      const url = await checkWebhookUrl(request.body.url, { allowPrivate: ctx.config.monitoring.webhookAllowPrivate });
      const created = await withAudit(
        db,
        auditOf(request),
        (trx) =>
          createChannel(trx, ctx.auth.box, principalOf(request).orgId, { name: request.body.name, url }, ctx.clock()),
        ({ channel }) => ({
          action: 'alert.channel_created',
          target: { type: 'alert_channel', id: channel.id, name: channel.name },
          details: { url: channel.url },
        }),
      );
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/api/v1/alerts/channels/:id',
    { config: { ...manage, audit: ['alert.channel_deleted'] }, schema: { tags: ['alerts'], params: IdParams } },
    async (request, reply) => {
      const id = request.params.id;
      await withAudit(
        db,
        auditOf(request),
        (trx) => deleteChannel(trx, principalOf(request).orgId, id),
        () => ({ action: 'alert.channel_deleted', target: { type: 'alert_channel', id } }),
      );
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/alerts/channels/:id/deliveries',
    {
      config: manage,
      schema: {
        tags: ['alerts'],
        summary: 'Every delivery attempt of a channel',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(OpenObject) }) },
      },
    },
    async (request) => ({ items: await listDeliveries(db, principalOf(request).orgId, request.params.id) }),
  );

  app.post(
    '/api/v1/alerts/channels/:id/test',
    {
      config: { ...manage, audit: ['alert.channel_tested'] },
      schema: {
        tags: ['alerts'],
        summary:
          'Send a signed test event (x-pca-event: test) to a channel now, once, and say how it went; no alert is raised',
        params: IdParams,
        response: {
          200: Type.Object({ outcome: Type.String(), statusClass: Type.Union([Type.String(), Type.Null()]) }),
        },
      },
    },
    async (request) => {
      const orgId = principalOf(request).orgId;
      const channel = await getChannel(db, orgId, request.params.id);
      const body = JSON.stringify({
        event: 'test',
        channel: { id: channel.id, name: channel.name },
        sentAt: ctx.clock().toISOString(),
      });
      const egress = { allowPrivate: ctx.config.monitoring.webhookAllowPrivate };
      const attempt = await postToChannel(
        { db, box: ctx.auth.box, clock: ctx.clock, timeoutMs: 10_000, egress },
        orgId,
        channel.id,
        'test',
        body,
      );
      const result = {
        outcome: attempt.outcome,
        statusClass: attempt.statusClass === null ? null : `${attempt.statusClass / 100}xx`,
      };
      await auditOf(request).record(db, {
        action: 'alert.channel_tested',
        target: { type: 'alert_channel', id: channel.id, name: channel.name },
        details: result,
      });
      return result;
    },
  );
}
