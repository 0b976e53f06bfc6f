import { Type } from 'typebox';
import { auditOf } from '../audit/index.js';
import type { AppContext } from '../context.js';
import { INSIGHT_RULES, analysisItems, smoothedRating, round } from '../insights/index.js';
import { getAnalysis } from '../analysis/index.js';
import { principalOf } from '../server/access.js';
import { sendDownload, type HttpServer } from '../server/http.js';
import { IdParams, OpenObject } from '../server/schemas.js';
import { feedbackAnalytics, feedbackSuggestions, organizationFeedback } from './analytics.js';
import { FEEDBACK_EXPORT_FORMATS, exportFeedback } from './export.js';
import { rateAnalysis, rateInsight, reportOutcome, restoreRule, unrateInsight } from './service.js';
import { ruleRatings, suppressedRules } from './stats.js';

const Rating = Type.Integer({ minimum: 1, maximum: 5 });
const Text = Type.String({ maxLength: 2000 });

export function registerFeedbackRoutes(app: HttpServer, ctx: AppContext): void {
  const db = ctx.store.db;
  const write = {
    access: { permission: 'feedback:write', readsTarget: 'analyses:read' },
    audit: ['feedback.given', 'insight.rule_suppressed'],
  } as const;
  const read = { access: { permission: 'feedback:read' } } as const;

  app.get(
    '/api/v1/analyses/:id/insights',
    {
      config: { access: { permission: 'analyses:read' } },
      schema: {
        tags: ['insights'],
        summary:
          "An analysis's executive summary, ranked insights and recommendations, and anomalies (suppressed rules' items with includeSuppressed)",
        params: IdParams,
        querystring: Type.Object(
          { includeSuppressed: Type.Boolean({ default: false }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            summary: Type.Union([OpenObject, Type.Null()]),
            insights: Type.Array(OpenObject),
            recommendations: Type.Array(OpenObject),
            anomalies: Type.Array(OpenObject),
          }),
        },
      },
    },
    async (request) => {
      const orgId = principalOf(request).orgId;
      const analysis = await getAnalysis(db, orgId, request.params.id);
      const items = await analysisItems(db, orgId, analysis.id, request.query.includeSuppressed);
      return {
        summary: analysis.summary,
        insights: items.filter((item) => item.kind === 'insight'),
        recommendations: items.filter((item) => item.kind === 'recommendation'),
        anomalies: items.filter((item) => item.kind === 'anomaly'),
      };
    },
  );

  app.put(
    '/api/v1/insights/:id/feedback',
    {
      config: write,
      schema: {
        tags: ['feedback'],
        summary: 'Rate an insight 1-5 (one rating per user and insight; a second PUT updates it)',
        params: IdParams,
        body: Type.Object({ rating: Rating, comment: Type.Optional(Text) }, { additionalProperties: false }),
        response: { 200: OpenObject },
      },
    },
    async (request) =>
      rateInsight(
        db,
        principalOf(request),
        request.params.id,
        request.body,
        ctx.clock(),
        auditOf(request),
        ctx.config.feedbackSuppressMinRaters,
      ),
  );

  app.delete(
    '/api/v1/insights/:id/feedback',
    {
      config: { access: { permission: 'feedback:write', readsTarget: 'analyses:read' }, audit: ['feedback.removed'] },
      schema: { tags: ['feedback'], summary: 'Withdraw your rating of an insight', params: IdParams },
    },
    async (request, reply) => {
      await unrateInsight(db, principalOf(request), request.params.id, auditOf(request));
      return reply.code(204).send();
    },
  );

  app.put(
    '/api/v1/recommendations/:id/feedback',
    {
      config: { access: { permission: 'feedback:write', readsTarget: 'analyses:read' }, audit: ['feedback.given'] },
      schema: {
        tags: ['feedback'],
        summary: 'Report what came of a recommendation: implemented, how effective (1-5), the actual impact',
        params: IdParams,
        body: Type.Object(
          {
            implemented: Type.Boolean(),
            effectivenessRating: Type.Optional(Rating),
            actualImpact: Type.Optional(Type.Number()),
            measuredValue: Type.Optional(Type.String({ maxLength: 200 })),
            comment: Type.Optional(Text),
          },
          { additionalProperties: false },
        ),
        response: { 200: OpenObject },
      },
    },
    async (request) =>
      reportOutcome(db, principalOf(request), request.params.id, request.body, ctx.clock(), auditOf(request)),
  );

  app.put(
    '/api/v1/analyses/:id/feedback',
    {
      config: { access: { permission: 'feedback:write', readsTarget: 'analyses:read' }, audit: ['feedback.given'] },
      schema: {
        tags: ['feedback'],
        summary:
          'Rate an analysis: overall, usefulness, accuracy, actionability (1-5 each), and what was most and least valuable or missing',
        params: IdParams,
        body: Type.Object(
          {
            overall: Rating,
            usefulness: Rating,
            accuracy: Rating,
            actionability: Rating,
            mostValuable: Type.Optional(Text),
            leastValuable: Type.Optional(Text),
            missingInsights: Type.Optional(Text),
            comment: Type.Optional(Text),
          },
          { additionalProperties: false },
        ),
        response: { 200: OpenObject },
      },
    },
    async (request) =>
      rateAnalysis(db, principalOf(request), request.params.id, request.body, ctx.clock(), auditOf(request)),
  );

  app.get(
    '/api/v1/feedback/analytics',
    {
      config: read,
      schema: {
        tags: ['feedback'],
        summary:
          'Counts, averages and distributions by category, rule and priority; implementation and effectiveness; weekly trend',
        response: { 200: OpenObject },
      },
    },
    async (request) => feedbackAnalytics(db, principalOf(request).orgId),
  );

  app.get(
    '/api/v1/feedback/suggestions',
    {
      config: read,
      schema: {
        tags: ['feedback'],
        summary: 'Improvement suggestions, each with the figures behind it',
        response: { 200: Type.Object({ items: Type.Array(OpenObject) }) },
      },
    },
    async (request) => ({ items: await feedbackSuggestions(db, principalOf(request).orgId) }),
  );

  app.get(
    '/api/v1/feedback/export',
    {
      config: { ...read, audit: ['feedback.exported'] },
      schema: {
        tags: ['feedback'],
        summary: 'All feedback as CSV, XLSX or JSON (cells neutralised against formula injection)',
        querystring: Type.Object(
          { format: Type.Enum(FEEDBACK_EXPORT_FORMATS, { default: 'json' }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const orgId = principalOf(request).orgId;
      const file = await exportFeedback(await organizationFeedback(db, orgId), request.query.format);
      await auditOf(request).record(db, {
        action: 'feedback.exported',
        target: { type: 'feedback', id: null },
        details: { format: request.query.format },
      });
      return sendDownload(reply, file, `feedback-${orgId}`);
    },
  );

  app.get(
    '/api/v1/insights/rules',
    {
      config: { access: { permission: 'analyses:read' } },
      schema: {
        tags: ['insights'],
        summary: "Every insight rule with this organisation's ratings, smoothed rating and suppression",
        response: { 200: Type.Object({ items: Type.Array(OpenObject) }) },
      },
    },
    async (request) => {
      const orgId = principalOf(request).orgId;
      const [ratings, suppressed] = await Promise.all([ruleRatings(db, orgId), suppressedRules(db, orgId)]);
      return {
        items: INSIGHT_RULES.map((rule) => {
          const stats = ratings.get(rule.id);
          return {
            ruleId: rule.id,
            category: rule.category,
            priority: rule.priority,
            description: rule.description,
            ratings: stats?.count ?? 0,
            average: stats && stats.count > 0 ? round(stats.sum / stats.count) : null,
            smoothedRating: round(smoothedRating(stats)),
            suppressed: suppressed.has(rule.id),
          };
        }),
      };
    },
  );

  app.post(
    '/api/v1/insights/rules/:ruleId/restore',
    {
      config: { access: { permission: 'org:settings' }, audit: ['insight.rule_restored'] },
      schema: {
        'x-problems': ['conflict'],
        tags: ['insights'],
        summary: 'Restore a rule that feedback suppressed; only later ratings can suppress it again',
        params: Type.Object({ ruleId: Type.String({ minLength: 1, maxLength: 100 }) }),
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await restoreRule(db, principal.orgId, request.params.ruleId, principal.userId, ctx.clock(), auditOf(request));
      return reply.code(204).send();
    },
  );
}
