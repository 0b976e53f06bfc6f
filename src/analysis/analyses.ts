import type { Kysely, Selectable } from 'kysely';
import type { AuditRecorder } from '../audit/index.js';
import { AppError } from '../errors.js';
import { fromJson, toJson } from '../store/json.js';
import { decodeCursor, pastCursor, toPage, type Page } from '../store/pagination.js';
import type { AnalysisTable, Database } from '../store/schema.js';
import { inTransaction } from '../store/transactions.js';
import { withDatasetFiles, type Dataset, type DatasetDeps } from './datasets/datasets.js';
import { footerProfile, unifiedParquetSource } from './datasets/parquet-source.js';
import {
  assertDateRange,
  currenciesOf,
  profile,
  type CurrencyConversion,
  type DateRange,
  type DimensionFilter,
  type Profile,
} from './engine/analysis.js';
import type { DuckConnection } from './engine/duckdb.js';
import { ProfileCache } from './engine/profile-cache.js';
import { runQuery, type QueryResult, type QuerySpec } from './query.js';
import { totalRows, type AnalysisReport, type ReportRow } from './report/report.js';
import { DAILY_PAIRS, groupedRows, type GroupedRows } from './workers/grouped-rows.js';
import type { Comparison } from './comparison.js';
import type { OrgId } from '../ids.js';

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
  readonly byCurrency: Record<
    string,
    {
      current: ReportRow;
      previous: ReportRow | null;
      change: Record<string, { absolute: number | null; relative: number | null }>;
    }
  >;
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

