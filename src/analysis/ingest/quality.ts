import type { DuckConnection } from '../engine/duckdb.js';
import { readProfile, type Profile } from '../engine/analysis.js';
import { MEASURES, type Field, type Measure } from '../schema.js';
import { ident } from '../engine/sql.js';
import { implausibleBit, storedFields } from './load.js';
import { PLAUSIBLE_BOUND } from './values.js';
import { formatCount, metricName, plural } from '../format.js';
import type { IngestPlan } from './plan.js';
import type { FileShape } from './sniff.js';

/** What was wrong with the file, counted; `warnings` say what matters in plain sentences. */
export interface QualityReport {
  /** Data lines under the header, before anything was dropped. */
  readonly rowsRead: number;
  readonly rowsKept: number;
  readonly preambleLines: number;
  readonly dropped: { readonly totals: number; readonly blank: number; readonly noMeasures: number };
  /** Kept rows identical to an earlier one in every mapped field (likely double-counted). */
  readonly duplicates: number;
  readonly negativeValues: Partial<Record<Measure, number>>;
  /** The sum of those negative values, per measure (absent from reports stored before). */
  readonly negativeSums?: Partial<Record<Measure, number>>;
  readonly clicksOverImpressions: number;
  readonly conversionsOverClicks: number;
  /** Values that could not be read as numbers and count as empty, implausible ones included. */
  readonly unparseableValues: number;
  /** Values beyond their measure's plausible bound, per measure (absent from reports stored before). */
  readonly implausibleValues?: Partial<Record<Measure, number>>;
  readonly rowsWithoutDate: number;
  /** Share of kept rows with no value, per mapped field (0–1). */
  readonly nullRate: Partial<Record<Field, number>>;
  readonly dateFormat: string | null;
  readonly ambiguousDates: boolean;
  /** Measures of which one kept row holds about half the file's sum: a totals line may have been kept. */
  readonly suspectedTotals: Measure[];
  readonly warnings: string[];
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

function hasColumn(plan: IngestPlan, field: Field): boolean {
  return plan.mapping.some((column) => column.field === field);
}

function mappedFields(plan: IngestPlan): { mapped: Field[]; mappedMeasures: Measure[] } {
  const mapped = [...new Set(plan.mapping.map((column) => column.field))];
  return { mapped, mappedMeasures: MEASURES.filter((measure) => mapped.includes(measure)) };
}

/**
 * The data rows whose duplicates can be told: every value read. Two rows whose dates could not be read
 * (31/12/2025 and 12/30/2025 in one column) are equal once read, yet they were different days.
 */
function comparable(plan: IngestPlan): string {
  return `coalesce(_unparseable, 0) = 0${mappedFields(plan).mapped.includes('date') ? ' AND date IS NOT NULL' : ''}`;
}

/**
 * The aggregates over data rows: with `kept` (a condition), each counts only
 * the rows that meet it; without, every row the query reads.
 */
function keptAggregates(plan: IngestPlan, kept?: string): string[] {
  const { mappedMeasures } = mappedFields(plan);
  const countIf = (condition: string) => `count_if(${kept ? `${kept} AND ` : ''}${condition})`;
  const filter = kept ? ` FILTER (WHERE ${kept})` : '';
  const negatives = mappedMeasures.flatMap((measure) => [
    `${countIf(`${ident(measure)} < 0`)} AS ${ident(`neg_${measure}`)}`,
    `sum(${ident(measure)}) FILTER (WHERE ${kept ? `${kept} AND ` : ''}${ident(measure)} < 0) AS ${ident(`negsum_${measure}`)}`,
  ]);
  // For the last guard against a totals line that was kept: one line holding half of a measure.
  const halves = mappedMeasures.flatMap((measure) => [
    `sum(${ident(measure)})${filter} AS ${ident(`sum_${measure}`)}`,
    `max(${ident(measure)})${filter} AS ${ident(`max_${measure}`)}`,
  ]);
  // Fields the file does not store are NULL by construction; only stored ones are counted.
  const present = storedFields(plan).map((field) => `count(${ident(field)})${filter} AS ${ident(`n_${field}`)}`);
  return [
    `${countIf('clicks > impressions')} AS clicks_over_impressions`,
    `${countIf('conversions > clicks')} AS conversions_over_clicks`,
    `strftime(min("date")${filter}, '%Y-%m-%d') AS date_from`,
    `strftime(max("date")${filter}, '%Y-%m-%d') AS date_to`,
    ...(hasColumn(plan, 'currency') ? [`list(DISTINCT currency)${filter} AS currencies`] : []),
    ...(hasColumn(plan, 'platform')
      ? [`list(DISTINCT platform) FILTER (WHERE ${kept ? `${kept} AND ` : ''}platform IS NOT NULL) AS platforms`]
      : []),
    ...negatives,
    ...halves,
    ...present,
  ];
}

/** Per mapped measure, the lines (meeting `where`, if given) whose value was beyond its plausible bound. */
function implausibleCounts(plan: IngestPlan, where?: string): string[] {
  const counts = mappedFields(plan).mappedMeasures.map(
    (measure) =>
      `count_if((_implausible & ${implausibleBit(measure)}) <> 0${where ? ` AND (${where})` : ''}) AS ${ident(`implausible_${measure}`)}`,
  );
  return counts.length > 0 ? counts : ['0 AS no_implausible'];
}

/**
 * One scan of a unified relation (every line, with `_drop`, `_unparseable`
 * and `_rowhash`): the quality counts of the file and the profile of its data
 * rows, as one row that `readQuality` turns into a report.
 */
export function qualitySql(relation: string, plan: IngestPlan): string {
  const kept = `_drop IS NULL`;
  return `SELECT count(*) AS n,
      count_if(${kept}) AS kept,
      count_if(_drop = 'total') AS totals,
      count_if(_drop = 'blank') AS blank,
      count_if(_drop = 'no_measures') AS no_measures,
      coalesce(sum(_unparseable) FILTER (WHERE ${kept} OR _drop = 'no_measures'), 0) AS unparseable,
      count_if(${kept} AND ${comparable(plan)}) AS comparable,
      count(DISTINCT _rowhash) FILTER (WHERE ${kept} AND ${comparable(plan)}) AS distinct_rows,
      ${implausibleCounts(plan, `${kept} OR _drop = 'no_measures'`).join(', ')},
      ${keptAggregates(plan, kept).join(', ')}
    FROM ${relation}`;
}

/** The quality report and profile from the row of `qualitySql`. */
export function readQuality(
  row: Readonly<Record<string, unknown>>,
  shape: FileShape,
  plan: IngestPlan,
): { quality: QualityReport; profile: Profile } {
  const { mapped, mappedMeasures } = mappedFields(plan);
  const num = (name: string) => Number(row[name] ?? 0);
  const rowsKept = num('kept');
  const negativeValues: Partial<Record<Measure, number>> = {};
  const negativeSums: Partial<Record<Measure, number>> = {};
  for (const measure of mappedMeasures) {
    if (num(`neg_${measure}`) === 0) continue;
    negativeValues[measure] = num(`neg_${measure}`);
    negativeSums[measure] = num(`negsum_${measure}`);
  }
  const implausibleValues: Partial<Record<Measure, number>> = {};
  for (const measure of mappedMeasures)
    if (num(`implausible_${measure}`) > 0) implausibleValues[measure] = num(`implausible_${measure}`);
  const nullRate: Partial<Record<Field, number>> = {};
  for (const field of mapped) nullRate[field] = rowsKept === 0 ? 1 : round((rowsKept - num(`n_${field}`)) / rowsKept);
  // A currency or platform the file states once (or not at all) is the same on every row: the plan knows it.
  const constantCurrency = plan.currency.kind === 'constant' ? plan.currency.code : null;
  const currencies = hasColumn(plan, 'currency')
    ? ((row.currencies as (string | null)[] | null) ?? []).slice().sort()
    : rowsKept > 0
      ? [constantCurrency]
      : [];
  const platforms = hasColumn(plan, 'platform')
    ? ((row.platforms as string[] | null) ?? []).slice().sort()
    : rowsKept > 0
      ? [plan.platform.platform]
      : [];

  const report = {
    rowsRead: num('n'),
    rowsKept,
    preambleLines: shape.skipLines,
    dropped: { totals: num('totals'), blank: num('blank'), noMeasures: num('no_measures') },
    duplicates: num('comparable') - num('distinct_rows'),
    negativeValues,
    negativeSums,
    clicksOverImpressions: num('clicks_over_impressions'),
    conversionsOverClicks: num('conversions_over_clicks'),
    unparseableValues: num('unparseable'),
    implausibleValues,
    rowsWithoutDate: mapped.includes('date') ? rowsKept - num('n_date') : 0,
    nullRate,
    dateFormat: plan.date
      ? plan.date.format.kind === 'pattern'
        ? plan.date.format.label
        : plan.date.format.kind === 'iso'
          ? 'YYYY-MM-DD'
          : 'Excel serial'
      : null,
    ambiguousDates: plan.date?.ambiguous ?? false,
    suspectedTotals: mappedMeasures.filter((measure) =>
      holdsHalf(num(`sum_${measure}`), num(`max_${measure}`), num(`n_${measure}`)),
    ),
  };
  return {
    quality: { ...report, warnings: [...warningsOf(report, plan), ...currencyWarnings(plan, currencies)] },
    // The same n_* counts and date bounds as a profile query; rows are the kept ones, not all read.
    profile: { ...readProfile(row), rows: rowsKept, currencies, platforms },
  };
}

/** Whether one row holds about half of a positive sum, with at least two other rows (with a value) to make up the rest. */
function holdsHalf(sum: number, max: number, rows: number): boolean {
  return rows >= 3 && max > 0 && Math.abs(sum - 2 * max) <= 0.005 * sum;
}

/** A currency given at upload that the file's currency column contradicts: the column is used, and the user told. */
function currencyWarnings(plan: IngestPlan, currencies: readonly (string | null)[]): string[] {
  if (!plan.userCurrency || plan.currency.kind !== 'column') return [];
  const others = currencies.filter((code): code is string => code !== null && code !== plan.userCurrency);
  if (others.length === 0) return [];
  return [
    `The currency given at upload (${plan.userCurrency}) contradicts the file's currency column (${others.join(', ')}); the column's currencies are used.`,
  ];
}

function warningsOf(report: Omit<QualityReport, 'warnings'>, plan: IngestPlan): string[] {
  const warnings: string[] = [];
  const share = (count: number) =>
    report.rowsKept === 0 ? '' : ` (${((count / report.rowsKept) * 100).toFixed(1)}% of rows)`;
  if (report.rowsKept === 0)
    warnings.push('No data rows remain after removing totals, blank lines and report metadata.');
  if (report.duplicates > 0)
    warnings.push(
      `${report.duplicates} duplicate rows${share(report.duplicates)}: they are counted twice unless removed at the source.`,
    );
  for (const [measure, count] of Object.entries(report.negativeValues))
    warnings.push(`${count} rows have a negative ${measure}.`);
  if (report.clicksOverImpressions > 0)
    warnings.push(`${report.clicksOverImpressions} rows have more clicks than impressions.`);
  if (report.conversionsOverClicks > 0)
    warnings.push(
      `${report.conversionsOverClicks} rows have more conversions than clicks (view-through conversions, or a tracking problem).`,
    );
  const implausible = Object.entries(report.implausibleValues ?? {}) as [Measure, number][];
  const unreadable = report.unparseableValues - implausible.reduce((total, [, count]) => total + count, 0);
  if (unreadable > 0) warnings.push(`${unreadable} values could not be read as numbers and count as empty.`);
  for (const [measure, count] of implausible) {
    const columns = plan.mapping.filter((column) => column.field === measure).map((column) => `"${column.source}"`);
    warnings.push(
      `${plural(count, 'value')} of ${metricName(measure)} (column ${columns.join(', ')}) ${count === 1 ? 'is' : 'are'} beyond ${formatCount(PLAUSIBLE_BOUND[measure])}, too large to be real, and ${count === 1 ? 'counts' : 'count'} as empty.`,
    );
  }
  if (report.rowsWithoutDate > 0)
    warnings.push(
      `${report.rowsWithoutDate} rows have no readable date${share(report.rowsWithoutDate)}; they are in totals but not in time series.`,
    );
  if (report.ambiguousDates)
    warnings.push(`Day and month could not be told apart in the dates; they were read as ${report.dateFormat}.`);
  if (
    plan.currency.kind === 'unknown' &&
    plan.mapping.some((column) => column.field === 'spend' || column.field === 'revenue')
  ) {
    warnings.push('The currency is not stated in the file; money is reported without a currency.');
  }
  if (plan.platform.platform === 'Unknown' && plan.platform.source !== 'column') {
    warnings.push('The platform could not be recognised; name it to label the data.');
  }
  const derived = plan.unmapped.filter((column) => column.reason === 'derived').map((column) => column.source);
  if (derived.length > 0)
    warnings.push(`Rates in the file (${derived.join(', ')}) were not used: KPIs are recomputed from the measures.`);
  if (report.suspectedTotals.length > 0) {
    warnings.push(
      `One row holds about half of the file's ${report.suspectedTotals.join(', ')}: it may be a totals line kept as data, which would double the figures. Check the file, or remove that row.`,
    );
  }
  warnings.push(...plan.notes);
  return warnings;
}

/**
 * The quality report and profile of a materialised unified relation (as
 * `qualitySql` reads it) in three cheap scans instead of one costly one:
 * lines by why they were dropped; the data rows' aggregates under a WHERE, not
 * a FILTER on each of some thirty; and duplicates as equal neighbours in hash
 * order, which costs about half of `count(DISTINCT)`'s hash table.
 */
export async function summariseRelation(
  connection: DuckConnection,
  relation: string,
  shape: FileShape,
  plan: IngestPlan,
): Promise<{ quality: QualityReport; profile: Profile }> {
  const lines = await connection.rows(
    `SELECT _drop, count(*) AS n, count_if(${comparable(plan)}) AS comparable, coalesce(sum(_unparseable), 0) AS unparseable, ${implausibleCounts(plan).join(', ')} FROM ${relation} GROUP BY _drop`,
  );
  const [data = {}] = await connection.rows(
    `SELECT ${keptAggregates(plan).join(', ')} FROM ${relation} WHERE _drop IS NULL`,
  );
  const [repeats] = await connection.rows(
    `SELECT count(*) AS n FROM (SELECT _rowhash = lag(_rowhash) OVER (ORDER BY _rowhash) AS repeated FROM ${relation} WHERE _drop IS NULL AND ${comparable(plan)}) WHERE repeated`,
  );
  const count = (drop: string | null, column: string) =>
    Number(lines.find((line) => line._drop === drop)?.[column] ?? 0);
  const kept = count(null, 'n');
  // Like unparseable values, implausible ones are counted on data lines and on lines they left without measures.
  const implausible = Object.fromEntries(
    mappedFields(plan).mappedMeasures.map((measure) => {
      const name = `implausible_${measure}`;
      return [name, count(null, name) + count('no_measures', name)];
    }),
  );
  const row = {
    ...data,
    ...implausible,
    n: lines.reduce((total, line) => total + Number(line.n), 0),
    kept,
    totals: count('total', 'n'),
    blank: count('blank', 'n'),
    no_measures: count('no_measures', 'n'),
    unparseable: count(null, 'unparseable') + count('no_measures', 'unparseable'),
    comparable: count(null, 'comparable'),
    distinct_rows: count(null, 'comparable') - Number(repeats?.n ?? 0),
  };
  return readQuality(row, shape, plan);
}
