import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { auditOf } from '../audit/index.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { paceDatasetBudgets } from '../commands/pace-budgets.js';
import { principalOf } from '../server/access.js';
import type { HttpServer } from '../server/http.js';
import { IdParams, OpenObject } from '../server/schemas.js';
import { addBudgets, deleteBudget, listBudgets, updateBudget } from './budgets.js';
import { parseBudgetCsv } from './csv.js';

const CSV_LIMIT = 1024 * 1024;
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

const BudgetBody = Type.Object(
  {
    scope: Type.Enum(['campaign', 'platform']),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    amount: Type.Number({ exclusiveMinimum: 0 }),
    currency: Type.Optional(Type.Union([Type.String({ pattern: '^[A-Z]{3}$' }), Type.Null()])),
    startDate: Day,
    endDate: Day,
  },
  { additionalProperties: false },
);

/** The text of a small uploaded CSV (multipart field `file`). */
async function receiveCsv(request: FastifyRequest): Promise<string> {
  if (!request.isMultipart())
    throw new AppError('unsupported-media-type', 'Send the CSV as multipart/form-data with a "file" field.');
  const file = await request.file({ limits: { fileSize: CSV_LIMIT, files: 1 } });
  if (!file || file.fieldname !== 'file')
    throw new AppError('validation', 'No file was uploaded.', {}, [{ field: '/body/file', message: 'is required' }]);
  const bytes = await file.toBuffer().catch((error: unknown) => {
    if (error instanceof Error && 'statusCode' in error && error.statusCode === 413)
      throw new AppError('payload-too-large', `A budget CSV is at most ${CSV_LIMIT} bytes.`, { limit: CSV_LIMIT });
    throw error;
  });
  const text = bytes.toString('utf8');
  if (text.includes('\u0000')) throw new AppError('unprocessable', 'The file is not a text CSV.');
  return text;
}

export function registerBudgetRoutes(app: HttpServer, ctx: AppContext): void {
  const db = ctx.store.db;
  const manage = { access: { permission: 'analyses:create' } } as const;
  const read = { access: { permission: 'analyses:read' } } as const;

  app.post(
    '/api/v1/budgets',
    {
      config: { ...manage, audit: ['budget.created'] },
      schema: {
        'x-problems': ['conflict'],
        tags: ['budgets'],
        summary: 'Add a budget for a campaign or platform over a flight',
        body: BudgetBody,
        response: { 201: OpenObject },
      },
    },
    async (request, reply) => {
      const [budget] = await addBudgets(db, principalOf(request), [request.body], ctx.clock(), auditOf(request), 'api');
      return reply.code(201).send(budget!);
    },
  );

  app.post(
    '/api/v1/budgets/upload',
    {
      config: { ...manage, audit: ['budget.created'] },
      schema: {
        tags: ['budgets'],
        summary: 'Add budgets from a CSV (columns scope, name, amount, start, end, currency optional); all or nothing',
        consumes: ['multipart/form-data'],
        'x-multipart': Type.Object({ file: Type.String({ format: 'binary', description: 'The budgets CSV' }) }),
        'x-problems': ['conflict'],
        response: { 201: Type.Object({ items: Type.Array(OpenObject) }) },
      },
    },
    async (request, reply) => {
      const items = await addBudgets(
        db,
        principalOf(request),
        parseBudgetCsv(await receiveCsv(request)),
        ctx.clock(),
        auditOf(request),
        'csv',
      );
      return reply.code(201).send({ items });
    },
  );

  app.get(
    '/api/v1/budgets',
    { config: read, schema: { tags: ['budgets'], response: { 200: Type.Object({ items: Type.Array(OpenObject) }) } } },
    async (request) => ({ items: await listBudgets(db, principalOf(request).orgId) }),
  );

  app.put(
    '/api/v1/budgets/:id',
    {
      config: { ...manage, audit: ['budget.updated'] },
      schema: {
        tags: ['budgets'],
        summary: "Change a budget's scope, name, amount, currency or flight",
        params: IdParams,
        body: BudgetBody,
        response: { 200: OpenObject },
      },
    },
    async (request) => updateBudget(db, principalOf(request).orgId, request.params.id, request.body, auditOf(request)),
  );

  app.delete(
    '/api/v1/budgets/:id',
    { config: { ...manage, audit: ['budget.deleted'] }, schema: { tags: ['budgets'], params: IdParams } },
    async (request, reply) => {
      await deleteBudget(db, principalOf(request).orgId, request.params.id, auditOf(request));
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/budgets/pacing',
    {
      config: read,
      schema: {
        tags: ['budgets'],
        summary:
          "Each budget's spend to date against a straight line through its flight, projected end spend, and status (thresholds from settings.pacing or the query)",
        querystring: Type.Object(
          {
            datasetIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 20 }),
            asOf: Type.Optional(Day),
            under: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
            over: Type.Optional(Type.Number({ minimum: 1, maximum: 10 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ asOf: Type.String(), thresholds: OpenObject, items: Type.Array(OpenObject) }) },
      },
    },
    async (request) => {
      const { datasetIds, ...options } = request.query;
      return paceDatasetBudgets(
        { db, duck: ctx.duck, layout: ctx.layout, clock: ctx.clock, pool: ctx.analysisPool },
        principalOf(request).orgId,
        datasetIds,
        options,
      );
    },
  );
}
