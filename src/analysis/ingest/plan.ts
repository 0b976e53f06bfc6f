import { AppError } from '../../errors.js';
import { isMeasure, MEASURES, type Field, type Platform } from '../schema.js';
import { dateRole, matchHeader } from './aliases.js';
import { canonicalPlatform, detectPlatform, type PlatformGuess } from './detect-platform.js';
import type { FileShape } from './sniff.js';
import { decideDateFormat, decideDecimalMark, isPlainNumber, type DateDecision, type DecimalMark } from './values.js';

export interface ColumnMapping {
  /** The header as the file wrote it. */
  readonly source: string;
  readonly index: number;
  readonly field: Field;
  /** 0–1; 1 for a user's explicit choice. */
  readonly confidence: number;
}

export type UnmappedReason = 'unknown' | 'derived' | 'duplicate' | 'ignored' | 'range' | 'displaced';

export interface UnmappedColumn {
  readonly source: string;
  readonly index: number;
  /**
   * `derived`: a rate the platform computed; it is recomputed from measures instead.
   * `range`: one end of the report's date range (the same on every row), not a row's date.
   * `displaced`: the user's mapping gave its field to another column.
   */
  readonly reason: UnmappedReason;
}

export type CurrencySource =
  | { readonly kind: 'column' }
  | { readonly kind: 'constant'; readonly code: string; readonly from: 'header' | 'symbol' | 'user' }
  | { readonly kind: 'unknown' };

export interface IngestOptions {
  /** A platform the user names; wins over detection. */
  readonly platform?: string;
  /** Source header -> field (or null to ignore the column); wins over the alias table. */
  readonly mapping?: Readonly<Record<string, Field | null>>;
  /** The currency of money columns when the file does not say. */
  readonly currency?: string;
}

export interface IngestPlan {
  readonly platform: PlatformGuess & { readonly source: 'detected' | 'user' | 'column' };
  readonly mapping: ColumnMapping[];
  readonly unmapped: UnmappedColumn[];
  readonly decimalMark: DecimalMark;
  readonly date: DateDecision | undefined;
  readonly currency: CurrencySource;
  /** Every mapped measure is a plain number in the sample and dates are ISO: the reader can type columns itself. */
  readonly typedFastPath: boolean;
  /** Text columns whose sample has surrounding spaces (trimmed even on the fast path). */
  readonly paddedColumns: number[];
  /** The currency the user gave at upload, kept to check it against the file's own. */
  readonly userCurrency: string | undefined;
  /** What planning noticed that the user should know (duplicate headers, a contradicted currency, the report's range). */
  readonly notes: string[];
}

const SYMBOLS: Readonly<Record<string, string>> = {
  $: 'USD',
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'JPY',
  '₹': 'INR',
  '₩': 'KRW',
  R$: 'BRL',
  A$: 'AUD',
  C$: 'CAD',
};
const CURRENCY_CODE = /^[A-Z]{3}$/;

const TOTAL_LABEL = /^\s*(grand\s+)?totals?\s*(:.*)?$/i;

/** Sample lines that look like data: the header's width and no total label in their first cells. */
function dataSample(shape: FileShape): string[][] {
  return shape.sample.filter(
    (record) => record.length === shape.header.length && !record.slice(0, 4).some((cell) => TOTAL_LABEL.test(cell)),
  );
}

/** The non-empty values of one column of the data sample. */
function sampleOf(rows: readonly string[][], index: number): string[] {
  return rows.map((record) => record[index] ?? '').filter((value) => value.trim() !== '');
}

/** The currency the file states in a header qualifier ("Amount spent (USD)") or in its values ("$1,200", "1.200 EUR"). */
function fileCurrency(
  rows: readonly string[][],
  mapping: readonly ColumnMapping[],
  qualifiers: Map<number, string>,
): { code: string; from: 'header' | 'symbol' } | undefined {
  const money = mapping.filter((candidate) => candidate.field === 'spend' || candidate.field === 'revenue');
  for (const column of money) {
    const qualifier = qualifiers
      .get(column.index)
      ?.toUpperCase()
      .split(/\s+/)
      .find((word) => CURRENCY_CODE.test(word));
    if (qualifier) return { code: qualifier, from: 'header' };
  }
  for (const column of money) {
    for (const value of sampleOf(rows, column.index).slice(0, 200)) {
      const symbol = Object.keys(SYMBOLS)
        .sort((a, b) => b.length - a.length)
        .find((candidate) => value.includes(candidate));
      if (symbol) return { code: SYMBOLS[symbol]!, from: 'symbol' };
      const code = /\b([A-Z]{3})\b/.exec(value)?.[1];
      if (code) return { code, from: 'symbol' };
    }
  }
  return undefined;
}

/**
 * The currency of money: the file's currency column, else the user's, else
 * what the file states. A user's currency that the file's header or values
 * contradict is still used (the user may know better) but noted; one that the
 * file's currency column contradicts is checked against every row in quality.
 */
