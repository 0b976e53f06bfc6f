import { auditOf } from '../audit/index.js';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { principalOf } from '../server/access.js';
import { sendDownload, sendJsonText, type HttpServer } from '../server/http.js';
import { IdParams, OpenObject, PageQuery, pageOf } from '../server/schemas.js';
import { requireOrganization } from '../tenancy/index.js';
import { deleteAnalysis, getAnalysis, listAnalyses, queryDatasets } from './analyses.js';
import { createAnalysis, createdAnalysisJson } from '../commands/create-analysis.js';
import {
  createDataset,
  deleteDataset,
  getDataset,
  listDatasets,
  previewDataset,
  remapDataset,
  type DatasetDeps,
  type UploadOptions,
} from './datasets/datasets.js';
import { GRANULARITIES } from './engine/analysis.js';
import { KPIS } from './kpis.js';
import { THRESHOLD_OPS } from './query.js';
import { EXPORT_FORMATS, pooledRenderer } from '../reports/index.js';
import { AnalysisResultSchema } from './report/schema.js';
import { COMPARISONS } from './comparison.js';
import { DIMENSIONS, MEASURES, isField, type Field } from './schema.js';
import { ConversionSchema, DatasetIds, DateRangeSchema, FilterSchema } from './request-schemas.js';
import { exportAnalysis } from '../commands/export-analysis.js';

const ThresholdSchema = Type.Object(
  { metric: Type.Enum([...MEASURES, ...KPIS]), op: Type.Enum(THRESHOLD_OPS), value: Type.Number() },
  { additionalProperties: false },
);
/** The form fields of an upload (read part by part, so documented rather than validated by Fastify). */
const UploadFields = Type.Object({
  file: Type.String({ format: 'binary', description: 'The export: CSV, TSV or XLSX' }),
  name: Type.Optional(Type.String({ maxLength: 200 })),
  platform: Type.Optional(Type.String({ description: 'Overrides the detected platform' })),
  sheet: Type.Optional(Type.String({ description: 'The XLSX sheet to read' })),
  currency: Type.Optional(
    Type.String({ pattern: '^[A-Za-z]{3}$', description: 'For files without a currency column' }),
  ),
  mapping: Type.Optional(
    Type.String({ description: 'JSON object: source header -> unified field, or null to ignore' }),
  ),
});

const DatasetSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    originalFilename: Type.String(),
    platform: Type.String(),
    rows: Type.Integer(),
    bytes: Type.Integer(),
    createdAt: Type.String(),
  },
  { additionalProperties: true },
);

const AnalysisSummarySchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    datasetIds: Type.Array(Type.String()),
    createdBy: Type.String(),
    createdAt: Type.String(),
  },
  { additionalProperties: true },
);
const StoredAnalysisSchema = Type.Intersect([
  AnalysisSummarySchema,
  Type.Object({ result: AnalysisResultSchema, summary: Type.Union([OpenObject, Type.Null()]) }),
]);

/** A mapping sent as a form field: a JSON object of source header -> unified field (or null). */
function parseMapping(text: string): Record<string, Field | null> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const invalid = () =>
    new AppError('validation', 'mapping must be a JSON object of source header to unified field (or null).', {}, [
      { field: '/body/mapping', message: 'is not a valid mapping' },
    ]);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
  const mapping: Record<string, Field | null> = {};
  for (const [header, field] of Object.entries(parsed)) {
    if (field !== null && (typeof field !== 'string' || !isField(field))) throw invalid();
    mapping[header] = field as Field | null;
  }
  return mapping;
}

/** Names from the client lose control characters: they mean nothing in a name, and PostgreSQL text cannot hold NUL. */
const cleanName = (text: string) =>
  [...text]
    .filter((character) => character >= ' ' && character !== '\u007f')
    .join('')
    .slice(0, 200);

