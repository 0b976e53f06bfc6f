import { formatCount, listOf, plural } from './format.js';

/** The counts of a quality report that say which rows were read and why some were left out (ingest/quality.ts). */
export interface RowCounts {
  readonly rowsRead: number;
  readonly rowsKept: number;
  readonly preambleLines?: number;
  readonly dropped: { readonly totals?: number; readonly blank?: number; readonly noMeasures?: number };
}

/**
 * How many rows were kept and why the others were not, as the dataset page and the CLI say it:
 * "30 of 32 rows kept; left out 1 totals line and 1 blank line." A bare "30 of 32" leaves the
 * reader wondering which rows went missing.
 */
export function keptRowsText(counts: RowCounts): string {
  const { totals = 0, blank = 0, noMeasures = 0 } = counts.dropped;
  const reasons = [
    ...(totals > 0 ? [plural(totals, 'totals line')] : []),
    ...(blank > 0 ? [plural(blank, 'blank line')] : []),
    ...(noMeasures > 0 ? [`${plural(noMeasures, 'row')} with no figures`] : []),
  ];
  const kept =
    counts.rowsKept === counts.rowsRead
      ? `All ${plural(counts.rowsRead, 'row')} kept`
      : `${formatCount(counts.rowsKept)} of ${plural(counts.rowsRead, 'row')} kept; left out ${listOf(reasons)}`;
  const preamble = counts.preambleLines ?? 0;
  return preamble > 0 ? `${kept}. ${plural(preamble, 'line')} of report text above the header skipped.` : `${kept}.`;
}
