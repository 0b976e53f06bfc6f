import { AppError } from '../../errors.js';
import { DIMENSIONS, MEASURES, PLATFORMS, type Dimension, type Field, type Measure } from '../schema.js';
import { canonicalPlatform } from './detect-platform.js';
import type { IngestPlan } from './plan.js';
import type { FileShape } from './sniff.js';
import { dateSql, numberSql, sqlString, textSql } from './values.js';

/** Why a row of the file is not campaign data. */
export type DropKind = 'total' | 'blank' | 'no_measures';

/** Column names of the unified table, in order: dimensions, measures, then bookkeeping. */
export const UNIFIED_COLUMNS: readonly string[] = [...DIMENSIONS, ...MEASURES];

const sourceColumn = (index: number) => `c${index}`;

/** `read_csv` over the file with the sniffed dialect; every column read as text unless the fast path applies. */
function readCsvSql(file: string, shape: FileShape, plan: IngestPlan, typed: boolean): string {
  if (shape.encoding === 'utf-16be') {
    throw new AppError('unprocessable', 'UTF-16 big-endian files are not supported; save the export as UTF-8 or UTF-16 (Excel "Unicode text").');
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
    ...(shape.raggedTail ? ['null_padding=true', 'strict_mode=false'] : []),
  ];
  return `read_csv(${sqlString(file)}, ${options.join(', ')})`;
}

/** Canonical names for the ways files write a platform ("facebook", "Bing Ads"); exact matches, no per-row regex. */
function platformSql(column: string): string {
  const spellings = ['meta', 'facebook', 'instagram', 'facebook ads', 'meta ads', 'google', 'google ads', 'adwords', 'microsoft', 'microsoft ads', 'microsoft advertising', 'bing', 'bing ads', 'linkedin', 'linkedin ads', 'tiktok', 'tiktok ads', 'snapchat', 'snap', 'snapchat ads', 'dv360', 'display video 360', 'cm360', 'campaign manager 360', 'campaign manager', 'pinterest', 'pinterest ads'];
  const names = new Map<string, string>(spellings.map((spelling) => [spelling, canonicalPlatform(spelling) ?? spelling]));
  for (const platform of PLATFORMS) names.set(platform.toLowerCase(), platform);
  const whens = [...names].map(([spelling, canonical]) => `WHEN ${sqlString(spelling)} THEN ${sqlString(canonical)}`).join(' ');
  // Most files already spell the platform canonically: an exact match spares each row lower(), trim() and the long CASE.
  const canonical = PLATFORMS.map((platform) => sqlString(platform)).join(', ');
  return `(CASE WHEN ${column} IN (${canonical}) THEN ${column} ELSE (CASE lower(trim(${column})) ${whens} ELSE NULLIF(trim(${column}), '') END) END)`;
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
      const prefixes = ['Total', 'total', 'TOTAL', 'Grand', 'grand', 'GRAND'].map((prefix) => `${column} LIKE '${prefix}%'`).join(' OR ');
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

function unparseableSql(plan: IngestPlan, typed: boolean): string {
  if (typed) return '0';
  const parts = plan.mapping
    .filter((column) => (MEASURES as readonly string[]).includes(column.field))
    .map((column) => {
      const source = sourceColumn(column.index);
      return `(CASE WHEN ${source} IS NOT NULL AND ${measureSql(column.field as Measure, plan, false)} IS NULL AND lower(trim(${source})) NOT IN ('', '-', '--', '—', 'n/a', 'na', 'null', 'none', '(not set)', 'nan') THEN 1 ELSE 0 END)`;
    });
  return parts.length > 0 ? parts.join(' + ') : '0';
}

/** The unified fields a file actually stores: what it maps, plus platform and currency (possibly constants). */
export function storedFields(plan: IngestPlan): Field[] {
  const mapped = new Set<Field>(plan.mapping.map((column) => column.field));
  mapped.add('platform');
  if (plan.currency.kind !== 'unknown') mapped.add('currency');
  return [...DIMENSIONS, ...MEASURES].filter((field) => mapped.has(field));
}

/**
 * The file as rows of its stored unified fields plus `_drop` (why a line is
 * not data, or NULL) and, when values are parsed from text, `_unparseable`
 * (values that could not be read as numbers). A query over the file; ingest
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
  const unparseable = typed ? [] : [`${unparseableSql(plan, typed)} AS _unparseable`];
  const inner = `SELECT ${[...columns, ...rawColumns, ...unparseable].join(', ')} FROM ${readCsvSql(file, shape, plan, typed)}`;
  const measures = fields.filter((field) => (MEASURES as readonly string[]).includes(field));
  const drop = `CASE WHEN ${totalRowSql(plan, shape, typed, raw)} THEN 'total'
    WHEN ${measures.length > 0 ? `coalesce(${measures.join(', ')}) IS NULL` : 'true'}
      THEN (CASE WHEN ${blankRowSql(shape, plan, typed, raw)} THEN 'blank' ELSE 'no_measures' END) END`;
  return `(SELECT ${[...fields, `${drop} AS _drop`, ...(typed ? [] : ['_unparseable'])].join(', ')} FROM (${inner}))`;
}

/** Every unified column of a stored table, NULL where the file had none. */
function allColumns(stored: readonly Field[]): string {
  return [...DIMENSIONS, ...MEASURES]
    .map((field) =>
      stored.includes(field) ? field : `CAST(NULL AS ${field === 'date' ? 'DATE' : (MEASURES as readonly string[]).includes(field) ? 'DOUBLE' : 'VARCHAR'}) AS ${field}`,
    )
    .join(', ');
}

/** All lines of a stored table in the full unified schema, with the bookkeeping columns. */
export function allRowsSql(table: string, stored: readonly Field[], parsedFromText: boolean): string {
  return `(SELECT ${allColumns(stored)}, _drop, ${parsedFromText ? '_unparseable' : '0 AS _unparseable'}, hash(${stored.join(', ')}) AS _rowhash FROM ${table})`;
}

/** Only the data rows of a stored table, in the full unified schema. */
export function keptRowsSql(table: string, stored: readonly Field[]): string {
  return `(SELECT ${allColumns(stored)} FROM ${table} WHERE _drop IS NULL)`;
}

/** Whether an error from the typed reader means "the file is messier than its sample" (retry as text). */
export function isConversionError(error: unknown): boolean {
  return error instanceof Error && /convert|cast|Could not|Error when|Conversion/i.test(error.message);
}
