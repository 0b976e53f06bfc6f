import { AppError } from '../errors.js';
import type { DuckConnection } from './engine/duckdb.js';
import {
  convertedSource,
  scopeWhere,
  type CurrencyConversion,
  type DateRange,
  type DimensionFilter,
  type Granularity,
} from './engine/analysis.js';
import { ident, kpiOverSums, measureSums, Params, sumAlias } from './engine/sql.js';
import { coverageSql, coveredBy, isKpi, type Kpi } from './kpis.js';
import { atEdge, edgeDigits } from './precision.js';
import { COVERAGE_COLUMNS } from './report/report.js';
import type { Dimension, Measure } from './schema.js';

export type Metric = Measure | Kpi;

export const THRESHOLD_OPS = ['lt', 'lte', 'gt', 'gte'] as const;
export type ThresholdOp = (typeof THRESHOLD_OPS)[number];

/** A condition on a group's figure ("ROAS under 1"): groups that fail it are left out. */
export interface Threshold {
  readonly metric: Metric;
  readonly op: ThresholdOp;
  readonly value: number;
}

export interface QuerySpec {
  readonly metrics: readonly Metric[];
  readonly dimensions: readonly Dimension[];
  readonly filters?: readonly DimensionFilter[];
  readonly granularity?: Granularity;
  readonly dateRange?: DateRange;
  readonly orderBy?: { readonly field: string; readonly direction: 'asc' | 'desc' };
  readonly limit?: number;
  /** Groups that spent less are left out, so a $3 row cannot top a ROAS list. */
  readonly minSpend?: number;
  /** Adds the same figures for the equal-length range just before `dateRange`. */
  readonly comparePrevious?: boolean;
  /** Compare with this range instead of the one just before (November vs October); implies comparePrevious. */
  readonly compareTo?: DateRange;
  /** Conditions on each group's figures, all of which must hold. */
  readonly having?: readonly Threshold[];
  readonly conversion?: CurrencyConversion;
}

export type QueryRow = Record<string, string | number | null | Record<string, unknown>>;

export interface QueryResult {
  readonly columns: string[];
  readonly rows: QueryRow[];
  readonly previousRange?: { from: string; to: string };
}

const PERIOD_SQL: Record<Granularity, string> = {
  day: `strftime("date", '%Y-%m-%d')`,
  week: `strftime("date", '%G-W%V')`,
  month: `strftime("date", '%Y-%m')`,
  quarter: `(strftime("date", '%Y') || '-Q' || CAST(quarter("date") AS VARCHAR))`,
};

const THRESHOLD_SQL: Record<ThresholdOp, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };

const DAY_MS = 86_400_000;

export function previousRange(range: DateRange): { from: string; to: string } {
  if (!range.from || !range.to) {
    throw new AppError('validation', 'Period over period needs a dateRange with both from and to.', {}, [
      { field: '/body/dateRange', message: 'needs from and to' },
    ]);
  }
  const from = Date.parse(`${range.from}T00:00:00Z`);
  const to = Date.parse(`${range.to}T00:00:00Z`);
  const days = Math.round((to - from) / DAY_MS) + 1;
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: iso(from - days * DAY_MS), to: iso(from - DAY_MS) };
}

function fullRange(range: DateRange): { from: string; to: string } {
  if (!range.from || !range.to) {
    throw new AppError('validation', 'compareTo needs both from and to.', {}, [
      { field: '/body/compareTo', message: 'needs from and to' },
    ]);
  }
  return { from: range.from, to: range.to };
}