function detectCurrency(
  rows: readonly string[][],
  mapping: readonly ColumnMapping[],
  qualifiers: Map<number, string>,
  user: string | undefined,
  notes: string[],
): CurrencySource {
  if (mapping.some((column) => column.field === 'currency')) return { kind: 'column' };
  const stated = fileCurrency(rows, mapping, qualifiers);
  if (user) {
    const code = user.toUpperCase();
    if (stated && stated.code !== code) {
      notes.push(
        `The currency given at upload (${code}) contradicts the file, whose ${stated.from === 'header' ? 'headers state' : 'values are written in'} ${stated.code}; money is labelled ${code} as asked.`,
      );
    }
    return { kind: 'constant', code, from: 'user' };
  }
  return stated ? { kind: 'constant', ...stated } : { kind: 'unknown' };
}

interface Candidate extends ColumnMapping {
  /** Named by the user's mapping: it wins its field. */
  readonly user: boolean;
}

function mostConfident(rivals: readonly Candidate[]): Candidate {
  return rivals.reduce((best, candidate) => (candidate.confidence > best.confidence ? candidate : best));
}

/** How many distinct values a column takes in the sample. */
function distinctValues(rows: readonly string[][], index: number): number {
  return new Set(sampleOf(rows, index).map((value) => value.trim())).size;
}

/**
 * The row's date among several date columns: one that names a time breakdown
 * (Day, Date, Week, Month), else one whose value changes from row to row, else
 * whatever is left, a range start ("Reporting starts") last.
 */
function rowDate(rivals: readonly Candidate[], rows: readonly string[][]): Candidate {
  const rank = (candidate: Candidate): number => {
    const role = dateRole(candidate.source);
    if (role === 'breakdown') return 3;
    if (distinctValues(rows, candidate.index) > 1) return 2;
    return role === 'range-start' ? 0 : 1;
  };
  return rivals.reduce((best, candidate) => {
    const difference = rank(candidate) - rank(best);
    return difference > 0 || (difference === 0 && candidate.confidence > best.confidence) ? candidate : best;
  });
}

/** Says which columns gave the report's range and what it was, so that they are not dropped silently. */
function reportRangeNote(
  unmapped: readonly UnmappedColumn[],
  mapping: readonly ColumnMapping[],
  rows: readonly string[][],
): string | undefined {
  const ranges = unmapped.filter((column) => column.reason === 'range');
  if (ranges.length === 0) return undefined;
  const names = ranges.map((column) => `"${column.source}"`).join(' and ');
  const verb = ranges.length === 1 ? 'gives' : 'give';
  const date = mapping.find((column) => column.field === 'date');
  const rowDate = date ? `the row date is "${date.source}"` : 'no column gives a row date';
  // A daily export repeats the day in "Reporting ends": one row's value would pass for the whole report's range.
  if (ranges.some((column) => distinctValues(rows, column.index) > 1))
    return `${names} ${verb} each row's reporting period, not a date of its own; ${rowDate}.`;
  const first = rows[0];
  const values = first ? ranges.map((column) => first[column.index]?.trim() ?? '').filter(Boolean) : [];
  return `${names} ${verb} the report's date range${values.length > 0 ? ` (${values.join(' to ')})` : ''}, not each row's date; ${rowDate}.`;
}

function duplicateHeaders(header: readonly string[]): { name: string; columns: number[] }[] {
  const positions = new Map<string, number[]>();
  header.forEach((name, index) => {
    if (name === '') return;
    const columns = positions.get(name);
    if (columns) columns.push(index + 1);
    else positions.set(name, [index + 1]);
  });
  return [...positions].filter(([, columns]) => columns.length > 1).map(([name, columns]) => ({ name, columns }));
}

/** A mapping must name columns of the file, and give each field to one column at most. */
function assertMappingFits(
  header: readonly string[],
  mapping: Readonly<Record<string, Field | null>> | undefined,
): void {
  if (!mapping) return;
  const columns = new Set(header);
  const missing = Object.keys(mapping).filter((name) => !columns.has(name));
  if (missing.length > 0) {
    throw new AppError(
      'validation',
      `The mapping names ${missing.map((name) => `"${name}"`).join(', ')}, which ${missing.length === 1 ? 'is not a column' : 'are not columns'} of the file (its columns: ${header
        .slice(0, 30)
        .map((name) => `"${name}"`)
        .join(', ')}).`,
      {},
      missing.map((name) => ({ field: '/body/mapping', message: `"${name}" is not a column of the file` })),
    );
  }
  const byField = new Map<Field, string[]>();
  for (const [name, field] of Object.entries(mapping))
    if (field) byField.set(field, [...(byField.get(field) ?? []), name]);
  const clashes = [...byField].filter(([, names]) => names.length > 1);
  if (clashes.length > 0) {
    throw new AppError(
      'validation',
      `The mapping gives one field to several columns: ${clashes.map(([field, names]) => `${field} to ${names.map((name) => `"${name}"`).join(' and ')}`).join('; ')}. A field holds one column.`,
      {},
      clashes.map(([field]) => ({ field: '/body/mapping', message: `${field} is given to several columns` })),
    );
  }
}

