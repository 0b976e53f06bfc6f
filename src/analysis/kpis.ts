import type { Measure } from './schema.js';

/**
 * Every KPI, defined once: a ratio of two summed measures times a scale.
 * SQL and JS both derive from this table; ratios are never averaged.
 */
export const KPI_DEFINITIONS = {
  ctr: { numerator: 'clicks', denominator: 'impressions', scale: 100 },
  cpc: { numerator: 'spend', denominator: 'clicks', scale: 1 },
  cpm: { numerator: 'spend', denominator: 'impressions', scale: 1000 },
  cpa: { numerator: 'spend', denominator: 'conversions', scale: 1 },
  roas: { numerator: 'revenue', denominator: 'spend', scale: 1 },
  cvr: { numerator: 'conversions', denominator: 'clicks', scale: 100 },
  aov: { numerator: 'revenue', denominator: 'conversions', scale: 1 },
  frequency: { numerator: 'impressions', denominator: 'reach', scale: 1 },
} as const satisfies Record<string, { numerator: Measure; denominator: Measure; scale: number }>;

export type Kpi = keyof typeof KPI_DEFINITIONS | 'profit';
export const KPIS = [
  ...(Object.keys(KPI_DEFINITIONS) as (keyof typeof KPI_DEFINITIONS)[]),
  'profit',
] as const satisfies readonly Kpi[];

/**
 * Measures some platforms do not report (LinkedIn has no revenue column, a
 * reach column is Meta's): a KPI that needs one is computed over the rows that
 * report it, so the other side of the ratio is summed over those rows only.
 */
export const PARTIAL_MEASURES = ['revenue', 'conversions', 'reach'] as const satisfies readonly Measure[];
export type PartialMeasure = (typeof PARTIAL_MEASURES)[number];

/** A measure summed over only the rows that report a partial measure (`spend_with_revenue`). */
export type CoveredSum = `${Measure}_with_${PartialMeasure}`;
/** Every sum a KPI reads; `reach_rows` counts the rows that report reach (reach is shown only for one). */
export type SumName = Measure | CoveredSum | 'reach_rows';

export type MeasureTotals = Partial<Record<SumName, number | null>>;
export type KpiValues = Record<Kpi, number | null>;

function isPartial(measure: Measure): measure is PartialMeasure {
  return (PARTIAL_MEASURES as readonly Measure[]).includes(measure);
}

/** The sum one side of a ratio reads: over the rows that report the other side when that side is partial. */
export function operand(measure: Measure, other: Measure): Measure | CoveredSum {
  return isPartial(other) && other !== measure ? `${measure}_with_${other}` : measure;
}

interface Operands {
  readonly numerator: Measure | CoveredSum;
  readonly denominator: Measure | CoveredSum;
  readonly scale: number;
}

function operandsOf(kpi: keyof typeof KPI_DEFINITIONS): Operands {
  const { numerator, denominator, scale } = KPI_DEFINITIONS[kpi];
  return { numerator: operand(numerator, denominator), denominator: operand(denominator, numerator), scale };
}

/** Profit is revenue less the spend of the rows that report revenue. */
const PROFIT_SPEND = operand('spend', 'revenue');

/** Every covered sum some KPI reads, with the measure it sums and the measure a row must report. */
export const COVERED_SUMS: readonly {
  readonly name: CoveredSum;
  readonly measure: Measure;
  readonly reportedBy: PartialMeasure;
}[] = [
  ...new Set([
    ...Object.keys(KPI_DEFINITIONS).flatMap((kpi) => {
      const { numerator, denominator } = operandsOf(kpi as keyof typeof KPI_DEFINITIONS);
      return [numerator, denominator];
    }),
    PROFIT_SPEND,
  ]),
]
  .filter((name): name is CoveredSum => name.includes('_with_'))
  .map((name) => {
    const [measure, reportedBy] = name.split('_with_') as [Measure, PartialMeasure];
    return { name, measure, reportedBy };
  });

const COVERED_BY_NAME = new Map<string, (typeof COVERED_SUMS)[number]>(COVERED_SUMS.map((sum) => [sum.name, sum]));

/** Each KPI with its operands, derived once: KPIs are computed for every group of every analysis. */
const KPI_OPERANDS = (Object.keys(KPI_DEFINITIONS) as (keyof typeof KPI_DEFINITIONS)[]).map((name) => ({
  name,
  ...operandsOf(name),
}));

/** A sum of a group; a covered sum nobody computed reads as the whole measure when the partial measure is reported. */
export function sumOf(totals: MeasureTotals, name: Measure | CoveredSum): number | null {
  const value = totals[name];
  if (value !== undefined) return value;
  const covered = COVERED_BY_NAME.get(name);
  if (!covered) return null;
  const reported = totals[covered.reportedBy];
  return reported === null || reported === undefined ? null : (totals[covered.measure] ?? null);
}

