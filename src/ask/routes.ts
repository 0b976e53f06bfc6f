import { Type } from 'typebox';
import { auditOf } from '../audit/index.js';
import type { AppContext } from '../context.js';
import { principalOf } from '../server/access.js';
import type { HttpServer } from '../server/http.js';
import { IdParams, Nullable, OpenObject, PageQuery, pageOf } from '../server/schemas.js';
import { ratedAnswers, userHistory, type AskRecord } from './history.js';
import { askDatasets, rateAnswer } from './service.js';

const Option = Type.Object({ label: Type.String(), question: Type.String() });
const Rating = Type.Union([Type.Literal('useful'), Type.Literal('wrong')]);
const Evidence = Type.Object({
  kind: Type.Union([Type.Literal('anomaly'), Type.Literal('insight')]),
  id: Type.String(),
  title: Type.String(),
  sentence: Type.String(),
});
const ColumnFormat = Type.Union([
  Type.Literal('money'),
  Type.Literal('count'),
  Type.Literal('percent'),
  Type.Literal('ratio'),
  Type.Literal('share'),
  Type.Literal('field'),
  Type.Literal('text'),
]);
const AnswerSchema = Type.Object({
  sentence: Type.String(),
  columns: Type.Array(Type.String(), { description: "The columns' keys, as the rows hold them" }),
  fields: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), format: ColumnFormat }), {
    description:
      "Each column's label for people and how its figures read: money in the row's currency, percent as 6.43 = 6.43%, share as a fraction of 1, field as a schema key shown by its label",
  }),
  rows: Type.Array(OpenObject),
  chart: Nullable(OpenObject),
  evidence: Type.Optional(Type.Array(Evidence)),
});
const QuestionRecord = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  question: Type.String(),
  scope: OpenObject,
  outcome: Type.String(),
  interpretation: Nullable(Type.String()),
  query: Nullable(OpenObject),
  answer: Nullable(AnswerSchema),
  createdAt: Type.String(),
  rating: Nullable(Rating),
  comment: Nullable(Type.String()),
  correction: Nullable(Type.String()),
  ratedAt: Nullable(Type.String()),
});

const presentRecord = (record: AskRecord) => ({
  ...record,
  scope: { ...record.scope },
  query: record.query,
  answer: record.answer,
});

export function registerAskRoutes(app: HttpServer, ctx: AppContext): void {
  const deps = {
    db: ctx.store.db,
    duck: ctx.duck,
    layout: ctx.layout,
    clock: ctx.clock,
    ...(ctx.config.llm ? { llm: ctx.config.llm } : {}),
  };
  app.post(
    '/api/v1/ask',
    {
      // Whoever may query the data may ask it questions: a question becomes a /api/v1/query request.
      config: { access: { permission: 'analyses:read' }, audit: ['analysis.question_asked'] },
      schema: {
        tags: ['analyses'],
        summary:
          'Ask the data a question in plain language: it is read into the structured query of /api/v1/query (shown), run by the engine, and answered with a sentence, a table and a chart, or asked back when it reads more than one way',
        body: Type.Object(
          {
            question: Type.String({ minLength: 1, maxLength: 500 }),
            datasetIds: Type.Optional(
              Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 20 }),
            ),
            analysisId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            id: Type.String(),
            question: Type.String(),
            interpretation: Nullable(Type.String()),
            intent: Nullable(Type.String()),
            query: Nullable(OpenObject),
            matches: Type.Array(OpenObject),
            notes: Type.Array(Type.String()),
            answer: Type.Optional(AnswerSchema),
            clarification: Type.Optional(Type.Object({ question: Type.String(), options: Type.Array(Option) })),
            correctedTo: Type.Optional(Type.String()),
            reportedWrong: Type.Optional(Type.Object({ count: Type.Integer(), comments: Type.Array(Type.String()) })),
          }),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return askDatasets(deps, { orgId: principal.orgId, userId: principal.userId }, request.body, auditOf(request));
    },
  );

  app.put(
    '/api/v1/ask/:id/rating',
    {
      config: { access: { permission: 'feedback:write' }, audit: ['analysis.answer_rated'] },
      schema: {
        tags: ['analyses'],
        summary:
          'Rate the answer to one of your questions useful or wrong; a wrong one may carry a correction (the question reworded), which later askings of the same question in the organisation read instead',
        params: IdParams,
        body: Type.Object(
          {
            rating: Rating,
            comment: Type.Optional(Type.String({ maxLength: 2000 })),
            correction: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ id: Type.String(), rating: Rating }) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return rateAnswer(
        deps,
        { orgId: principal.orgId, userId: principal.userId },
        request.params.id,
        request.body,
        auditOf(request),
      );
    },
  );

  app.get(
    '/api/v1/ask/history',
    {
      config: { access: { permission: 'analyses:read' } },
      schema: {
        tags: ['analyses'],
        summary: 'Your own questions, newest first, with how each was read, its answer and your rating',
        querystring: PageQuery,
        response: { 200: pageOf(QuestionRecord) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { limit, cursor } = request.query;
      const page = await userHistory(ctx.store.db, principal.orgId, principal.userId, {
        limit,
        ...(cursor ? { cursor } : {}),
      });
      return { items: page.items.map(presentRecord), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/ask/reviews',
    {
      // Reviewing other users' questions is reading feedback: admins and analysts.
      config: { access: { permission: 'feedback:read' } },
      schema: {
        tags: ['feedback'],
        summary:
          "The organisation's rated answers for review, newest first: wrong ones by default, with the question, its reading, the answer, the comment and any correction",
        querystring: Type.Object(
          { ...PageQuery.properties, rating: Type.Optional(Rating) },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(QuestionRecord) },
      },
    },
    async (request) => {
      const { limit, cursor, rating } = request.query;
      const page = await ratedAnswers(ctx.store.db, principalOf(request).orgId, rating ?? 'wrong', {
        limit,
        ...(cursor ? { cursor } : {}),
      });
      return { items: page.items.map(presentRecord), nextCursor: page.nextCursor };
    },
  );
}
