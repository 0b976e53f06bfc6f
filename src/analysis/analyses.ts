import type { Kysely, Selectable } from 'kysely';
import type { AuditRecorder } from '../audit/recorder.js';
import { AppError } from '../errors.js';
import type { DuckConnection } from './engine/duckdb.js';
import { newId } from '../ids.js';
import { fromJson, toJson } from '../store/json.js';
import { decodeCursor, pastCursor, toPage, type Page } from '../store/pagination.js';
import type { AnalysisTable, Database } from '../store/schema.js';
import { inTransaction } from '../store/transactions.js';
import { categoryGuidance, feedbackContext } from '../feedback/stats.js';
import { llmSummary } from '../insights/llm-summary.js';
import type { LlmConfig } from '../config.js';
import { listBudgets } from '../budgets/budgets.js';
import { storeItems } from '../insights/store.js';
import type { ExecutiveSummary } from '../insights/summary.js';
import { assertWithinQuota, withOrganizationLock } from '../tenancy/enforce.js';
import { requireOrganization } from '../tenancy/organizations.js';
import { withDatasetFiles, type Dataset, type DatasetDeps } from './datasets/datasets.js';
import { currenciesOf, GRANULARITIES, profile, type AnalysisOptions, type CurrencyConversion, type DateRange, type DimensionFilter, type Scope } from './engine/analysis.js';
import { sqlString } from './ingest/values.js';
import { comparisonRange, type Comparison } from './comparison.js';
import { runQuery, type QueryResult, type QuerySpec } from './query.js';
import { totalRows, type AnalysisReport, type ReportRow } from './report/report.js';
import { runAnalysisInPool, type AnalysisPool } from './workers/analysis-pool.js';
import type { AnalysisTaskInput, GroupedRows } from './workers/analysis-task.js';
import { groupedKey, type GroupedCache, type GroupedInputs } from './workers/grouped-cache.js';
import { groupedRows } from './workers/grouped-rows.js';

export interface AnalysisRequest {
  readonly name?: string;
  readonly datasetIds: readonly string[];
  readonly filters?: readonly DimensionFilter[];
  readonly dateRange?: DateRange;
  readonly conversion?: CurrencyConversion;
  /** Default: the period just before. */
  readonly comparison?: Comparison;
}

export interface PeriodComparison {
  /** Absent in results stored before the comparison could be chosen (they compared the previous period). */
  readonly kind?: Exclude<Comparison, 'none'>;
  readonly range: { from: string; to: string };
  readonly previousRange: { from: string; to: string };
  /** Per currency: this period, the one before, and the change of every measure and KPI. */
  readonly byCurrency: Record<string, { current: ReportRow; previous: ReportRow | null; change: Record<string, { absolute: number | null; relative: number | null }> }>;
}

export interface AnalysisResultDocument extends AnalysisReport {
  readonly periodOverPeriod: PeriodComparison | null;
}

export interface AnalysisSummary {
  readonly id: string;
  readonly name: string;
  readonly datasetIds: string[];
  readonly request: Omit<AnalysisRequest, 'name' | 'datasetIds'>;
  readonly createdBy: string;
  readonly createdAt: string;
}

export interface StoredAnalysis extends AnalysisSummary {
  readonly result: AnalysisResultDocument;
  /** The executive summary; null for analyses stored before insights existed. */
  readonly summary: ExecutiveSummary | null;
}

