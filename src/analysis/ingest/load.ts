import { AppError } from '../../errors.js';
import { DIMENSIONS, MEASURES, PLATFORMS, type Dimension, type Field, type Measure } from '../schema.js';
import { canonicalPlatform, PLATFORM_SPELLINGS } from './detect-platform.js';
import type { IngestPlan } from './plan.js';
import { MAX_LINE_BYTES, type FileShape } from './sniff.js';
import {
  dateSql,
  implausibleSql,
  NUMBER_NULL_MARKERS,
  numberSql,
  oneOfSql,
  plausibleSql,
  sqlString,
  textSql,
} from './values.js';

/** Why a row of the file is not campaign data. */
export type DropKind = 'total' | 'blank' | 'no_measures';

/** Column names of the unified table, in order: dimensions, measures, then bookkeeping. */
export const UNIFIED_COLUMNS: readonly string[] = [...DIMENSIONS, ...MEASURES];

const sourceColumn = (index: number) => `c${index}`;

/** DuckDB's CSV buffer, whatever the file's size: a buffer of this many bytes is what a large file's parallel read uses. */
const DEFAULT_CSV_BUFFER = 32_000_000;
/** DuckDB counts the line break and refuses a line that reaches the size: +2 admits a line of the limit ending in \r\n. */
const MAX_LINE_SIZE = MAX_LINE_BYTES + 2;
/** DuckDB refuses a buffer no larger than the line limit; a few of the longest lines fit in the smallest one used. */
const SMALLEST_BUFFER = 4 * MAX_LINE_SIZE;

/**
 * A buffer that holds a small file whole instead of DuckDB's default: a
 * 20-row upload took 32 MB of the engine's memory (refused outright under a
 * small memory limit, and kept by its allocator afterwards). Twice the size
 * leaves room for UTF-16 decoded to UTF-8 (at most 1.5 times as long).
 * Larger files keep the default, so their read is unchanged.
 */
function bufferOption(sizeBytes: number): string[] {
  const whole = Math.max(2 * sizeBytes + 1, SMALLEST_BUFFER);
  return whole < DEFAULT_CSV_BUFFER ? [`buffer_size=${whole}`] : [];
}

/** `read_csv` over the file with the sniffed dialect; every column read as text unless the fast path applies. */
function readCsvSql(file: string, shape: FileShape, plan: IngestPlan, typed: boolean): string {
  if (shape.encoding === 'utf-16be') {
    throw new AppError(
      'unprocessable',
      'UTF-16 big-endian files are not supported; save the export as UTF-8 or UTF-16 (Excel "Unicode text").',
    );
  }
  const types = shape.header.map((_, index) => {
    const mapped = plan.mapping.find((column) => column.index === index);
    let type = 'VARCHAR';
    if (typed && mapped?.field === 'date') type = 'DATE';
    else if (typed && mapped && (MEASURES as readonly string[]).includes(mapped.field)) type = 'DOUBLE';
    return `${sqlString(sourceColumn(index))}: ${sqlString(type)}`;
  });
  const options = [
    `delim=${sqlString(shape.delimiter)}`,
    `quote='"'`,
    `escape='"'`,
    'header=true',
    `skip=${shape.skipLines}`,
    `encoding=${sqlString(shape.encoding === 'utf-8' ? 'utf-8' : 'utf-16')}`,
    `columns={${types.join(', ')}}`,
    'auto_detect=false',
    `max_line_size=${MAX_LINE_SIZE}`,
    ...bufferOption(shape.sizeBytes),
    ...(shape.raggedTail ? ['null_padding=true', 'strict_mode=false'] : []),
  ];
  return `read_csv(${sqlString(file)}, ${options.join(', ')})`;
}

/** Canonical names for the ways files write a platform ("facebook", "Bing Ads"); exact matches, no per-row regex. */
function platformSql(column: string): string {
  const spellings = PLATFORM_SPELLINGS;
  const names = new Map<string, string>(
    spellings.map((spelling) => [spelling, canonicalPlatform(spelling) ?? spelling]),
  );
  for (const platform of PLATFORMS) names.set(platform.toLowerCase(), platform);
  const whens = [...names]
    .map(([spelling, canonical]) => `WHEN ${sqlString(spelling)} THEN ${sqlString(canonical)}`)
    .join(' ');
  // Most files already spell the platform canonically: an exact match spares each row lower(), trim() and the long CASE.
  return `(CASE WHEN ${oneOfSql(column, PLATFORMS)} THEN ${column} ELSE (CASE lower(trim(${column})) ${whens} ELSE NULLIF(trim(${column}), '') END) END)`;
}

