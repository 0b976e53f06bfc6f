/**
 * How values are written in a file, decided once for the whole file from a
 * sample, and the SQL that parses them. Deciding per file (not per row) is
 * what makes 03/04/2025 mean the same day on every line.
 */
import { MEASURES, type Measure } from '../schema.js';

export type DecimalMark = '.' | ',';

export type DateFormat =
  | { readonly kind: 'iso' }
  | { readonly kind: 'pattern'; readonly patterns: readonly string[]; readonly label: string }
  | { readonly kind: 'excel-serial' };

export interface DateDecision {
  readonly format: DateFormat;
  /** Whether values may be date ranges ("2025-11-01 - 2025-11-07"): the start is kept. */
  readonly ranges: boolean;
  /** Day and month could not be told apart from the data; the choice is stated in the quality report. */
  readonly ambiguous: boolean;
}

const NULL_MARKERS = ['', '-', '--', '—', 'n/a', 'na', 'null', 'none', '(not set)', 'nan'];

export function isNullMarker(value: string): boolean {
  return NULL_MARKERS.includes(value.trim().toLowerCase());
}

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/** A number as a typed CSV reader would accept it (no separators, symbols or signs in parentheses). */
export function isPlainNumber(value: string): boolean {
  return value.trim() === '' || PLAIN_NUMBER.test(value.trim());
}

/** Decimal comma when the file writes "1.234,56" or "12,5" and never "1,234.56". */
export function decideDecimalMark(values: readonly string[]): DecimalMark {
  let comma = 0;
  let point = 0;
  for (const raw of values) {
    const value = raw.replace(/[^\d.,]/g, '');
    // "10.000" and "10,000" say nothing alone: thousands in one convention, decimals in the other.
    if (/^\d{1,3}(\.\d{3})+$/.test(value) || /^\d{1,3}(,\d{3})+$/.test(value)) continue;
    if (/^\d{1,3}(\.\d{3})+(,\d+)?$/.test(value) || /^\d+,\d{1,2}$/.test(value) || /^\d+,\d{4,}$/.test(value)) comma++;
    else if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(value) || /^\d+\.\d+$/.test(value)) point++;
  }
  return comma > 0 && point === 0 ? ',' : '.';
}

const ISO = /^\d{4}-\d{2}-\d{2}([T ].*)?$/;
const SLASHED = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/;
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;
const YMD_SLASHED = /^\d{4}\/\d{1,2}\/\d{1,2}$/;
const MONTH_NAME = /^[A-Za-z]{3,9}\.? \d{1,2},? \d{4}$/;
const DAY_MONTH_NAME = /^\d{1,2} [A-Za-z]{3,9}\.? \d{4}$/;
const SERIAL = /^\d{5}(\.\d+)?$/;
const RANGE = /^(.+?)\s+[-–]\s+(.+)$/;

function rangeStart(value: string): string {
  const match = RANGE.exec(value.trim());
  return match ? match[1]!.trim() : value.trim();
}

/**
 * Picks one date format for the file. Slashed dates are day-first when any
 * first part exceeds 12, month-first when any second part does, and otherwise
 * follow the file's locale hint (decimal comma or semicolons: day-first).
 */
export function decideDateFormat(rawValues: readonly string[], europeanHint: boolean): DateDecision | undefined {
  const ranges = rawValues.some((value) => RANGE.test(value.trim()) && !ISO.test(value.trim()));
  const values = rawValues.map(rangeStart).filter((value) => !isNullMarker(value));
  if (values.length === 0) return undefined;
  const share = (pattern: RegExp) => values.filter((value) => pattern.test(value)).length / values.length;
  if (share(ISO) >= 0.9) return { format: { kind: 'iso' }, ranges, ambiguous: false };
  if (share(SLASHED) >= 0.9) {
    let dayFirst = false;
    let monthFirst = false;
    for (const value of values) {
      const match = SLASHED.exec(value);
      if (!match) continue;
      if (Number(match[1]) > 12) dayFirst = true;
      if (Number(match[2]) > 12) monthFirst = true;
    }
    const ambiguous = dayFirst === monthFirst;
    const useDayFirst = dayFirst && !monthFirst ? true : monthFirst && !dayFirst ? false : europeanHint;
    const year = values.some((value) => /\/\d{2}$/.test(value)) ? '%y' : '%Y';
    return {
      format: useDayFirst
        ? { kind: 'pattern', patterns: [`%d/%m/${year}`], label: `DD/MM/${year === '%y' ? 'YY' : 'YYYY'}` }
        : { kind: 'pattern', patterns: [`%m/%d/${year}`], label: `MM/DD/${year === '%y' ? 'YY' : 'YYYY'}` },
      ranges,
      ambiguous,
    };
  }
  if (share(DOTTED) >= 0.9)
    return { format: { kind: 'pattern', patterns: ['%d.%m.%Y'], label: 'DD.MM.YYYY' }, ranges, ambiguous: false };
  if (share(YMD_SLASHED) >= 0.9)
    return { format: { kind: 'pattern', patterns: ['%Y/%m/%d'], label: 'YYYY/MM/DD' }, ranges, ambiguous: false };
  if (share(MONTH_NAME) >= 0.9) {
    return {
      format: {
        kind: 'pattern',
        patterns: ['%b %d, %Y', '%B %d, %Y', '%b %d %Y', '%B %d %Y', '%b. %d, %Y'],
        label: 'Mon D, YYYY',
      },
      ranges,
      ambiguous: false,
    };
  }
  if (share(DAY_MONTH_NAME) >= 0.9) {
    return {
      format: { kind: 'pattern', patterns: ['%d %b %Y', '%d %B %Y'], label: 'D Mon YYYY' },
      ranges,
      ambiguous: false,
    };
  }
  if (share(SERIAL) >= 0.9 && values.every((value) => Number(value) > 20_000 && Number(value) < 80_000)) {
    return { format: { kind: 'excel-serial' }, ranges, ambiguous: false };
  }
  return undefined;
}

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Whether a text expression is one of the values. Not `IN (...)`: DuckDB
 * turns a list of five or more constants into a join, and a join hands the
 * file's chunks on out of order, so an upload's rows lost their file order.
 */
