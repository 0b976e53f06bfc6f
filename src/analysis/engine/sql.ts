import type { SqlParam } from './duckdb.js';
import {
  COVERED_SUMS,
  kpiSql,
  type CoveredSum,
  type Kpi,
  type KpiValues,
  type MeasureTotals,
  type SumName,
  computeKpis,
} from '../kpis.js';
import { MEASURES, type Dimension, type Measure } from '../schema.js';

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

export const sumAlias = (measure: Measure | CoveredSum) => `sum_${measure}`;
const REACH_ROWS = 'reach_rows';

/**
 * `sum(x) AS sum_x` for each measure (every one unless told which), and the
 * covered sums of the KPIs over partial measures (`sum_spend_with_revenue`:
 * spend of the rows that report revenue; `complete`: the fields every row
 * reports). Reach is not additive: a group's
 * reach is its one row's reach, null when several rows report one.
 */
export function measureSums(
  measures: readonly Measure[] = MEASURES,
  complete: readonly (Measure | Dimension)[] = [],
): string[] {
  const sums = measures.map((measure) =>
    measure === 'reach'
      ? `CASE WHEN count("reach") = 1 THEN sum("reach") END AS ${sumAlias(measure)}`
      : `sum(${ident(measure)}) AS ${sumAlias(measure)}`,
  );
  // Where every row in scope reports the partial measure, its covered sum is the plain sum:
  // written as the same aggregate, DuckDB computes it once instead of a filtered second one.
  const covered = COVERED_SUMS.filter((sum) => measures.includes(sum.measure) && measures.includes(sum.reportedBy)).map(
    (sum) =>
      complete.includes(sum.reportedBy)
        ? `sum(${ident(sum.measure)}) AS ${sumAlias(sum.name)}`
        : `sum(${ident(sum.measure)}) FILTER (WHERE ${ident(sum.reportedBy)} IS NOT NULL) AS ${sumAlias(sum.name)}`,
  );
  return [...sums, ...covered, ...(measures.includes('reach') ? [`count("reach") AS ${REACH_ROWS}`] : [])];
}

/**
 * `measureSums`' columns summed again over rows it grouped finer (a pair's rows into one of its
 * dimensions): sums add up; reach stays only where one row of the source reports it.
 */
export function rolledUpSums(measures: readonly Measure[]): string[] {
  return sumColumnNames(measures).map((column) =>
    column === sumAlias('reach')
      ? `CASE WHEN sum(${REACH_ROWS}) = 1 THEN sum(${column}) END AS ${column}`
      : column === REACH_ROWS
        ? `CAST(sum(${column}) AS BIGINT) AS ${column}`
        : `sum(${column}) AS ${column}`,
  );
}

/** KPI expressions over the sums of one grouped query (for ORDER BY and HAVING). */
export function kpiOverSums(kpi: Kpi): string {
  return kpiSql(kpi, sumAlias);
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

/** The sums a row of these measures carries, each with its column, in the order `metricsOf` writes them. */
function sumColumns(present: ReadonlySet<Measure>): readonly (readonly [SumName, string])[] {
  return [
    ...MEASURES.filter((measure) => present.has(measure)).map((measure) => [measure, sumAlias(measure)] as const),
    ...COVERED_SUMS.filter((sum) => present.has(sum.measure) && present.has(sum.reportedBy)).map(
      (sum) => [sum.name, sumAlias(sum.name)] as const,
    ),
    ...(present.has('reach') ? [['reach_rows', REACH_ROWS] as const] : []),
  ];
}

/** The column names `measureSums` gives these measures. */
export function sumColumnNames(measures: readonly Measure[]): string[] {
  return sumColumns(new Set(measures)).map(([, column]) => column);
}

/** Derived once per set of measures: an analysis reads tens of thousands of rows with the same one. */
const columnsOfPresent = new WeakMap<ReadonlySet<Measure>, readonly (readonly [SumName, string])[]>();

function columnsOf(present: ReadonlySet<Measure>): readonly (readonly [SumName, string])[] {
  let columns = columnsOfPresent.get(present);
  if (!columns) {
    columns = sumColumns(present);
    columnsOfPresent.set(present, columns);
  }
  return columns;
}

/** Reads the `sum_*` columns of a result row into measures and the KPIs computed once from them. */
export function metricsOf(row: Record<string, unknown>, present: ReadonlySet<Measure>): MetricRow {
  const measures: MeasureTotals = {};
  for (const [name, column] of columnsOf(present)) measures[name] = toNumber(row[column]);
  return { measures, kpis: computeKpis(measures) };
}

/** A result held as one list per column: each sum of these measures with its list, looked up once for all rows. */
export type SumLists = readonly (readonly [SumName, ArrayLike<unknown>])[];

export function sumListsOf(
  lists: Readonly<Record<string, ArrayLike<unknown> | null | undefined>>,
  present: ReadonlySet<Measure>,
): SumLists {
  return columnsOf(present).map(([name, column]) => [name, lists[column] ?? []] as const);
}

/** `metricsOf` of row `index` of such a result (no row object built). */
export function metricsAt(sums: SumLists, index: number): MetricRow {
  const measures: MeasureTotals = {};
  for (const [name, list] of sums) measures[name] = toNumber(list[index]);
  return { measures, kpis: computeKpis(measures) };
}
