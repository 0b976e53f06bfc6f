/**
 * Rows with the most spend first, ties in their given order; a row without a
 * finite spend counts as none. Of an analysis's totals (one row per currency),
 * the first is the currency the insight rules read and whose money the items
 * write, so the rules, the documents and the dashboard take it from here alike.
 * Import-free, so the web app bundles it.
 */
export function bySpend<Row extends { readonly spend?: unknown }>(rows: readonly Row[]): Row[] {
  const spendOf = (row: Row) => (typeof row.spend === 'number' && Number.isFinite(row.spend) ? row.spend : 0);
  return [...rows].sort((a, b) => spendOf(b) - spendOf(a));
}