function summary(row: Selectable<AnalysisTable>): AnalysisSummary {
  return {
    id: row.id,
    name: row.name,
    datasetIds: fromJson<string[]>(row.dataset_ids, []),
    request: fromJson(row.request, {}),
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

function firstOfMonth(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
}

export async function analysesThisMonth(db: Kysely<Database>, orgId: string, now: Date): Promise<number> {
  const row = await db
    .selectFrom('analyses')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('created_at', '>=', firstOfMonth(now))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The relation over datasets' current Parquet versions. */
const parquetSource = (files: readonly string[]) => `read_parquet([${files.map(sqlString).join(', ')}])`;

/**
 * Runs `work` over the caller's datasets as one relation, their current
 * Parquet versions held until it ends (a remap meanwhile removes them only
 * after); any id that is not the caller's is "not found".
 */
export function withDatasetSource<T>(deps: DatasetDeps, orgId: string, ids: readonly string[], work: (source: string, datasets: Dataset[]) => Promise<T>): Promise<T> {
  return withDatasetFiles(deps, orgId, ids, (files, datasets) => work(parquetSource(files), datasets));
}

/** What running an analysis needs beyond the datasets: the worker threads its JavaScript runs in. */
export interface AnalysisDeps extends DatasetDeps {
  readonly pool: AnalysisPool;
  readonly cache: GroupedCache;
}

/** A stored analysis whose result is still the JSON text it was stored as (what the API sends). */
export interface CreatedAnalysis extends AnalysisSummary {
  readonly resultJson: string;
  readonly summary: ExecutiveSummary;
}

/** The created analysis as the API's JSON body, without parsing and re-serialising its result. */
export function createdAnalysisJson(analysis: CreatedAnalysis): string {
  const { resultJson, ...rest } = analysis;
  return `${JSON.stringify(rest).slice(0, -1)},"result":${resultJson}}`;
}

/** The daily platform and campaign pairs: what the trend, anomaly, tracking and pacing rules read. */
export const DAILY_PAIRS: AnalysisOptions = { breakdowns: [['platform', 'date'], ['campaign', 'date']], granularities: [] };

/**
 * DuckDB's part of an analysis: the scope's profile, then its grouped rows,
 * the previous period's and the daily pairs, each as JSON text for the worker.
 */
async function groupedInputs(connection: DuckConnection, source: string, scope: Scope, dateRange: DateRange | undefined, comparison: Comparison): Promise<GroupedInputs> {
  const shape = await profile(connection, source, scope);
  if (shape.rows === 0) throw new AppError('unprocessable', 'No rows match the filters and date range.');
  const current = await groupedRows(connection, source, { ...scope, granularities: GRANULARITIES }, shape);
  let previous: AnalysisTaskInput['previous'] = null;
  const range = { from: dateRange?.from ?? shape.dateRange.from, to: dateRange?.to ?? shape.dateRange.to };
  const before = range.from && range.to ? comparisonRange({ from: range.from, to: range.to }, comparison) : null;
  if (range.from && range.to && before && comparison !== 'none') {
    const previousScope = { ...scope, dateRange: before };
    const previousShape = await profile(connection, source, previousScope);
    const rows = previousShape.rows === 0 ? null : await groupedRows(connection, source, { ...previousScope, breakdowns: [], granularities: [] }, previousShape);
    previous = { kind: comparison, range: { from: range.from, to: range.to }, before, rows };
  }
  const daily = await groupedRows(connection, source, { ...scope, ...DAILY_PAIRS }, shape);
  return { shape, current, previous, daily };
}

/** Runs and stores an analysis over some of the organisation's datasets; counts against maxAnalysesPerMonth. */
export async function createAnalysis(
  deps: AnalysisDeps,
  owner: { orgId: string; userId: string },
  request: AnalysisRequest,
  audit: AuditRecorder,
  llm?: LlmConfig,
): Promise<CreatedAnalysis> {
  const now = deps.clock();
  const org = await requireOrganization(deps.db, owner.orgId);
  assertWithinQuota(org.quotas, 'maxAnalysesPerMonth', await analysesThisMonth(deps.db, owner.orgId, now));
  const scope = {
    ...(request.filters ? { filters: request.filters } : {}),
    ...(request.dateRange ? { dateRange: request.dateRange } : {}),
    ...(request.conversion ? { conversion: request.conversion } : {}),
  };
  const comparison = request.comparison ?? 'previous';
  const { datasets, grouped } = await withDatasetSource(deps, owner.orgId, request.datasetIds, async (source, datasets) => {
    const key = groupedKey(owner.orgId, datasets, scope, comparison);
    const cached = deps.cache.get(key);
    if (cached) return { datasets, grouped: cached };
    const computed = await deps.duck.withConnection((connection) => groupedInputs(connection, source, scope, request.dateRange, comparison));
    deps.cache.set(key, computed, datasets.map((dataset) => dataset.id));
    return { datasets, grouped: computed };
  });
  const { from, to: asOf } = grouped.shape.dateRange;
  const budgets = asOf === null ? [] : (await listBudgets(deps.db, owner.orgId)).filter((budget) => from !== null && budget.startDate <= asOf && budget.endDate >= from);
  // The report, pacing and insights are JavaScript over tens of thousands of rows: a worker thread's job.
  const generated = await runAnalysisInPool(deps.pool, {
    now: now.toISOString(),
    datasets: datasets.map(({ id: _id, name, originalFilename: _o, bytes: _b, createdBy: _c, createdAt: _a, updatedAt: _u, ...rest }) => ({ ...rest, file: name })),
    current: grouped.current,
    previous: grouped.previous,
    daily: grouped.daily,
    budgets,
    settings: org.settings,
    feedback: await feedbackContext(deps.db, owner.orgId),
  });
  // Written before the transaction: a slow endpoint must not hold the organisation's lock.
  const llmOutcome = llm && org.features.llm_insights ? await llmSummary(llm, generated.summary.facts, generated.ranked, await categoryGuidance(deps.db, owner.orgId)) : undefined;
  const executive: ExecutiveSummary =
    llmOutcome === undefined
      ? generated.summary
      : llmOutcome.kind === 'accepted'
        ? { ...generated.summary, text: llmOutcome.text, source: 'llm', deterministic: generated.summary.text }
        : { ...generated.summary, rejection: llmOutcome.reason };
  const row = {
    id: newId('an'),
    org_id: owner.orgId,
    name: request.name ?? `Analysis of ${datasets.map((dataset) => dataset.name).join(', ')}`.slice(0, 200),
    dataset_ids: toJson([...new Set(request.datasetIds)]),
    request: toJson(request.comparison ? { ...scope, comparison: request.comparison } : scope),
    result: generated.resultJson,
    summary: toJson(executive),
    created_by: owner.userId,
    created_at: now.toISOString(),
  };
  // Counted again under the organisation's lock, so concurrent requests cannot both take the last one.
  await withOrganizationLock(deps.db, owner.orgId, async (trx) => {
    assertWithinQuota(org.quotas, 'maxAnalysesPerMonth', await analysesThisMonth(trx, owner.orgId, now));
    await trx.insertInto('analyses').values(row).execute();
    await storeItems(trx, owner.orgId, row.id, generated.items, now);
    await audit.record(trx, {
      action: 'analysis.created',
      target: { type: 'analysis', id: row.id, name: row.name },
      details: { datasetIds: [...new Set(request.datasetIds)], scope, insights: generated.items.filter((item) => item.kind === 'insight').length },
    });
    if (llmOutcome?.kind === 'rejected') {
      await audit.record(trx, {
        action: 'llm.summary_rejected',
        target: { type: 'analysis', id: row.id, name: row.name },
        outcome: 'failure',
        reason: llmOutcome.reason,
        details: { model: llm?.model ?? null, ...(llmOutcome.text ? { rejectedText: llmOutcome.text } : {}) },
      });
    }
  });
  return { ...summary(row), resultJson: generated.resultJson, summary: executive };
}

/** The daily platform and campaign pairs of some of the organisation's datasets, as JSON text for a worker (budget pacing reads them). */
export async function datasetDailyRows(deps: DatasetDeps, orgId: string, datasetIds: readonly string[]): Promise<GroupedRows> {
  return withDatasetSource(deps, orgId, datasetIds, (source) =>
    deps.duck.withConnection(async (connection) => groupedRows(connection, source, DAILY_PAIRS, await profile(connection, source, {}))),
  );
}

/** A stored result in today's shape: totals as rows, whatever shape they were stored in. */
function withTotalRows(result: AnalysisResultDocument): AnalysisResultDocument {
  return 'totals' in result ? { ...result, totals: totalRows(result) } : result;
}

export async function getAnalysis(db: Kysely<Database>, orgId: string, id: string): Promise<StoredAnalysis> {
  const row = await db.selectFrom('analyses').selectAll().where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
  if (!row) throw new AppError('not-found', 'No such analysis.');
  return {
    ...summary(row),
    result: withTotalRows(fromJson<AnalysisResultDocument>(row.result, {} as AnalysisResultDocument)),
    summary: fromJson<ExecutiveSummary | null>(row.summary, null),
  };
}

export async function listAnalyses(db: Kysely<Database>, orgId: string, page: { limit: number; cursor?: string }): Promise<Page<AnalysisSummary>> {
  const cursor = decodeCursor(page.cursor);
  let query = db
    .selectFrom('analyses')
    .select(['id', 'org_id', 'name', 'dataset_ids', 'request', 'created_by', 'created_at'])
    .where('org_id', '=', orgId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (cursor) {
    query = query.where(pastCursor(cursor, 'desc'));
  }
  const rows = await query.execute();
  return toPage(rows, page.limit, (row) => row.created_at, (row) => summary({ ...row, result: '', summary: null }));
}

export async function deleteAnalysis(db: Kysely<Database>, orgId: string, id: string, audit: AuditRecorder): Promise<AnalysisSummary> {
  return inTransaction(db, async (trx) => {
    const analysis = await getAnalysis(trx, orgId, id);
    await trx.deleteFrom('analyses').where('id', '=', id).where('org_id', '=', orgId).execute();
    await audit.record(trx, { action: 'analysis.deleted', orgId, target: { type: 'analysis', id, name: analysis.name } });
    return analysis;
  });
}

/** The query surface over the caller's datasets. */
export async function queryDatasets(deps: DatasetDeps, orgId: string, datasetIds: readonly string[], spec: QuerySpec): Promise<QueryResult> {
  return withDatasetSource(deps, orgId, datasetIds, (source) =>
    deps.duck.withConnection(async (connection) => runQuery(connection, source, spec, await currenciesOf(connection, source))),
  );
}

