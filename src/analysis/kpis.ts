import type { Measure } from './schema.js';

/**
 * Every KPI, defined once: a ratio of two summed measures times a scale.
 * SQL and JS both derive from this table; ratios are never averaged.
 */
export const KPI_DEFINITIONS = {
  ctr: { numerator: 'clicks', denominator: 'impressions', scale: 100, label: 'CTR %' },
  cpc: { numerator: 'spend', denominator: 'clicks', scale: 1, label: 'CPC' },
  cpm: { numerator: 'spend', denominator: 'impressions', scale: 1000, label: 'CPM' },
  cpa: { numerator: 'spend', denominator: 'conversions', scale: 1, label: 'CPA' },
  roas: { numerator: 'revenue', denominator: 'spend', scale: 1, label: 'ROAS' },
  cvr: { numerator: 'conversions', denominator: 'clicks', scale: 100, label: 'CVR %' },
  aov: { numerator: 'revenue', denominator: 'conversions', scale: 1, label: 'AOV' },
  frequency: { numerator: 'impressions', denominator: 'reach', scale: 1, label: 'Frequency' },
} as const satisfies Record<string, { numerator: Measure; denominator: Measure; scale: number; label: string }>;

export type Kpi = keyof typeof KPI_DEFINITIONS | 'profit';
export const KPIS = [...(Object.keys(KPI_DEFINITIONS) as (keyof typeof KPI_DEFINITIONS)[]), 'profit'] as const satisfies readonly Kpi[];

export type MeasureTotals = Partial<Record<Measure, number | null>>;
export type KpiValues = Record<Kpi, number | null>;

/** A ratio; a zero or missing denominator (or numerator) gives null: "not defined", never 0 or Infinity. */
export function ratio(numerator: number | null | undefined, denominator: number | null | undefined, scale = 1): number | null {
  if (numerator === null || numerator === undefined || denominator === null || denominator === undefined) return null;
  if (denominator === 0) return null;
  return (numerator / denominator) * scale;
}

/** KPIs of one group from its summed measures. */
export function computeKpis(totals: MeasureTotals): KpiValues {
  const out = {} as KpiValues;
  for (const [name, definition] of Object.entries(KPI_DEFINITIONS)) {
    out[name as keyof typeof KPI_DEFINITIONS] = ratio(totals[definition.numerator], totals[definition.denominator], definition.scale);
  }
  const { revenue, spend } = totals;
  out.profit = revenue === null || revenue === undefined || spend === null || spend === undefined ? null : revenue - spend;
  return out;
}

/** The same KPI as a SQL expression over summed measure columns (NULLIF keeps a zero denominator null). */
export function kpiSql(kpi: Kpi, sumOf: (measure: Measure) => string): string {
  if (kpi === 'profit') return `(${sumOf('revenue')} - ${sumOf('spend')})`;
  const { numerator, denominator, scale } = KPI_DEFINITIONS[kpi];
  return `(${sumOf(numerator)} / NULLIF(${sumOf(denominator)}, 0) * ${scale})`;
}

export function isKpi(value: string): value is Kpi {
  return (KPIS as readonly string[]).includes(value);
}
