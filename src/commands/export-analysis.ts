import type { Kysely } from 'kysely';
import { getAnalysis, type StoredAnalysis } from '../analysis/index.js';
import {
  exportReport,
  type DeckRenderer,
  type ExportFormat,
  brandingOf,
  type AnalysisContent,
} from '../reports/index.js';
import { safeFileBase, type Download } from '../export/download.js';
import { analysisItems } from '../insights/index.js';
import type { Database } from '../store/schema.js';
import { requireOrganization } from '../tenancy/index.js';
import type { OrgId } from '../ids.js';

export interface ExportedAnalysis {
  readonly analysis: StoredAnalysis;
  readonly file: Download;
  /** What the file is saved as, before its extension: "November campaigns - 2025-11-01 to 2025-11-13". */
  readonly fileBase: string;
}

export interface ExportOptions {
  /** Where decks (PDF, PPTX) are drawn: the instance's worker threads; in the caller's thread when absent. */
  readonly renderDeck?: DeckRenderer;
}

/** A file named after the analysis and the days it covers, so a folder of exports reads without opening them. */
export function analysisFileBase(analysis: Pick<StoredAnalysis, 'id' | 'name' | 'result'>): string {
  const { from, to } = analysis.result.dateRange;
  const period = from && to ? (from === to ? from : `${from} to ${to}`) : null;
  const name = safeFileBase(analysis.name, `analysis-${analysis.id}`);
  return period ? `${name} - ${period}` : name;
}

/**
 * One stored analysis rendered in one format: the single entry point for every
 * surface that hands an analysis over (the download route, scheduled delivery).
 * It carries the executive summary, the shown insights, recommendations and
 * anomalies, and the organisation's branding when its `custom_branding`
 * feature is on. Throws the analysis's 404 for another organisation's id.
 */
export async function exportAnalysis(
  db: Kysely<Database>,
  orgId: OrgId,
  analysisId: string,
  format: ExportFormat,
  options: ExportOptions = {},
): Promise<ExportedAnalysis> {
  const analysis = await getAnalysis(db, orgId, analysisId);
  const [items, org] = await Promise.all([analysisItems(db, orgId, analysisId, false), requireOrganization(db, orgId)]);
  const content: AnalysisContent = {
    title: analysis.name,
    result: analysis.result,
    summary: analysis.summary,
    items: items.map(({ kind, rank, priority, category, ruleId, subject, title, sentence, evidence, payload }) => ({
      kind,
      rank,
      priority,
      category,
      ruleId,
      subject,
      title,
      sentence,
      evidence,
      payload,
    })),
    branding: org.features.custom_branding ? brandingOf(org.name, org.metadata) : null,
  };
  return {
    analysis,
    file: await exportReport(content, format, options.renderDeck),
    fileBase: analysisFileBase(analysis),
  };
}