/** An analysis's executive summary as stored; insights writes it. */
export interface ExecutiveSummary {
  readonly id: string;
  readonly text: string;
  readonly source: 'deterministic' | 'llm';
  /** Why an LLM summary was not used, when one was asked for. */
  readonly rejection?: string;
  /** The deterministic text, kept beside an LLM's. */
  readonly deterministic?: string;
  /** The computed facts the text may cite. */
  readonly facts: Readonly<Record<string, number | string | null>>;
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

export async function analysesThisMonth(db: Kysely<Database>, orgId: OrgId, now: Date): Promise<number> {
  const row = await db
    .selectFrom('analyses')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('created_at', '>=', firstOfMonth(now))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** An analysis to store: its JSON columns still as values, its result as the JSON text the worker wrote. */
export interface NewAnalysis {
  readonly id: string;
  readonly orgId: OrgId;
  readonly name: string;
  readonly datasetIds: readonly string[];
  readonly request: Omit<AnalysisRequest, 'name' | 'datasetIds'>;
  readonly resultJson: string;
  readonly summary: ExecutiveSummary;
  readonly createdBy: string;
  readonly createdAt: string;
}

/** Stores an analysis inside the caller's transaction (which holds the organisation's lock and counts the quota). */
export async function insertAnalysis(trx: Kysely<Database>, analysis: NewAnalysis): Promise<AnalysisSummary> {
  const row = {
    id: analysis.id,
    org_id: analysis.orgId,
    name: analysis.name,
    dataset_ids: toJson(analysis.datasetIds),
    request: toJson(analysis.request),
    result: analysis.resultJson,
    summary: toJson(analysis.summary),
    created_by: analysis.createdBy,
    created_at: analysis.createdAt,
  };
  await trx.insertInto('analyses').values(row).execute();
  return summary(row);
}

/** Removes an organisation's analyses created before a time (retention); returns how many. */
export async function purgeAnalysesBefore(db: Kysely<Database>, orgId: OrgId, before: string): Promise<number> {
  const result = await db
    .deleteFrom('analyses')
    .where('org_id', '=', orgId)
    .where('created_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Whether the organisation has this analysis, with its name; undefined otherwise (another organisation's too). */
export async function findAnalysisName(
  db: Kysely<Database>,
  orgId: OrgId,
  id: string,
): Promise<{ readonly id: string; readonly name: string } | undefined> {
  return db
    .selectFrom('analyses')
    .select(['id', 'name'])
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
}

/**
 * Runs `work` over the caller's datasets as one relation, their current
 * Parquet versions held until it ends (a remap meanwhile removes them only
 * after); any id that is not the caller's is "not found".
 */
export function withDatasetSource<T>(
  deps: DatasetDeps,
  orgId: OrgId,
  ids: readonly string[],
  work: (source: string, datasets: Dataset[]) => Promise<T>,
): Promise<T> {
  return withDatasetFiles(deps, orgId, ids, async (files, datasets) =>
    work(await unifiedParquetSource(deps.duck, files), datasets),
  );
}

/** Profiles of whole dataset versions, for every analysis of this process. */
const wholeProfiles = new ProfileCache();

/**
 * The profile of the whole `source`, computed once per set of dataset
 * versions (keyed by their files and facts, which a remap changes), its
 * counts from the files' footers. A scope's profile comes with its grouping
 * scan (`scopedGroupedRows`).
 */
export async function wholeProfile(
  connection: DuckConnection,
  source: string,
  datasets: readonly Dataset[],
): Promise<Profile> {
  const versions = datasets.map((dataset) => [
    dataset.id,
    dataset.updatedAt,
    dataset.rows,
    dataset.bytes,
    dataset.mapping,
  ]);
  return wholeProfiles.get(
    JSON.stringify([source, versions]),
    async () => (await footerProfile(connection, source)) ?? profile(connection, source, {}),
  );
}

/** The daily platform and campaign pairs of some of the organisation's datasets, as JSON text for a worker (budget pacing reads them). */
export async function datasetDailyRows(
  deps: DatasetDeps,
  orgId: OrgId,
  datasetIds: readonly string[],
): Promise<GroupedRows> {
  return withDatasetSource(deps, orgId, datasetIds, (source, datasets) =>
    deps.duck.withConnection(async (connection) =>
      groupedRows(connection, source, DAILY_PAIRS, await wholeProfile(connection, source, datasets)),
    ),
  );
}

/** A stored result in today's shape: totals as rows, whatever shape they were stored in. */
function withTotalRows(result: AnalysisResultDocument): AnalysisResultDocument {
  return 'totals' in result ? { ...result, totals: totalRows(result) } : result;
}

export async function getAnalysis(db: Kysely<Database>, orgId: OrgId, id: string): Promise<StoredAnalysis> {
  const row = await db
    .selectFrom('analyses')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!row) throw new AppError('not-found', 'No such analysis.');
  return {
    ...summary(row),
    result: withTotalRows(fromJson<AnalysisResultDocument>(row.result, {} as AnalysisResultDocument)),
    summary: fromJson<ExecutiveSummary | null>(row.summary, null),
  };
}

export async function listAnalyses(
  db: Kysely<Database>,
  orgId: OrgId,
  page: { limit: number; cursor?: string },
): Promise<Page<AnalysisSummary>> {
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
  return toPage(
    rows,
    page.limit,
    (row) => row.created_at,
    (row) => summary({ ...row, result: '', summary: null }),
  );
}

export async function deleteAnalysis(
  db: Kysely<Database>,
  orgId: OrgId,
  id: string,
  audit: AuditRecorder,
): Promise<AnalysisSummary> {
  return inTransaction(db, async (trx) => {
    const analysis = await getAnalysis(trx, orgId, id);
    await trx.deleteFrom('analyses').where('id', '=', id).where('org_id', '=', orgId).execute();
    await audit.record(trx, {
      action: 'analysis.deleted',
      orgId,
      target: { type: 'analysis', id, name: analysis.name },
    });
    return analysis;
  });
}

/** The query surface over the caller's datasets. */
export async function queryDatasets(
  deps: DatasetDeps,
  orgId: OrgId,
  datasetIds: readonly string[],
  spec: QuerySpec,
): Promise<QueryResult> {
  assertDateRange(spec.dateRange);
  assertDateRange(spec.compareTo, '/body/compareTo');
  return withDatasetSource(deps, orgId, datasetIds, (source) =>
    deps.duck.withConnection(async (connection) =>
      runQuery(connection, source, spec, await currenciesOf(connection, source)),
    ),
  );
}
