import type { Kysely } from 'kysely';
import { getAnalysis, type StoredAnalysis } from '../analysis/analyses.js';
import { exportReport, type ExportFormat } from '../analysis/report/export.js';
import type { Download } from '../export/download.js';
import type { Database } from '../store/schema.js';

export interface ExportedAnalysis {
  readonly analysis: StoredAnalysis;
  readonly file: Download;
}

/**
 * One stored analysis rendered in one format: the single entry point for every
 * surface that hands an analysis over (the download route, scheduled delivery).
 * Throws the analysis's 404 for another organisation's id.
 */
export async function exportAnalysis(db: Kysely<Database>, orgId: string, analysisId: string, format: ExportFormat): Promise<ExportedAnalysis> {
  const analysis = await getAnalysis(db, orgId, analysisId);
  return { analysis, file: await exportReport(analysis.result, format) };
}
