import { Type } from 'typebox';
import { auditOf } from '../audit/http.js';
import type { AppContext } from '../context.js';
import { principalOf } from '../server/access.js';
import type { HttpServer } from '../server/http.js';
import { OpenObject } from '../server/schemas.js';
import { askDatasets } from './service.js';

const Option = Type.Object({ label: Type.String(), question: Type.String() });

export function registerAskRoutes(app: HttpServer, ctx: AppContext): void {
  app.post(
    '/api/v1/ask',
    {
      // Whoever may query the data may ask it questions: a question becomes a /api/v1/query request.
      config: { access: { permission: 'analyses:read' }, audit: ['analysis.question_asked'] },
      schema: {
        tags: ['analyses'],
        summary: 'Ask the data a question in plain language: it is read into the structured query of /api/v1/query (shown), run by the engine, and answered with a sentence, a table and a chart, or asked back when it reads more than one way',
        body: Type.Object(
          {
            question: Type.String({ minLength: 1, maxLength: 500 }),
            datasetIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 20 })),
            analysisId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            question: Type.String(),
            interpretation: Type.Union([Type.String(), Type.Null()]),
            intent: Type.Union([Type.String(), Type.Null()]),
            query: Type.Union([OpenObject, Type.Null()]),
            matches: Type.Array(OpenObject),
            notes: Type.Array(Type.String()),
            answer: Type.Optional(
              Type.Object({ sentence: Type.String(), columns: Type.Array(Type.String()), rows: Type.Array(OpenObject), chart: Type.Union([OpenObject, Type.Null()]) }),
            ),
            clarification: Type.Optional(Type.Object({ question: Type.String(), options: Type.Array(Option) })),
          }),
        },
      },
    },
    async (request) => {
      const deps = { db: ctx.store.db, duck: ctx.duck, layout: ctx.layout, clock: ctx.clock };
      return askDatasets(deps, principalOf(request).orgId, request.body, auditOf(request));
    },
  );
}
