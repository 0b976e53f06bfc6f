import {
  COVERAGE_COLUMNS,
  COVERED_SUMS,
  formatCount,
  formatMoney,
  formatPercent,
  formatRatio,
  formatShare,
  labelOf,
  metricKind,
  metricName,
  type MetricKind,
} from '../analysis/pure.js';

/**
 * What a column of a report workbook is called and how its figures show: the
 * labels people read everywhere else, and Excel number formats by the metric's
 * kind, so cells stay numbers a client can sum while they read like the decks.
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

/** A currency a number format can quote: a code or symbol, nothing that could end the quoted text. */
const QUOTABLE_CURRENCY = /^[\p{L}\p{N}\p{Sc} .-]{1,12}$/u;

/**
 * The Excel number format of a figure. Money carries its row's currency, so
 * two currencies in one column never read as one; CTR and CVR hold the stored
 * percentage (6.43) and only show a % sign, unlike Excel's own %, which multiplies by 100.
 */
export function numberFormat(kind: ColumnKind, value: number, currency: string | null): string {
  switch (kind) {
    case 'money':
      return currency && QUOTABLE_CURRENCY.test(currency) ? `#,##0.00 "${currency}"` : '#,##0.00';
    case 'count':
      return Number.isInteger(Math.round(value * 10) / 10) ? '#,##0' : '#,##0.0';
    case 'percent':
      return '0.00"%"';
    case 'ratio':
      return '0.00';
    case 'share':
      return '0%';
  }
}

/** About the text Excel shows for a figure: what a column is sized by. */
export function shownText(kind: ColumnKind, value: number, currency: string | null): string {
  switch (kind) {
    case 'money':
      return formatMoney(value, currency);
    case 'count':
      return formatCount(value);
    case 'percent':
      return formatPercent(value);
    case 'ratio':
      return formatRatio(value);
    case 'share':
      return formatShare(value);
  }
}