function dimensionSql(dimension: Dimension, plan: IngestPlan, typed: boolean): string {
  const column = plan.mapping.find((candidate) => candidate.field === dimension);
  if (dimension === 'platform' && !column) return sqlString(plan.platform.platform);
  if (dimension === 'currency' && !column) {
    return plan.currency.kind === 'constant' ? sqlString(plan.currency.code) : 'CAST(NULL AS VARCHAR)';
  }
  if (!column) return dimension === 'date' ? 'CAST(NULL AS DATE)' : 'CAST(NULL AS VARCHAR)';
  const source = sourceColumn(column.index);
  if (dimension === 'date') {
    if (typed) return source;
    return plan.date ? dateSql(source, plan.date) : 'CAST(NULL AS DATE)';
  }
  if (dimension === 'platform') return platformSql(source);
  if (dimension === 'currency') return `upper(${textSql(source)})`;
  // Trimming costs a pass over every string; the fast path skips it when the sample has no padding.
  return typed && !plan.paddedColumns.includes(column.index) ? source : textSql(source);
}

function measureSql(measure: Measure, plan: IngestPlan, typed: boolean): string {
  const column = plan.mapping.find((candidate) => candidate.field === measure);
  if (!column) return 'CAST(NULL AS DOUBLE)';
  const source = sourceColumn(column.index);
  return typed ? source : numberSql(source, plan.decimalMark);
}

/**
 * A total line: "Total", "Total: Account", "Grand Total:", never "Total Recall".
 * A cheap prefix test guards the regular expression, which runs only on candidates.
 */
function totalRowSql(plan: IngestPlan, shape: FileShape, typed: boolean, raw: (index: number) => string): string {
  // Platforms put the label of a total line in the first column, or in the campaign column.
  const candidates = new Set<number>([0]);
  const campaign = plan.mapping.find((column) => column.field === 'campaign');
  if (campaign) candidates.add(campaign.index);
  const tests = [...candidates]
    .filter((index) => index < shape.header.length && !(typed && isTypedColumn(plan, index)))
    .map((index) => {
      const column = raw(index);
      const prefixes = ['Total', 'total', 'TOTAL', 'Grand', 'grand', 'GRAND']
        .map((prefix) => `${column} LIKE '${prefix}%'`)
        .join(' OR ');
      return `(CASE WHEN ${prefixes} THEN regexp_full_match(lower(trim(${column})), '(grand )?totals?\\s*(:.*)?') ELSE false END)`;
    });
  return tests.length > 0 ? `(${tests.join(' OR ')})` : 'false';
}

function isTypedColumn(plan: IngestPlan, index: number): boolean {
  const mapped = plan.mapping.find((column) => column.index === index);
  return mapped !== undefined && (mapped.field === 'date' || (MEASURES as readonly string[]).includes(mapped.field));
}

/** Every cell of the line empty (the reader gives NULL for an empty field); `raw` names the source columns. */
function blankRowSql(shape: FileShape, plan: IngestPlan, typed: boolean, raw: (index: number) => string): string {
  const groups = new Map<string, string[]>();
  shape.header.forEach((_, index) => {
    const mapped = plan.mapping.find((column) => column.index === index);
    const type = !typed || !isTypedColumn(plan, index) ? 'text' : mapped?.field === 'date' ? 'date' : 'number';
    groups.set(type, [...(groups.get(type) ?? []), raw(index)]);
  });
  return `(${[...groups.values()].map((columns) => `coalesce(${columns.join(', ')}) IS NULL`).join(' AND ')})`;
}

/**
 * How many of a line's measure values could not be read: text that is no
 * number (in text mode), NaN, or ±Infinity and overflow such as 1e309 (both
 * modes, since the typed reader accepts them). Each became NULL.
 */
function unparseableSql(plan: IngestPlan, typed: boolean): string {
  const parts = plan.mapping
    .filter((column) => (MEASURES as readonly string[]).includes(column.field))
    .map((column) => {
      const source = sourceColumn(column.index);
      if (typed) return `(CASE WHEN ${source} IS NOT NULL AND NOT isfinite(${source}) THEN 1 ELSE 0 END)`;
      return `(CASE WHEN ${source} IS NOT NULL AND coalesce(NOT isfinite(${measureSql(column.field as Measure, plan, false)}), true) AND NOT ${oneOfSql(`lower(trim(${source}))`, NUMBER_NULL_MARKERS)} THEN 1 ELSE 0 END)`;
    });
  return parts.length > 0 ? parts.join(' + ') : '0';
}

/** The source columns of the dimensions the file maps (not constants such as a detected platform). */
function dimensionColumns(plan: IngestPlan): number[] {
  return plan.mapping
    .filter((column) => !(MEASURES as readonly string[]).includes(column.field))
    .map((column) => column.index);
}