/** Reads a multipart upload: its file goes to a temp file under the data dir (size-limited), its fields to options. */
async function receiveUpload(
  request: FastifyRequest,
  tmpDir: string,
  maxBytes: number,
): Promise<{ file: string; originalName: string; options: UploadOptions }> {
  if (!request.isMultipart())
    throw new AppError('unsupported-media-type', 'Send the file as multipart/form-data with a "file" field.');
  const fields: Record<string, string> = {};
  let upload: { file: string; originalName: string } | undefined;
  try {
    for await (const part of request.parts({
      limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 64 * 1024 },
    })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file')
          throw new AppError('validation', 'The file field must be named "file".', {}, [
            { field: '/body/file', message: 'is required' },
          ]);
        const file = path.join(tmpDir, `upload-${randomUUID()}`);
        upload = { file, originalName: cleanName(path.basename(part.filename ?? '')) || 'upload.csv' };
        await pipeline(part.file, createWriteStream(file, { mode: 0o600 }));
      } else {
        fields[part.fieldname] = String(part.value);
      }
    }
  } catch (error) {
    if (upload) await rm(upload.file, { force: true });
    if (error instanceof Error && 'statusCode' in error && error.statusCode === 413) {
      throw new AppError(
        'payload-too-large',
        `The file is larger than this organisation's upload limit (${maxBytes} bytes).`,
        { limit: maxBytes },
      );
    }
    throw error;
  }
  if (!upload)
    throw new AppError('validation', 'No file was uploaded.', {}, [{ field: '/body/file', message: 'is required' }]);
  try {
    const options: UploadOptions = {
      ...(fields.name && cleanName(fields.name) ? { name: cleanName(fields.name) } : {}),
      ...(fields.platform ? { platform: fields.platform } : {}),
      ...(fields.sheet ? { sheet: fields.sheet } : {}),
      ...(fields.currency && /^[A-Za-z]{3}$/.test(fields.currency) ? { currency: fields.currency.toUpperCase() } : {}),
      ...(fields.mapping ? { mapping: parseMapping(fields.mapping) } : {}),
    };
    return { ...upload, options };
  } catch (error) {
    // The file is already written when a field after it turns out invalid.
    await rm(upload.file, { force: true });
    throw error;
  }
}

