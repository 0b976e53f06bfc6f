import path from 'node:path';
import type { DuckEngine } from './engine/duckdb.js';
import { analyse, mergeProfiles, type AnalysisOptions } from './engine/analysis.js';
import { ingest, type IngestResult } from './ingest/ingest.js';
import type { IngestOptions } from './ingest/plan.js';
import { buildReport, summariseDataset, type AnalysisReport } from './report/report.js';

export interface AnalyzeFilesRequest extends IngestOptions, AnalysisOptions {
  readonly files: readonly string[];
  readonly tmpDir: string;
  readonly sheet?: string;
}

/**
 * The offline path of `pca analyze`: each file is read into its own table,
 * the tables are analysed together as one cross-platform view.
 */
export async function analyzeFiles(duck: DuckEngine, request: AnalyzeFilesRequest, now: Date): Promise<AnalysisReport> {
  return duck.withConnection(async (connection) => {
    const results: { file: string; result: IngestResult }[] = [];
    for (const [index, file] of request.files.entries()) {
      results.push({ file, result: await ingest(connection, `file_${index}`, { ...request, file, originalName: path.basename(file) }) });
    }
    const source =
      results.length === 1 ? results[0]!.result.relation : `(${results.map(({ result }) => `SELECT * FROM ${result.relation}`).join(' UNION ALL ')})`;
    const analysis = await analyse(connection, source, request, mergeProfiles(results.map(({ result }) => result.profile)));
    return buildReport(
      results.map(({ file, result }) => summariseDataset(file, result)),
      analysis,
      now,
    );
  });
}
