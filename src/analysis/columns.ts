import { COVERED_SUMS } from './kpis.js';
import { metricKind, metricName, type MetricKind } from './format.js';
import { labelOf } from './labels.js';
import { COVERAGE_COLUMNS } from './report/report.js';

/**
 * What a column of a report or an answer is called and what kind of figure it
 * holds, from its key alone: the workbook export and the answers to questions
 * both head "revenueCoverage" as "Revenue coverage", never two ways.
 */

/** A metric's kind, or a share of 0..1 (what the coverage columns hold). */
export type ColumnKind = MetricKind | 'share';

const COVERED = new Map<string, (typeof COVERED_SUMS)[number]>(COVERED_SUMS.map((sum) => [sum.name, sum]));
const COVERAGE = new Map<string, string>(
  Object.entries(COVERAGE_COLUMNS).map(([measure, column]) => [column, measure]),
);

/** How a report column's numbers show; undefined for a key that holds no figure (a dimension, the period). */
export function columnKind(key: string): ColumnKind | undefined {
  if (COVERAGE.has(key)) return 'share';
  return metricKind(COVERED.get(key)?.measure ?? key);
}

/** The header of a report column: "Ad group", "CTR", "Spend on rows with revenue", "Revenue coverage". */
export function columnLabel(key: string): string {
  const covered = COVERED.get(key);
  if (covered) return `${labelOf(covered.measure)} on rows with ${metricName(covered.reportedBy)}`;
  const measure = COVERAGE.get(key);
  if (measure) return `${labelOf(measure)} coverage`;
  // "campaign×date", a pair's key, reads "Campaign × date".
  return labelOf(key.replace('×', ' × '));
}
