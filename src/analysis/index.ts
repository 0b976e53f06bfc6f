/** The public face of analysis/: what other folders may import from it (docs/ARCHITECTURE.md, "Who may import whom"). */
export * from './pure.js';
export * from './offline.js';
export {
  analysesThisMonth,
  datasetDailyRows,
  findAnalysisName,
  getAnalysis,
  insertAnalysis,
  purgeAnalysesBefore,
  queryDatasets,
  wholeProfile,
  withDatasetSource,
} from './analyses.js';
export type {
  AnalysisRequest,
  AnalysisResultDocument,
  AnalysisSummary,
  ExecutiveSummary,
  PeriodComparison,
  StoredAnalysis,
} from './analyses.js';
export { comparisonRange, sharesDays } from './comparison.js';
export type { Comparison } from './comparison.js';
export {
  datasetIdsCreatedBefore,
  datasetUsage,
  deleteDataset,
  getDataset,
  sweepDatasetStorage,
} from './datasets/datasets.js';
export type { Dataset, DatasetDeps } from './datasets/datasets.js';
export { assertDateRange, GRANULARITIES, profile, profileSql, readGroups, readProfile } from './engine/analysis.js';
export { ident } from './engine/sql.js';
export { scopedGroupedRows } from './engine/scope-groups.js';
export { ingest } from './ingest/ingest.js';
export { runQuery, THRESHOLD_OPS } from './query.js';
export type { Metric, QueryResult, QueryRow, QuerySpec, Threshold, ThresholdOp } from './query.js';
export { ConversionSchema, DatasetIds, DateRangeSchema, FilterSchema } from './request-schemas.js';
export { GroupedCache, groupedKey, transferableBuffers } from './workers/grouped-cache.js';
export type { GroupedInputs } from './workers/grouped-cache.js';