/** Decides platform, mapping and value formats for a file whose shape was sniffed. */
export function planIngest(shape: FileShape, options: IngestOptions = {}): IngestPlan {
  const detected = detectPlatform(shape.header, [...shape.preamble, ...shape.tailLines]);
  let platform: IngestPlan['platform'] = { ...detected, source: 'detected' };
  if (options.platform !== undefined) {
    const named = canonicalPlatform(options.platform);
    if (!named) {
      throw new AppError('validation', `Unknown platform "${options.platform}".`, {}, [
        { field: '/body/platform', message: 'is not a known platform' },
      ]);
    }
    platform = { platform: named, confidence: 1, evidence: ['named by the user'], source: 'user' };
  }
  const vocabulary: Platform = platform.platform;

  const rows = dataSample(shape);
  const notes: string[] = [];
  const duplicates = duplicateHeaders(shape.header);
  if (duplicates.length > 0) {
    notes.push(
      `Duplicate header names: ${duplicates.map(({ name, columns }) => `"${name}" (columns ${columns.join(', ')})`).join('; ')}. Only one column per name can be mapped by name; check that the right one was used.`,
    );
  }
  assertMappingFits(shape.header, options.mapping);

  const candidates: Candidate[] = [];
  const unmapped: UnmappedColumn[] = [];
  const qualifiers = new Map<number, string>();
  const named = new Set<string>();
  shape.header.forEach((source, index) => {
    if (source === '') {
      unmapped.push({ source, index, reason: 'unknown' });
      return;
    }
    // A mapping names a header; with duplicate names it applies to the first.
    if (options.mapping && Object.hasOwn(options.mapping, source) && !named.has(source)) {
      named.add(source);
      const field = options.mapping[source];
      if (field === null || field === undefined) unmapped.push({ source, index, reason: 'ignored' });
      else candidates.push({ source, index, field, confidence: 1, user: true });
      return;
    }
    const match = matchHeader(source, vocabulary);
    if (match.kind === 'field') {
      candidates.push({ source, index, field: match.alias.field, confidence: match.alias.confidence, user: false });
      if (match.qualifier) qualifiers.set(index, match.qualifier);
    } else {
      unmapped.push({ source, index, reason: match.kind });
    }
  });

  // One column per field: the user's choice, else (for the date) the row's own date, else the most confident, the first on a tie.
  const mapping: ColumnMapping[] = [];
  const fields = [...new Set(candidates.map((candidate) => candidate.field))];
  for (const field of fields) {
    const rivals = candidates.filter((candidate) => candidate.field === field);
    const winner =
      rivals.find((candidate) => candidate.user) ?? (field === 'date' ? rowDate(rivals, rows) : mostConfident(rivals));
    mapping.push({ source: winner.source, index: winner.index, field: winner.field, confidence: winner.confidence });
    for (const loser of rivals.filter((candidate) => candidate !== winner)) {
      const reason: UnmappedReason =
        field === 'date' && dateRole(loser.source) === 'range-start'
          ? 'range'
          : winner.user
            ? 'displaced'
            : 'duplicate';
      unmapped.push({ source: loser.source, index: loser.index, reason });
    }
  }
  mapping.sort((a, b) => a.index - b.index);
  unmapped.sort((a, b) => a.index - b.index);
  const rangeNote = reportRangeNote(unmapped, mapping, rows);
  if (rangeNote) notes.push(rangeNote);

  if (!mapping.some((column) => isMeasure(column.field))) {
    throw new AppError(
      'unprocessable',
      `No recognisable measure column (one of ${MEASURES.join(', ')}) among the headers: ${shape.header.slice(0, 12).join(', ')}.`,
    );
  }
  if (platform.source === 'detected' && mapping.some((column) => column.field === 'platform')) {
    platform = { ...platform, source: 'column' };
  }

  const measureColumns = mapping.filter((column) => isMeasure(column.field));
  const measureSample = measureColumns.flatMap((column) => sampleOf(rows, column.index));
  const europeanHint = shape.delimiter === ';';
  const decimalMark = decideDecimalMark(measureSample);
  const dateColumn = mapping.find((column) => column.field === 'date');
  const dateSample = dateColumn ? sampleOf(rows, dateColumn.index) : [];
  const date = dateColumn ? decideDateFormat(dateSample, europeanHint || decimalMark === ',') : undefined;
  const typedFastPath =
    decimalMark === '.' &&
    !shape.raggedTail &&
    measureSample.every(isPlainNumber) &&
    (dateColumn === undefined ||
      (date?.format.kind === 'iso' &&
        !date.ranges &&
        dateSample.every((value) => /^\d{4}-\d{2}-\d{2}$/.test(value.trim()))));

  const paddedColumns = mapping
    .filter((column) => !isMeasure(column.field))
    .map((column) => column.index)
    .filter((index) => rows.some((record) => /^\s|\s$/.test(record[index] ?? '')));
  return {
    platform,
    mapping,
    unmapped,
    paddedColumns,
    decimalMark,
    date,
    currency: detectCurrency(rows, mapping, qualifiers, options.currency, notes),
    typedFastPath,
    userCurrency: options.currency?.toUpperCase(),
    notes,
  };
}
