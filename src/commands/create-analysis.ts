import {
  type DuckConnection,
  GRANULARITIES,
  wholeProfile,
  type DateRange,
  assertDateRange,
  type Scope,
  analysesThisMonth,
  DAILY_PAIR_SETS,
  insertAnalysis,
  withDatasetSource,
  type AnalysisRequest,
  type AnalysisSummary,
  type ExecutiveSummary,
  comparisonRange,
  sharesDays,
  type Comparison,
  type Dataset,
  type DatasetDeps,
  groupedKey,
  type GroupedCache,
  type GroupedInputs,
  scopedGroupedRows,
  type PreviousRows,
  transferableBuffers,
} from '../analysis/index.js';
import type { AuditRecorder } from '../audit/index.js';
import { listBudgets } from '../budgets/index.js';
import type { LlmConfig } from '../config.js';
import { AppError } from '../errors.js';
import { categoryGuidance, feedbackContext } from '../feedback/index.js';
import { newId, type OrgId, type UserId } from '../ids.js';
import { llmSummary, storeItems } from '../insights/index.js';
import { assertWithinQuota, withOrganizationLock, requireOrganization } from '../tenancy/index.js';
import { runAnalysisInPool, type AnalysisPool } from './workers/analysis-pool.js';

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

/**
 * DuckDB's part of an analysis: its grouped rows with the daily pairs and the
 * scope's profile in the same scan (the whole source's profile is computed
 * once per dataset version), and the previous period's, as columns for the worker.
 */
async function groupedInputs(
  connection: DuckConnection,
  source: string,
  datasets: readonly Dataset[],
  scope: Scope,
  dateRange: DateRange | undefined,
  comparison: Comparison,
): Promise<GroupedInputs> {
  const whole = await wholeProfile(connection, source, datasets);
  const current = await scopedGroupedRows(
    connection,
    source,
    { ...scope, granularities: GRANULARITIES, pairs: DAILY_PAIR_SETS },
    whole,
  );
  const shape = current.shape;
  if (shape.rows === 0) throw new AppError('unprocessable', 'No rows match the filters and date range.');
  let previous: PreviousRows | null = null;
  const range = { from: dateRange?.from ?? shape.dateRange.from, to: dateRange?.to ?? shape.dateRange.to };
  const before = range.from && range.to ? comparisonRange({ from: range.from, to: range.to }, comparison) : null;
  if (range.from && range.to && before && comparison !== 'none') {
    const previousScope = { ...scope, dateRange: before };
    // A period outside the whole source's dates (the period just before them, when the scope names
    // none) holds no rows: no scan to find that out. The scope's own dates would not do: its
    // date range is the one being replaced.
    const rows = sharesDays(before, whole.dateRange)
      ? await scopedGroupedRows(connection, source, { ...previousScope, breakdowns: [], granularities: [] }, whole)
      : null;
    previous = {
      kind: comparison,
      range: { from: range.from, to: range.to },
      before,
      rows: rows?.shape.rows ? rows : null,
    };
  }
  return { shape, current, previous, daily: current };
}

