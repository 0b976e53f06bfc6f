import type { ColumnKind } from '../analysis/pure.js';

/**
 * How a column of a report workbook shows its figures: Excel number formats by
 * the column's kind, so cells stay numbers a client can sum while they read like the decks.
 */

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