export function oneOfSql(expression: string, values: readonly string[]): string {
  if (values.length === 0) return 'false';
  return `list_contains([${values.map(sqlString).join(', ')}], ${expression})`;
}

/** Markers that mean "no value" in a number column; "NaN" is not one of them: it is a value that could not be read. */
export const NUMBER_NULL_MARKERS = NULL_MARKERS.filter((marker) => marker !== 'nan');

/**
 * The largest count one row of an export can plausibly hold. A trillion
 * impressions (or clicks, views...) in one campaign-day is beyond any
 * platform's whole traffic; a larger figure is a broken cell (an ID pasted
 * into the column, digits run together) and would swamp every total.
 */
export const MAX_PLAUSIBLE_COUNT = 1e12;
/**
 * The largest amount of money one row can plausibly hold, in its own
 * currency: higher than the count bound because in the weakest currencies
 * (the Iranian rial, the Vietnamese dong) 1e13 is still only some hundreds of
 * millions of dollars.
 */
export const MAX_PLAUSIBLE_MONEY = 1e13;

/** The plausible bound of each measure (in absolute value: refunds may be negative). */
export const PLAUSIBLE_BOUND: Readonly<Record<Measure, number>> = Object.fromEntries(
  MEASURES.map((measure) => [
    measure,
    measure === 'spend' || measure === 'revenue' ? MAX_PLAUSIBLE_MONEY : MAX_PLAUSIBLE_COUNT,
  ]),
) as Record<Measure, number>;

/**
 * A DOUBLE column of a measure with what cannot be a value made NULL: NaN,
 * ±Infinity (overflow such as 1e309) and magnitudes beyond the measure's
 * plausible bound. Such values are unreadable, never summed. One comparison
 * does it all (NaN compares above every number in DuckDB). Apply it to a
 * column, not to a parsing expression: the column is named twice.
 */
export function plausibleSql(column: string, measure: Measure): string {
  return `(CASE WHEN abs(${column}) <= ${PLAUSIBLE_BOUND[measure]} THEN ${column} END)`;
}

/** 1 when a column holds a finite value beyond its measure's bound, else 0 (NaN and ±Infinity are counted as unreadable already). */
export function implausibleSql(column: string, measure: Measure): string {
  return `(CASE WHEN isfinite(${column}) AND abs(${column}) > ${PLAUSIBLE_BOUND[measure]} THEN 1 ELSE 0 END)`;
}

/** SQL that reads a text column as a number as platforms write it: separators, symbols, %, (negatives); may give NaN or ±Infinity (see `plausibleSql`). */
export function numberSql(column: string, mark: DecimalMark): string {
  const t = `trim(${column})`;
  // A plain number is cast directly; with a decimal comma only integers are plain ("10.000" is ten thousand).
  const plain = mark === '.' ? '-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?' : '-?[0-9]+';
  const digits =
    mark === '.'
      ? `regexp_replace(${t}, '[^0-9.]', '', 'g')`
      : `replace(regexp_replace(${t}, '[^0-9,]', '', 'g'), ',', '.')`;
  return `(CASE
    WHEN ${column} IS NULL OR ${oneOfSql(`lower(${t})`, NUMBER_NULL_MARKERS)} THEN NULL
    WHEN regexp_full_match(${t}, '${plain}') THEN TRY_CAST(${t} AS DOUBLE)
    ELSE (CASE WHEN regexp_full_match(${t}, '\\(.*\\)') OR contains(${t}, '-') THEN -1 ELSE 1 END)
      * TRY_CAST(NULLIF(${digits}, '') AS DOUBLE)
  END)`;
}

/** SQL that reads a text column as a DATE in the file's one format. */
export function dateSql(column: string, decision: DateDecision): string {
  const value = decision.ranges ? `trim(regexp_replace(trim(${column}), '\\s+[-–]\\s+.*$', ''))` : `trim(${column})`;
  switch (decision.format.kind) {
    case 'iso':
      return `TRY_CAST(left(${value}, 10) AS DATE)`;
    case 'excel-serial':
      return `(DATE '1899-12-30' + TRY_CAST(floor(TRY_CAST(${value} AS DOUBLE)) AS INTEGER))`;
    case 'pattern':
      return `CAST(try_strptime(${value}, [${decision.format.patterns.map(sqlString).join(', ')}]) AS DATE)`;
  }
}

/** Is a value unusable as a number (not empty, not a null marker, yet not parseable)? Mirrors numberSql for the sample. */
export function textSql(column: string): string {
  return `NULLIF(trim(${column}), '')`;
}