/** A line with a value in no dimension column (false when the file maps no dimension: then no line has one). */
function dimensionlessSql(plan: IngestPlan, typed: boolean, raw: (index: number) => string): string {
  const columns = dimensionColumns(plan);
  if (columns.length === 0) return 'false';
  const groups = new Map<string, string[]>();
  for (const index of columns) {
    const type = typed && isTypedColumn(plan, index) ? 'date' : 'text';
    // The reader gives NULL for an empty field.
    groups.set(type, [...(groups.get(type) ?? []), raw(index)]);
  }
  return `(${[...groups.values()].map((group) => `coalesce(${group.join(', ')}) IS NULL`).join(' AND ')})`;
}

/**
 * The unlabelled lines that end the file: of the header's width, with no
 * dimension value but some measure, after the last line that has a dimension
 * value (DV360 ends its data with the column sums so). Read from the sniffed tail.
 */
export function trailingTotals(shape: FileShape, plan: IngestPlan): string[][] {
  const dimensions = dimensionColumns(plan);
  if (dimensions.length === 0) return [];
  const measures = plan.mapping
    .filter((column) => (MEASURES as readonly string[]).includes(column.field))
    .map((column) => column.index);
  const found: string[][] = [];
  for (const record of [...shape.tailRecords].reverse()) {
    if (record.length !== shape.header.length) continue;
    const blank = (index: number) => (record[index] ?? '').trim() === '';
    if (!dimensions.every(blank)) break;
    if (measures.some((index) => !blank(index))) found.push(record);
  }
  return found;
}

/** Whether a line's measure cells are those of one of the trailing totals. */
function trailingTotalSql(shape: FileShape, plan: IngestPlan, typed: boolean, raw: (index: number) => string): string {
  const measures = plan.mapping
    .filter((column) => (MEASURES as readonly string[]).includes(column.field))
    .map((column) => column.index);
  const records = trailingTotals(shape, plan);
  if (records.length === 0) return 'false';
  const matches = records.map((record) =>
    measures
      .map((index) => {
        const cell = (record[index] ?? '').trim();
        if (typed)
          return cell === '' ? `${raw(index)} IS NULL` : `${raw(index)} = TRY_CAST(${sqlString(cell)} AS DOUBLE)`;
        return `coalesce(trim(${raw(index)}), '') = ${sqlString(cell)}`;
      })
      .join(' AND '),
  );
  return `(${matches.map((match) => `(${match})`).join(' OR ')})`;
}

/** The unified fields a file actually stores: what it maps, plus platform and currency (possibly constants). */
export function storedFields(plan: IngestPlan): Field[] {
  const mapped = new Set<Field>(plan.mapping.map((column) => column.field));
  mapped.add('platform');
  if (plan.currency.kind !== 'unknown') mapped.add('currency');
  return [...DIMENSIONS, ...MEASURES].filter((field) => mapped.has(field));
}

/** The bit of a measure in `_implausible`, the mask of a line's measures whose value was beyond its plausible bound. */
export function implausibleBit(measure: Measure): number {
  return 1 << MEASURES.indexOf(measure);
}

/**
 * The file as rows of its stored unified fields plus `_drop` (why a line is
 * not data, or NULL), `_unparseable` (values that could not be read as
 * numbers, implausible ones included) and `_implausible` (which measures held
 * a value beyond their plausible bound, as bits). A query over the file; ingest
 * materialises it once. The tests that classify a line run only where they can
 * matter (a CASE is evaluated lazily), since every extra column costs a pass.
 */
export function unifiedRelationSql(file: string, shape: FileShape, plan: IngestPlan, typed: boolean): string {
  const fields = storedFields(plan);
  const columns = fields.map((field) =>
    (MEASURES as readonly string[]).includes(field)
      ? `${measureSql(field as Measure, plan, typed)} AS ${field}`
      : `${dimensionSql(field as Dimension, plan, typed)} AS ${field}`,
  );
  const raw = (index: number) => `_raw${index}`;
  const rawColumns = shape.header.map((_, index) => `${sourceColumn(index)} AS ${raw(index)}`);
  const inner = `SELECT ${[...columns, ...rawColumns, `${unparseableSql(plan, typed)} AS _unparseable`].join(', ')} FROM ${readCsvSql(file, shape, plan, typed)}`;
  // Measures are read in the inner query and bounded here, on the column: NaN, ±Infinity and
  // implausible magnitudes become NULL, the last also marked in `_implausible` and counted as unreadable.
  const measureFields = fields.filter((field): field is Measure => (MEASURES as readonly string[]).includes(field));
  const measures = measureFields.map((measure) => plausibleSql(measure, measure));
  const outer = fields.map((field) =>
    (MEASURES as readonly string[]).includes(field) ? `${plausibleSql(field, field as Measure)} AS ${field}` : field,
  );
  const implausible =
    measureFields.length > 0
      ? measureFields.map((measure) => `${implausibleBit(measure)} * ${implausibleSql(measure, measure)}`).join(' + ')
      : '0';
  const dimensionless = dimensionlessSql(plan, typed, raw);
  const drop = `CASE WHEN ${totalRowSql(plan, shape, typed, raw)} THEN 'total'
    WHEN ${measures.length > 0 ? `coalesce(${measures.join(', ')}) IS NULL` : 'true'}
      THEN (CASE WHEN ${blankRowSql(shape, plan, typed, raw)} THEN 'blank' ELSE 'no_measures' END)
    WHEN ${dimensionless} AND ${trailingTotalSql(shape, plan, typed, raw)} THEN 'total' END`;
  return `(SELECT ${[...outer, `${drop} AS _drop`, `_unparseable + bit_count(_implausible) AS _unparseable`, '_implausible', `${dimensionless} AS _dimensionless`].join(', ')} FROM (SELECT *, CAST(${implausible} AS INTEGER) AS _implausible FROM (${inner})))`;
}