/** Runs and stores an analysis over some of the organisation's datasets; counts against maxAnalysesPerMonth. */
export async function createAnalysis(
  deps: AnalysisDeps,
  owner: { orgId: OrgId; userId: UserId },
  request: AnalysisRequest,
  audit: AuditRecorder,
  llm?: LlmConfig,
): Promise<CreatedAnalysis> {
  assertDateRange(request.dateRange);
  const now = deps.clock();
  const org = await requireOrganization(deps.db, owner.orgId);
  assertWithinQuota(org.quotas, 'maxAnalysesPerMonth', await analysesThisMonth(deps.db, owner.orgId, now));
  const scope = {
    ...(request.filters ? { filters: request.filters } : {}),
    ...(request.dateRange ? { dateRange: request.dateRange } : {}),
    ...(request.conversion ? { conversion: request.conversion } : {}),
  };
  const comparison = request.comparison ?? 'previous';
  const { datasets, grouped, kept } = await withDatasetSource(
    deps,
    owner.orgId,
    request.datasetIds,
    async (source, datasets) => {
      const key = groupedKey(owner.orgId, datasets, scope, comparison);
      const cached = deps.cache.get(key);
      if (cached) return { datasets, grouped: cached, kept: true };
      const computed = await deps.duck.withConnection((connection) =>
        groupedInputs(connection, source, datasets, scope, request.dateRange, comparison),
      );
      const kept = deps.cache.set(
        key,
        computed,
        datasets.map((dataset) => dataset.id),
      );
      return { datasets, grouped: computed, kept };
    },
  );
  const { from, to: asOf } = grouped.shape.dateRange;
  const budgets =
    asOf === null
      ? []
      : (await listBudgets(deps.db, owner.orgId)).filter(
          (budget) => from !== null && budget.startDate <= asOf && budget.endDate >= from,
        );
  // The report, pacing and insights are JavaScript over tens of thousands of rows: a worker thread's job.
  // Columns the cache does not keep move to it rather than being copied on this thread.
  const generated = await runAnalysisInPool(
    deps.pool,
    {
      now: now.toISOString(),
      datasets: datasets.map(
        ({ id: _id, name, originalFilename: _o, bytes: _b, createdBy: _c, createdAt: _a, updatedAt: _u, ...rest }) => ({
          ...rest,
          file: name,
        }),
      ),
      current: grouped.current,
      previous: grouped.previous,
      daily: grouped.daily,
      budgets,
      settings: org.settings,
      feedback: await feedbackContext(deps.db, owner.orgId),
    },
    kept ? [] : transferableBuffers(grouped),
  );
  // Written before the transaction: a slow endpoint must not hold the organisation's lock.
  const llmOutcome =
    llm && org.features.llm_insights
      ? await llmSummary(llm, generated.summary.facts, generated.ranked, await categoryGuidance(deps.db, owner.orgId))
      : undefined;
  const executive: ExecutiveSummary =
    llmOutcome === undefined
      ? generated.summary
      : llmOutcome.kind === 'accepted'
        ? { ...generated.summary, text: llmOutcome.text, source: 'llm', deterministic: generated.summary.text }
        : { ...generated.summary, rejection: llmOutcome.reason };
  const name = request.name ?? `Analysis of ${datasets.map((dataset) => dataset.name).join(', ')}`.slice(0, 200);
  const datasetIds = [...new Set(request.datasetIds)];
  // Counted again under the organisation's lock, so concurrent requests cannot both take the last one.
  const stored = await withOrganizationLock(deps.db, owner.orgId, async (trx) => {
    assertWithinQuota(org.quotas, 'maxAnalysesPerMonth', await analysesThisMonth(trx, owner.orgId, now));
    const analysis = await insertAnalysis(trx, {
      id: newId('an'),
      orgId: owner.orgId,
      name,
      datasetIds,
      request: request.comparison ? { ...scope, comparison: request.comparison } : scope,
      resultJson: generated.resultJson,
      summary: executive,
      createdBy: owner.userId,
      createdAt: now.toISOString(),
    });
    await storeItems(trx, owner.orgId, analysis.id, generated.items, now);
    await audit.record(trx, {
      action: 'analysis.created',
      target: { type: 'analysis', id: analysis.id, name },
      details: { datasetIds, scope, insights: generated.items.filter((item) => item.kind === 'insight').length },
    });
    if (llmOutcome?.kind === 'rejected') {
      await audit.record(trx, {
        action: 'llm.summary_rejected',
        target: { type: 'analysis', id: analysis.id, name },
        outcome: 'failure',
        reason: llmOutcome.reason,
        details: { model: llm?.model ?? null, ...(llmOutcome.text ? { rejectedText: llmOutcome.text } : {}) },
      });
    }
    return analysis;
  });
  return { ...stored, resultJson: generated.resultJson, summary: executive };
}
