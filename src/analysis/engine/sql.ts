import type { SqlParam } from './duckdb.js';
import { kpiSql, type Kpi, type KpiValues, type MeasureTotals, computeKpis } from '../kpis.js';
import { MEASURES, type Measure } from '../schema.js';

/** Parameters bound to a statement: values never enter SQL text. */
export class Params {
  readonly values: SqlParam[] = [];
  add(value: SqlParam): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Quoted identifier for a unified field; fields come from a fixed list, never from a client's string. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export const sumAlias = (measure: Measure) => `sum_${measure}`;

/** `sum(x) AS sum_x` for each measure (every one unless told which). */
export function measureSums(measures: readonly Measure[] = MEASURES): string[] {
  return measures.map((measure) => `sum(${ident(measure)}) AS ${sumAlias(measure)}`);
}

/** KPI expressions over the sums of one grouped query (for ORDER BY and HAVING). */
export function kpiOverSums(kpi: Kpi): string {
  return kpiSql(kpi, (measure) => `sum_${measure}`);
}

export interface MetricRow {
  readonly measures: MeasureTotals;
  readonly kpis: KpiValues;
}

function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return Number(value);
}

/** Reads the `sum_*` columns of a result row into measures and the KPIs computed once from them. */
export function metricsOf(row: Record<string, unknown>, present: ReadonlySet<Measure>): MetricRow {
  const measures: MeasureTotals = {};
  for (const measure of MEASURES) {
    if (present.has(measure)) measures[measure] = toNumber(row[sumAlias(measure)]);
  }
  return { measures, kpis: computeKpis(measures) };
}

