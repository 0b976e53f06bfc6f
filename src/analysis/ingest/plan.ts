import { AppError } from '../../errors.js';
import { isMeasure, MEASURES, type Field, type Platform } from '../schema.js';
import { matchHeader } from './aliases.js';
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

export type UnmappedReason = 'unknown' | 'derived' | 'duplicate' | 'ignored';

export interface UnmappedColumn {
  readonly source: string;
  readonly index: number;
  /** `derived`: a rate the platform computed; it is recomputed from measures instead. */
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
}

const SYMBOLS: Readonly<Record<string, string>> = { $: 'USD', '€': 'EUR', '£': 'GBP', '¥': 'JPY', '₹': 'INR', '₩': 'KRW', R$: 'BRL', 'A$': 'AUD', 'C$': 'CAD' };
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
  return rows
    .map((record) => record[index] ?? '')
    .filter((value) => value.trim() !== '');
}

function detectCurrency(rows: readonly string[][], mapping: readonly ColumnMapping[], qualifiers: Map<number, string>, user?: string): CurrencySource {
  if (mapping.some((column) => column.field === 'currency')) return { kind: 'column' };
  if (user) return { kind: 'constant', code: user.toUpperCase(), from: 'user' };
  for (const column of mapping.filter((candidate) => candidate.field === 'spend' || candidate.field === 'revenue')) {
    const qualifier = qualifiers.get(column.index)?.toUpperCase().split(/\s+/).find((word) => CURRENCY_CODE.test(word));
    if (qualifier) return { kind: 'constant', code: qualifier, from: 'header' };
  }
  for (const column of mapping.filter((candidate) => candidate.field === 'spend' || candidate.field === 'revenue')) {
    for (const value of sampleOf(rows, column.index).slice(0, 200)) {
      const symbol = Object.keys(SYMBOLS)
        .sort((a, b) => b.length - a.length)
        .find((candidate) => value.includes(candidate));
      if (symbol) return { kind: 'constant', code: SYMBOLS[symbol]!, from: 'symbol' };
      const code = /\b([A-Z]{3})\b/.exec(value)?.[1];
      if (code) return { kind: 'constant', code, from: 'symbol' };
    }
  }
  return { kind: 'unknown' };
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

  const candidates: ColumnMapping[] = [];
  const unmapped: UnmappedColumn[] = [];
  const qualifiers = new Map<number, string>();
  shape.header.forEach((source, index) => {
    if (source === '') {
      unmapped.push({ source, index, reason: 'unknown' });
      return;
    }
    if (options.mapping && source in options.mapping) {
      const field = options.mapping[source];
      if (field === null || field === undefined) unmapped.push({ source, index, reason: 'ignored' });
      else candidates.push({ source, index, field, confidence: 1 });
      return;
    }
    const match = matchHeader(source, vocabulary);
    if (match.kind === 'field') {
      candidates.push({ source, index, field: match.alias.field, confidence: match.alias.confidence });
      if (match.qualifier) qualifiers.set(index, match.qualifier);
    } else {
      unmapped.push({ source, index, reason: match.kind });
    }
  });

  // One column per field: the most confident wins, the first on a tie.
  const mapping: ColumnMapping[] = [];
  for (const candidate of candidates) {
    const rival = mapping.findIndex((chosen) => chosen.field === candidate.field);
    if (rival < 0) mapping.push(candidate);
    else if (candidate.confidence > mapping[rival]!.confidence) {
      unmapped.push({ source: mapping[rival]!.source, index: mapping[rival]!.index, reason: 'duplicate' });
      mapping[rival] = candidate;
    } else unmapped.push({ source: candidate.source, index: candidate.index, reason: 'duplicate' });
  }
  mapping.sort((a, b) => a.index - b.index);
  unmapped.sort((a, b) => a.index - b.index);

  if (!mapping.some((column) => isMeasure(column.field))) {
    throw new AppError(
      'unprocessable',
      `No recognisable measure column (one of ${MEASURES.join(', ')}) among the headers: ${shape.header.slice(0, 12).join(', ')}.`,
    );
  }
  if (platform.source === 'detected' && mapping.some((column) => column.field === 'platform')) {
    platform = { ...platform, source: 'column' };
  }

  const rows = dataSample(shape);
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
    (dateColumn === undefined || (date?.format.kind === 'iso' && !date.ranges && dateSample.every((value) => /^\d{4}-\d{2}-\d{2}$/.test(value.trim()))));

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
    currency: detectCurrency(rows, mapping, qualifiers, options.currency),
    typedFastPath,
  };
}
