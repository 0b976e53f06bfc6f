import { datasetDailyRows, type DatasetDeps } from '../analysis/index.js';
import { runPacingInPool, type AnalysisPool } from './workers/analysis-pool.js';
import { listBudgets } from '../budgets/index.js';
import { pacingThresholds, type Pacing, type PacingThresholds } from '../insights/index.js';
import { requireOrganization } from '../tenancy/index.js';
import type { OrgId } from '../ids.js';

export interface BudgetPacing {
  readonly asOf: string;
  readonly thresholds: PacingThresholds;
  readonly items: Pacing[];
}

/**
 * Every budget of the organisation paced against some of its datasets as of a
 * day (default: today). DuckDB sums the days; the rows become pacing on a
 * worker thread, so a year of a large account does not hold the event loop.
 * Thresholds come from the organisation's settings unless the caller gives them.
 */
export async function paceDatasetBudgets(
  deps: DatasetDeps & { readonly pool: AnalysisPool },
  orgId: OrgId,
  datasetIds: readonly string[],
  options: { readonly asOf?: string; readonly under?: number; readonly over?: number },
): Promise<BudgetPacing> {
  const org = await requireOrganization(deps.db, orgId);
  const defaults = pacingThresholds(org.settings);
  const thresholds = { under: options.under ?? defaults.under, over: options.over ?? defaults.over };
  const daily = await datasetDailyRows(deps, orgId, datasetIds);
  const now = deps.clock();
  const asOf = options.asOf ?? now.toISOString().slice(0, 10);
  const budgets = await listBudgets(deps.db, orgId);
  const items =
    budgets.length === 0
      ? []
      : await runPacingInPool(deps.pool, { now: now.toISOString(), daily, budgets, asOf, thresholds });
  return { asOf, thresholds, items };
}