export function registerAnalysisRoutes(app: HttpServer, ctx: AppContext): void {
  const deps: DatasetDeps = { db: ctx.store.db, duck: ctx.duck, layout: ctx.layout, clock: ctx.clock };
  const read = { access: { permission: 'analyses:read' } } as const;

  app.post(
    '/api/v1/datasets',
    {
      config: { access: { permission: 'datasets:upload' }, audit: ['dataset.uploaded'] },
      schema: {
        tags: ['datasets'],
        summary:
          'Upload an export (multipart: file, and optional name, platform, sheet, currency, mapping as JSON); counts against maxDatasets and maxStorageBytes',
        consumes: ['multipart/form-data'],
        'x-multipart': UploadFields,
        response: { 201: DatasetSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const org = await requireOrganization(ctx.store.db, principal.orgId);
      const { metrics } = ctx.monitoring;
      try {
        const dataset = await ctx.orgLimits.uploads.run(principal.orgId, async () => {
          const upload = await receiveUpload(request, ctx.layout.tmp, org.quotas.maxUploadBytes);
          return createDataset(deps, principal, upload, upload.options, auditOf(request));
        });
        metrics.uploads.inc({ outcome: 'stored' });
        metrics.rowsIngested.inc(dataset.rows);
        return await reply.code(201).send(dataset);
      } catch (error) {
        metrics.uploads.inc({ outcome: 'refused' });
        throw error;
      }
    },
  );

  app.get(
    '/api/v1/datasets',
    { config: read, schema: { tags: ['datasets'], querystring: PageQuery, response: { 200: pageOf(DatasetSchema) } } },
    async (request) => listDatasets(ctx.store.db, principalOf(request).orgId, request.query),
  );

  app.get(
    '/api/v1/datasets/:id',
    { config: read, schema: { tags: ['datasets'], params: IdParams, response: { 200: DatasetSchema } } },
    async (request) => getDataset(ctx.store.db, principalOf(request).orgId, request.params.id),
  );

  app.delete(
    '/api/v1/datasets/:id',
    {
      config: { access: { permission: 'datasets:delete' }, audit: ['dataset.deleted'] },
      schema: { tags: ['datasets'], params: IdParams },
    },
    async (request, reply) => {
      await deleteDataset(deps, principalOf(request).orgId, request.params.id, auditOf(request));
      ctx.analysisCache.forgetDataset(request.params.id);
      return reply.code(204).send();
    },
  );

  app.patch(
    '/api/v1/datasets/:id/mapping',
    {
      config: { access: { permission: 'datasets:upload' }, audit: ['dataset.mapping_changed'] },
      schema: {
        'x-problems': ['conflict'],
        tags: ['datasets'],
        summary:
          'Override the column mapping (source header -> unified field, or null to ignore); the dataset is rebuilt',
        params: IdParams,
        body: Type.Object(
          {
            mapping: Type.Record(
              Type.String({ minLength: 1, maxLength: 200 }),
              Type.Union([Type.Enum([...DIMENSIONS, ...MEASURES]), Type.Null()]),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: DatasetSchema },
      },
    },
    async (request) => {
      const mapping: Record<string, Field | null> = {};
      for (const [header, field] of Object.entries(request.body.mapping))
        mapping[header] = field !== null && isField(field) ? field : null;
      const { after } = await remapDataset(
        deps,
        principalOf(request).orgId,
        request.params.id,
        mapping,
        auditOf(request),
      );
      ctx.analysisCache.forgetDataset(request.params.id);
      return after;
    },
  );

  app.get(
    '/api/v1/datasets/:id/preview',
    {
      config: read,
      schema: {
        tags: ['datasets'],
        summary: 'Rows in the unified schema, in file order: `limit` of them from `offset` (page through with both)',
        params: IdParams,
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
            offset: Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ rows: Type.Array(OpenObject) }) },
      },
    },
    async (request) => ({
      rows: await previewDataset(
        deps,
        principalOf(request).orgId,
        request.params.id,
        request.query.limit,
        request.query.offset,
      ),
    }),
  );

  app.post(
    '/api/v1/analyses',
    {
      config: { access: { permission: 'analyses:create' }, audit: ['analysis.created', 'llm.summary_rejected'] },
      schema: {
        tags: ['analyses'],
        summary:
          'Analyse datasets (totals, KPIs, breakdowns, time series, period over period); counts against maxAnalysesPerMonth',
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            datasetIds: DatasetIds,
            filters: Type.Optional(Type.Array(FilterSchema, { maxItems: 20 })),
            dateRange: Type.Optional(DateRangeSchema),
            conversion: Type.Optional(ConversionSchema),
            comparison: Type.Optional(
              Type.Enum(COMPARISONS, {
                description: 'Compare with the period before (default), the same dates a year earlier, or nothing',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: StoredAnalysisSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const analysis = await ctx.orgLimits.analyses.run(principal.orgId, () =>
        createAnalysis(
          { ...deps, pool: ctx.analysisPool, cache: ctx.analysisCache },
          principal,
          request.body,
          auditOf(request),
          ctx.config.llm,
        ),
      );
      ctx.monitoring.metrics.analyses.inc();
      // The result is sent as the JSON text it was stored as: re-serialising megabytes would block the event loop.
      return sendJsonText(reply, 201, createdAnalysisJson(analysis));
    },
  );

  app.get(
    '/api/v1/analyses',
    {
      config: read,
      schema: { tags: ['analyses'], querystring: PageQuery, response: { 200: pageOf(AnalysisSummarySchema) } },
    },
    async (request) => listAnalyses(ctx.store.db, principalOf(request).orgId, request.query),
  );

  app.get(
    '/api/v1/analyses/:id',
    {
      config: { ...read, audit: ['analysis.viewed'] },
      schema: { tags: ['analyses'], params: IdParams, response: { 200: StoredAnalysisSchema } },
    },
    async (request) => {
      const analysis = await getAnalysis(ctx.store.db, principalOf(request).orgId, request.params.id);
      await auditOf(request).record(ctx.store.db, {
        action: 'analysis.viewed',
        target: { type: 'analysis', id: analysis.id, name: analysis.name },
      });
      return analysis;
    },
  );

  app.delete(
    '/api/v1/analyses/:id',
    {
      config: { access: { permission: 'analyses:delete' }, audit: ['analysis.deleted'] },
      schema: { tags: ['analyses'], params: IdParams },
    },
    async (request, reply) => {
      await deleteAnalysis(ctx.store.db, principalOf(request).orgId, request.params.id, auditOf(request));
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/analyses/:id/export',
    {
      config: { access: { permission: 'data:export', feature: 'exports' }, audit: ['analysis.exported'] },
      schema: {
        tags: ['analyses'],
        summary:
          'Download an analysis as a PDF report or a PowerPoint deck (charts, executive summary, insights, recommendations, anomalies), or as JSON, CSV, XLSX or Markdown with the same words (spreadsheet cells are neutralised against formula injection)',
        params: IdParams,
        querystring: Type.Object(
          { format: Type.Enum(EXPORT_FORMATS, { default: 'json' }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { analysis, file, fileBase } = await exportAnalysis(
        ctx.store.db,
        principalOf(request).orgId,
        request.params.id,
        request.query.format,
        { renderDeck: pooledRenderer(ctx.deckPool) },
      );
      await auditOf(request).record(ctx.store.db, {
        action: 'analysis.exported',
        target: { type: 'analysis', id: analysis.id, name: analysis.name },
        details: { format: request.query.format },
      });
      ctx.monitoring.metrics.exports.inc({ format: request.query.format });
      return sendDownload(reply, file, fileBase);
    },
  );

  app.post(
    '/api/v1/query',
    {
      config: { ...read, audit: 'read-only' },
      schema: {
        tags: ['analyses'],
        summary:
          'The one query surface: metrics by dimensions over datasets, with filters, a date range, a granularity, ordering, a spend floor and period over period',
        body: Type.Object(
          {
            datasetIds: DatasetIds,
            metrics: Type.Array(Type.Enum([...MEASURES, ...KPIS]), { minItems: 1, maxItems: 20 }),
            dimensions: Type.Array(Type.Enum(DIMENSIONS), { maxItems: 4, default: [] }),
            filters: Type.Optional(Type.Array(FilterSchema, { maxItems: 20 })),
            granularity: Type.Optional(Type.Enum(GRANULARITIES)),
            dateRange: Type.Optional(DateRangeSchema),
            orderBy: Type.Optional(
              Type.Object(
                { field: Type.String({ maxLength: 40 }), direction: Type.Enum(['asc', 'desc'], { default: 'desc' }) },
                {
                  additionalProperties: false,
                  description:
                    'A requested column to sort by; a figure compares as the response shows it (rounded). Ties, and a query without orderBy, are ordered by the period, then by every dimension ascending.',
                },
              ),
            ),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
            minSpend: Type.Optional(Type.Number({ minimum: 0 })),
            comparePrevious: Type.Optional(Type.Boolean()),
            compareTo: Type.Optional(DateRangeSchema),
            having: Type.Optional(Type.Array(ThresholdSchema, { maxItems: 10 })),
            conversion: Type.Optional(ConversionSchema),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            columns: Type.Array(Type.String()),
            rows: Type.Array(OpenObject),
            previousRange: Type.Optional(OpenObject),
          }),
        },
      },
    },
    async (request) => {
      const { datasetIds, ...spec } = request.body;
      return queryDatasets(deps, principalOf(request).orgId, datasetIds, spec);
    },
  );
}