/** A value as the API returns it: figures rounded at the edge (precision.ts), full precision inside. */
function toValue(column: string, value: unknown): number | string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return atEdge(column, value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The requested order, then the period, then every group ascending: equal
 * values and a LIMIT give the same rows in the same order on every run (a
 * GROUP BY alone returns its groups in whatever order its threads finish).
 */
function orderSql(spec: QuerySpec, groups: readonly { name: string }[], columns: readonly string[]): string {
  const keys: { name: string; sql: string }[] = [];
  if (spec.orderBy) {
    const { field, direction } = spec.orderBy;
    if (!columns.includes(field)) {
      throw new AppError('validation', `orderBy must be one of the requested columns (${columns.join(', ')}).`, {}, [
        { field: '/body/orderBy/field', message: 'is not a requested dimension or metric' },
      ]);
    }
    // A figure is compared as the response shows it: sums that differ only past the shown digits (0.1 + 0.2 and 0.3) tie.
    const value = groups.some((group) => group.name === field)
      ? ident(field)
      : `round(${ident(field)}, ${edgeDigits(field)})`;
    keys.push({ name: field, sql: `${value} ${direction === 'asc' ? 'ASC' : 'DESC'} NULLS LAST` });
  }
  const periods = groups.filter((group) => group.name === 'period' || group.name === 'date');
  for (const group of [...periods, ...groups]) {
    if (!keys.some((key) => key.name === group.name))
      keys.push({ name: group.name, sql: `${ident(group.name)} ASC NULLS LAST` });
  }
  return `ORDER BY ${keys.map((key) => key.sql).join(', ')}`;
}

async function runOnce(
  connection: DuckConnection,
  source: string,
  spec: QuerySpec,
  currencies: readonly (string | null)[],
): Promise<QueryResult> {
  const params = new Params();
  const relation = convertedSource(source, spec, params, currencies);
  const where = scopeWhere(spec, params);
  const groups: { name: string; sql: string }[] = [
    ...spec.dimensions
      .filter((dimension) => dimension !== 'currency' && dimension !== 'date')
      .map((dimension) => ({ name: dimension, sql: ident(dimension) })),
  ];
  if (spec.dimensions.includes('date') && !spec.granularity) groups.push({ name: 'date', sql: PERIOD_SQL.day });
  if (spec.granularity) groups.push({ name: 'period', sql: PERIOD_SQL[spec.granularity] });
  groups.push({ name: 'currency', sql: 'currency' });
  const metricSql = spec.metrics.map((metric) =>
    isKpi(metric) ? `${kpiOverSums(metric)} AS ${ident(metric)}` : `${sumAlias(metric)} AS ${ident(metric)}`,
  );
  // A KPI over revenue or conversions says beside it what share of spend reports that measure.
  const coverageColumns = [
    ...new Set(spec.metrics.flatMap((metric) => (isKpi(metric) ? (coveredBy(metric) ?? []) : []))),
  ].map((measure) => ({
    name: COVERAGE_COLUMNS[measure],
    sql: coverageSql(measure, sumAlias),
  }));
  metricSql.push(...coverageColumns.map((column) => `${column.sql} AS ${ident(column.name)}`));
  const having = spec.minSpend !== undefined ? `HAVING sum(spend) >= CAST(${params.add(spec.minSpend)} AS DOUBLE)` : '';
  // Thresholds judge the same figures the query returns: KPIs as ratios of the group's sums.
  const thresholds = (spec.having ?? []).map(
    (threshold) =>
      `${isKpi(threshold.metric) ? kpiOverSums(threshold.metric) : sumAlias(threshold.metric)} ${THRESHOLD_SQL[threshold.op]} CAST(${params.add(threshold.value)} AS DOUBLE)`,
  );
  const filter = thresholds.length > 0 ? `WHERE ${thresholds.join(' AND ')}` : '';
  const columns: string[] = [
    ...groups.map((group) => group.name),
    ...spec.metrics,
    ...coverageColumns.map((column) => column.name),
  ];
  const order = orderSql(spec, groups, columns);
  const limit = `LIMIT ${params.add(Math.max(1, Math.min(spec.limit ?? 1000, 10_000)))}`;
  const sql = `SELECT ${[...groups.map((group) => ident(group.name)), ...metricSql].join(', ')} FROM (
      SELECT ${groups.map((group) => `${group.sql} AS ${ident(group.name)}`).join(', ')}, ${measureSums().join(', ')}
      FROM ${relation} ${where}
      GROUP BY ${groups.map((group) => group.sql).join(', ')} ${having}
    ) AS grouped_rows ${filter} ${order} ${limit}`;
  const rows = (await connection.rows(sql, params.values)).map(
    (row) => Object.fromEntries(columns.map((column) => [column, toValue(column, row[column])])) as QueryRow,
  );
  return { columns, rows };
}

/** The one query surface: validated names, bound values, sums first and ratios of sums. */
export async function runQuery(
  connection: DuckConnection,
  source: string,
  spec: QuerySpec,
  currencies: readonly (string | null)[],
): Promise<QueryResult> {
  const current = await runOnce(connection, source, spec, currencies);
  if (!spec.comparePrevious && !spec.compareTo) return current;
  const range = spec.compareTo ? fullRange(spec.compareTo) : previousRange(spec.dateRange ?? {});
  const previous = await runOnce(
    connection,
    source,
    { ...spec, dateRange: range, limit: 10_000, orderBy: undefined },
    currencies,
  );
  const figures = current.columns.filter(
    (column) => spec.metrics.includes(column as Metric) || column.endsWith('Coverage'),
  );
  const keyColumns = current.columns.filter((column) => !figures.includes(column));
  const keyOf = (row: QueryRow) => JSON.stringify(keyColumns.map((column) => row[column] ?? null));
  const before = new Map(previous.rows.map((row) => [keyOf(row), row]));
  const rows = current.rows.map((row) => {
    const old = before.get(keyOf(row));
    const change: Record<string, { absolute: number | null; relative: number | null }> = {};
    const prior: Record<string, number | null> = {};
    for (const metric of figures) {
      const now = typeof row[metric] === 'number' ? row[metric] : null;
      const then = old && typeof old[metric] === 'number' ? old[metric] : null;
      prior[metric] = then;
      change[metric] = {
        absolute: now === null || then === null ? null : atEdge(metric, now - then),
        relative:
          now === null || then === null || then === 0 ? null : atEdge('relative', (now - then) / Math.abs(then)),
      };
    }
    return { ...row, previous: prior, change };
  });
  return { columns: current.columns, rows, previousRange: range };
}
