import { isKpi } from './kpis.js';

/**
 * How many decimals a figure keeps where it leaves the engine (the report
 * document and /api/v1/query alike): sums of money and profit to the cent, other sums
 * to four decimals (attributed conversions are fractional), KPIs and shares
 * to six (a CPC of 0.0034 keeps its digits; clients format for people).
 * Inside, every sum and KPI keeps full precision; only the edge rounds, so
 * 28006.380000000005 leaves as 28006.38.
 */
const MONEY_SUMS = new Set(['spend', 'revenue', 'profit']);

export function edgeDigits(field: string): number {
  const base = field.includes('_with_') ? field.slice(0, field.indexOf('_with_')) : field;
  if (MONEY_SUMS.has(base)) return 2;
  if (isKpi(base) || field.endsWith('Coverage')) return 6;
  return 4;
}

/** Each field's scale, derived once: every figure of every report row passes here. */
const SCALES = new Map<string, number>();

function scaleOf(field: string): number {
  let scale = SCALES.get(field);
  if (scale === undefined) {
    scale = 10 ** edgeDigits(field);
    SCALES.set(field, scale);
  }
  return scale;
}

/** A figure as the edge shows it; non-finite values are null. */
export function atEdge(field: string, value: number | null | undefined): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const scale = scaleOf(field);
  const rounded = Math.round(value * scale) / scale;
  return Object.is(rounded, -0) ? 0 : rounded;
}