/** The DuckDB type of a unified column. */
export function unifiedColumnType(field: Field): 'DATE' | 'DOUBLE' | 'VARCHAR' {
  return field === 'date' ? 'DATE' : (MEASURES as readonly string[]).includes(field) ? 'DOUBLE' : 'VARCHAR';
}

/** Every unified column of a stored table, NULL where the file had none. */
function allColumns(stored: readonly Field[]): string {
  return [...DIMENSIONS, ...MEASURES]
    .map((field) => (stored.includes(field) ? field : `CAST(NULL AS ${unifiedColumnType(field)}) AS ${field}`))
    .join(', ');
}

/**
 * An unlabelled line whose every measure is the sum of the lines with
 * dimension values (within rounding) is a totals line wherever it stands.
 * The sums come from one aggregate over the table, joined to every line.
 */
function sumsJoin(table: string, stored: readonly Field[], dimensionless: boolean): { from: string; isTotal: string } {
  const measures = stored.filter((field) => (MEASURES as readonly string[]).includes(field));
  if (measures.length === 0 || !dimensionless) return { from: table, isTotal: 'false' };
  const sums = measures.map((measure) => `sum(${measure}) AS _sum_${measure}`).join(', ');
  const equal = measures
    .map(
      (measure) =>
        `(${measure} IS NULL OR coalesce(abs(${measure} - _sum_${measure}) <= 0.001 * abs(_sum_${measure}) + 0.01, false))`,
    )
    .join(' AND ');
  return {
    from: `${table} CROSS JOIN (SELECT ${sums}, count(*) AS _sum_rows FROM ${table} WHERE _drop IS NULL AND NOT _dimensionless) AS _sums`,
    // Two or more labelled lines, or a single one would "sum" itself; the CASE spares lines with labels the comparison.
    isTotal: `(CASE WHEN _dimensionless THEN _sum_rows >= 2 AND ${equal} ELSE false END)`,
  };
}

/**
 * All lines of a stored table in the full unified schema, with the bookkeeping
 * columns. `dimensionless` false says no data line lacks dimension values, which
 * spares the sums (see `hasDimensionlessLines`).
 */
export function allRowsSql(table: string, stored: readonly Field[], dimensionless = true): string {
  const { from, isTotal } = sumsJoin(table, stored, dimensionless);
  return `(SELECT ${allColumns(stored)}, (CASE WHEN _drop IS NULL AND ${isTotal} THEN 'total' ELSE _drop END) AS _drop, _unparseable, _implausible, hash(${stored.join(', ')}) AS _rowhash FROM ${from})`;
}

/** Only the data rows of a stored table, in the full unified schema (`dimensionless` as for `allRowsSql`). */
export function keptRowsSql(table: string, stored: readonly Field[], dimensionless = true): string {
  const { from, isTotal } = sumsJoin(table, stored, dimensionless);
  return `(SELECT ${allColumns(stored)} FROM ${from} WHERE _drop IS NULL AND NOT ${isTotal})`;
}

/**
 * Whether a stored table has a data line without dimension values, the only
 * kind the sums rule can call a total: most files have none, and asking is one
 * scan of two columns, where the rule costs an aggregate in every statement.
 */
export function hasDimensionlessLinesSql(table: string): string {
  return `SELECT coalesce(bool_or(_dimensionless), false) AS found FROM ${table} WHERE _drop IS NULL`;
}

/** Whether an error from the typed reader means "the file is messier than its sample" (retry as text). */
export function isConversionError(error: unknown): boolean {
  return error instanceof Error && /convert|cast|Could not|Error when|Conversion/i.test(error.message);
}