/**
 * A ratio; a zero or missing denominator (or numerator) gives null: "not
 * defined", never 0 or Infinity. A negative sum (refunds, corrections) is no
 * base for a rate or a cost per unit either: null, and `negativeOperands` says so.
 */
export function ratio(
  numerator: number | null | undefined,
  denominator: number | null | undefined,
  scale = 1,
): number | null {
  if (numerator === null || numerator === undefined || denominator === null || denominator === undefined) return null;
  if (denominator <= 0 || numerator < 0) return null;
  return (numerator / denominator) * scale;
}

/** KPIs of one group from its summed measures. */
export function computeKpis(totals: MeasureTotals): KpiValues {
  const out = {} as KpiValues;
  for (const { name, numerator, denominator, scale } of KPI_OPERANDS)
    out[name] = ratio(sumOf(totals, numerator), sumOf(totals, denominator), scale);
  const revenue = sumOf(totals, 'revenue');
  const spend = sumOf(totals, PROFIT_SPEND);
  out.profit = revenue === null || spend === null || spend < 0 ? null : revenue - spend;
  return out;
}

/** KPIs left undefined because a sum they divide by or into is negative (the warning beside the null). */
export function negativeOperands(totals: MeasureTotals): { kpi: Kpi; measure: Measure; value: number }[] {
  const out: { kpi: Kpi; measure: Measure; value: number }[] = [];
  for (const { name, numerator, denominator } of KPI_OPERANDS) {
    const top = sumOf(totals, numerator);
    const bottom = sumOf(totals, denominator);
    if (top === null || bottom === null) continue;
    const negative =
      top < 0 ? KPI_DEFINITIONS[name].numerator : bottom < 0 ? KPI_DEFINITIONS[name].denominator : undefined;
    if (negative)
      out.push({ kpi: name, measure: negative, value: negative === KPI_DEFINITIONS[name].numerator ? top : bottom });
  }
  const spend = sumOf(totals, PROFIT_SPEND);
  if (spend !== null && spend < 0 && sumOf(totals, 'revenue') !== null)
    out.push({ kpi: 'profit', measure: 'spend', value: spend });
  return out;
}

/**
 * Share of spend on the rows that report a partial measure: what a KPI over
 * that measure covers (ROAS 1.39 on 62 % of spend). Null without a positive
 * spend.
 */
export function coverage(totals: MeasureTotals, measure: 'revenue' | 'conversions'): number | null {
  const spend = sumOf(totals, 'spend');
  // No row reporting the measure covers nothing: 0, not "unknown".
  const covered = sumOf(totals, operand('spend', measure)) ?? 0;
  if (spend === null || spend <= 0 || covered < 0) return null;
  return covered / spend;
}

/** The same KPI as a SQL expression over summed columns: null for a zero or negative denominator or a negative numerator. */
export function kpiSql(kpi: Kpi, sumOfColumn: (name: Measure | CoveredSum) => string): string {
  if (kpi === 'profit') {
    const spend = sumOfColumn(PROFIT_SPEND);
    return `(CASE WHEN ${spend} >= 0 THEN ${sumOfColumn('revenue')} - ${spend} END)`;
  }
  const { numerator, denominator, scale } = operandsOf(kpi);
  const top = sumOfColumn(numerator);
  const bottom = sumOfColumn(denominator);
  return `(CASE WHEN ${top} >= 0 AND ${bottom} > 0 THEN ${top} / ${bottom} * ${scale} END)`;
}

/** `coverage` as SQL over summed columns. */
export function coverageSql(
  measure: 'revenue' | 'conversions',
  sumOfColumn: (name: Measure | CoveredSum) => string,
): string {
  const spend = sumOfColumn('spend');
  const covered = `coalesce(${sumOfColumn(operand('spend', measure))}, 0)`;
  return `(CASE WHEN ${spend} > 0 AND ${covered} >= 0 THEN ${covered} / ${spend} END)`;
}

/** The partial measure whose coverage a KPI reports beside it (ROAS: revenue), if any. */
export function coveredBy(kpi: Kpi): 'revenue' | 'conversions' | undefined {
  if (kpi === 'profit') return 'revenue';
  if (kpi === 'frequency' || kpi === 'ctr' || kpi === 'cpc' || kpi === 'cpm') return undefined;
  const { numerator, denominator } = KPI_DEFINITIONS[kpi];
  return [numerator, denominator].includes('revenue') ? 'revenue' : 'conversions';
}

export function isKpi(value: string): value is Kpi {
  return (KPIS as readonly string[]).includes(value);
}
