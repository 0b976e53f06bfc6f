import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { DuckConnection } from '../engine/duckdb.js';
import { AppError } from '../../errors.js';
import {
  allRowsSql,
  hasDimensionlessLinesSql,
  isConversionError,
  keptRowsSql,
  storedFields,
  unifiedRelationSql,
} from './load.js';
import type { Profile } from '../engine/analysis.js';
import { recogniseUpload, type SourceFormat } from './formats.js';
import { planIngest, type IngestOptions, type IngestPlan } from './plan.js';
import { summariseRelation, type QualityReport } from './quality.js';
import { lineTooLong, sniffFile, type FileShape } from './sniff.js';
import { sqlString } from './values.js';
import { XLSX_LIMITS, xlsxToCsv, type SheetInfo } from './xlsx.js';

export interface IngestRequest extends IngestOptions {
  readonly file: string;
  /** The name the user gave the file (its extension is checked against its content). */
  readonly originalName: string;
  /** Where a workbook's sheet is written as CSV while it is read. */
  readonly tmpDir: string;
  readonly sheet?: string;
}

/** A file ready to be read: its format, the CSV DuckDB reads, and what sniffing and planning decided. */
export interface IngestSource {
  readonly format: SourceFormat;
  readonly sheets: SheetInfo[] | undefined;
  readonly sheet: string | undefined;
  /** The delimited text DuckDB reads: the file itself, or its sheet written as CSV. */
  readonly csv: string;
  readonly shape: FileShape;
  readonly plan: IngestPlan;
}

/** What reading a file found: the source, its quality report and the profile of its data rows. */
export interface IngestSummary extends Omit<IngestSource, 'csv'> {
  readonly quality: QualityReport;
  readonly profile: Profile;
  /** Whether the reader typed the columns itself (fast path) or every value was parsed from text. */
  readonly typed: boolean;
}

export interface IngestResult extends IngestSummary {
  /** SQL of the file's data rows: the unified columns of the rows not dropped. */
  readonly relation: string;
}

/**
 * Where `ingest` keeps the file's lines in the unified schema: a temp table of
 * the ingesting connection, or a Parquet file the caller removes. Filling a
 * table costs about twice what writing the file does (DuckDB keeps statistics
 * of every column as it fills one), so a caller that reads the lines a few
 * times and then writes them elsewhere stages them in a file.
 */
export type IngestTarget =
  { readonly kind: 'table'; readonly name: string } | { readonly kind: 'parquet'; readonly file: string };

/** The statement that fills the target with a file's relation. */
function fillSql(target: IngestTarget, relation: string): string {
  if (target.kind === 'table') return `CREATE OR REPLACE TEMP TABLE ${target.name} AS SELECT * FROM ${relation}`;
  // Snappy: the file lives for seconds, and among DuckDB's codecs it was the cheapest to write and read back.
  return `COPY (SELECT * FROM ${relation}) TO ${sqlString(target.file)} (FORMAT parquet, COMPRESSION snappy, PARQUET_VERSION V2)`;
}

/** SQL that reads the target back. */
function targetSql(target: IngestTarget): string {
  return target.kind === 'table' ? target.name : `read_parquet(${sqlString(target.file)})`;
}

/**
 * Checks a file's format, writes a workbook's sheet as CSV, sniffs and plans
 * it. `close` removes what was written; call it when DuckDB has read the file.
 */
export async function openSource(
  request: IngestRequest,
): Promise<{ source: IngestSource; close: () => Promise<void> }> {
  const format = await recogniseUpload(request.file, request.originalName, XLSX_LIMITS);
  const converted = format === 'xlsx' ? path.join(request.tmpDir, `sheet-${randomUUID()}.csv`) : undefined;
  const close = async () => {
    if (converted) await rm(converted, { force: true });
  };
  try {
    const { sheets, sheet } = converted
      ? await xlsxToCsv(request.file, converted, request.sheet)
      : { sheets: undefined, sheet: undefined };
    const csv = converted ?? request.file;
    const shape = await sniffFile(
      csv,
      sheet === undefined ? `"${request.originalName}"` : `sheet "${sheet}" of "${request.originalName}"`,
    );
    return { source: { format, sheets, sheet, csv, shape, plan: planIngest(shape, request) }, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Runs a statement that reads files: first with `typed` true, when a file's
 * sample allows its columns to be typed by the reader (`run` types those
 * files), and, when the data turns out messier than a sample, once more with
 * every value parsed from text.
 */
export async function readTypedOrText<T>(
  sources: readonly IngestSource[],
  run: (typed: boolean) => Promise<T>,
): Promise<{ value: T; typed: boolean }> {
  const typed = sources.some((source) => source.plan.typedFastPath);
  const delimiter = sources[0]?.shape.delimiter ?? ',';
  try {
    return { value: await run(typed), typed };
  } catch (error) {
    if (!typed || !isConversionError(error)) throw readError(error, delimiter);
  }
  try {
    return { value: await run(false), typed: false };
  } catch (error) {
    throw readError(error, delimiter);
  }
}

/** The refusal for a file whose only content is a header, totals, blank lines or metadata. */
export function assertHasRows(quality: QualityReport): void {
  if (quality.rowsKept === 0) {
    throw new AppError(
      'unprocessable',
      'The file has a header but no data rows (only totals, blank lines or report metadata).',
    );
  }
}

/**
 * Reads any supported export into the target in the unified schema (one pass
 * over the file), then measures its quality and profile there. Tries the typed
 * fast path and falls back to parsing every value as text when the file is
 * messier than its first rows.
 */
export async function ingest(
  connection: DuckConnection,
  target: IngestTarget,
  request: IngestRequest,
): Promise<IngestResult> {
  const { source, close } = await openSource(request);
  try {
    const { csv, shape, plan, ...rest } = source;
    const { typed } = await readTypedOrText([source], (asTyped) =>
      connection.run(fillSql(target, unifiedRelationSql(csv, shape, plan, asTyped))),
    );
    const read = targetSql(target);
    const stored = storedFields(plan);
    const [found] = await connection.rows(hasDimensionlessLinesSql(read));
    const dimensionless = found?.found === true;
    const summary = await summariseRelation(connection, allRowsSql(read, stored, dimensionless), shape, plan);
    assertHasRows(summary.quality);
    return { ...rest, shape, plan, ...summary, typed, relation: keptRowsSql(read, stored, dimensionless) };
  } finally {
    await close();
  }
}

function readError(error: unknown, delimiter: string): Error {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/Maximum line size of \d+ bytes exceeded/.test(message)) {
    const line = /CSV Error on Line: (\d+)/.exec(message)?.[1];
    return lineTooLong(line === undefined ? undefined : Number(line));
  }
  const reason = message.split('\n')[0] ?? '';
  // DuckDB's out-of-memory message tells the server's memory use and limits: none of the uploader's business.
  if (/out of memory/i.test(reason)) {
    return new AppError(
      'unprocessable',
      'The file needs more memory to read than this server allows for one file; split it into smaller files.',
    );
  }
  return new AppError(
    'unprocessable',
    `The file could not be read as ${delimiter === '\t' ? 'tab' : `"${delimiter}"`}-delimited text: ${reason}`,
  );
}
