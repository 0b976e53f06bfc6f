import { open } from 'node:fs/promises';
import { AppError } from '../../errors.js';
import { matchHeader } from './aliases.js';
import { parseCsvRecords } from './csv-text.js';
import { refuseUpload } from './formats.js';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** What the first and last bytes of a delimited text file say about its layout. */
export interface FileShape {
  readonly encoding: TextEncoding;
  readonly delimiter: string;
  /** Lines above the header (report titles, date ranges, metadata). */
  readonly preamble: string[];
  /** Physical lines before the header line, for the reader's `skip`. */
  readonly skipLines: number;
  readonly header: string[];
  /** Data records from the head of the file, for deciding formats. */
  readonly sample: string[][];
  /** Whether the file ends in lines of another shape (report metadata after the data). */
  readonly raggedTail: boolean;
  /** The last lines of the file, for recognising report footers. */
  readonly tailLines: string[];
  /** The same last records as cells, for recognising unlabelled totals after the data. */
  readonly tailRecords: string[][];
  readonly sizeBytes: number;
}

const HEAD_BYTES = 64 * 1024;
const TAIL_BYTES = 64 * 1024;
const DELIMITERS = [',', ';', '\t', '|'] as const;
const MAX_PREAMBLE = 40;
/** The widest table read, a workbook's too: each column costs header matching and a column of the reader's SQL. */
export const MAX_COLUMNS = 1024;
/**
 * The header is looked for in at most this many cells (41 rows of a 100-column
 * export): matching a cell against the vocabulary takes microseconds, and a head
 * of 64 KiB can hold 32,000 cells, which would hold the event loop.
 */
const MAX_HEADER_CELLS = 4096;
/**
 * The longest line read, in bytes (characters where the sniff counts): an ad
 * platform's row is a few KB at most, and 1,024 columns of 32 bytes fit. A
 * longer line (a 50 MB cell) is refused here when it lies in the head or the
 * tail, before DuckDB buffers it, and by DuckDB's reader anywhere else
 * (`max_line_size`, see load.ts).
 */
export const MAX_LINE_BYTES = 32 * 1024;

/** The refusal of a line past MAX_LINE_BYTES; `line` is its number when the reader told it. */
export function lineTooLong(line?: number): AppError {
  return new AppError(
    'unprocessable',
    `${line === undefined ? 'A line' : `Line ${line}`} of the file is longer than ${MAX_LINE_BYTES} bytes, more than any campaign export holds; at most ${MAX_LINE_BYTES} bytes a line are read.`,
    { limit: 'csvLineBytes', max: MAX_LINE_BYTES },
  );
}

/** A record's length as written: its cells and the delimiters between them (quotes aside). */
const recordLength = (record: readonly string[]) =>
  record.reduce((length, cell) => length + cell.length, record.length - 1);

function unprocessable(detail: string): AppError {
  return new AppError('unprocessable', detail);
}

function detectEncoding(head: Buffer): { encoding: TextEncoding; bomBytes: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bomBytes: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomBytes: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomBytes: 2 };
  // UTF-16 without a BOM: every other byte of ASCII text is zero.
  const probe = head.subarray(0, 512);
  let oddZeros = 0;
  let evenZeros = 0;
  for (let i = 0; i < probe.length; i++) {
    if (probe[i] !== 0) continue;
    if (i % 2 === 0) evenZeros++;
    else oddZeros++;
  }
  if (probe.length >= 16 && oddZeros > probe.length / 4 && evenZeros === 0)
    return { encoding: 'utf-16le', bomBytes: 0 };
  if (probe.length >= 16 && evenZeros > probe.length / 4 && oddZeros === 0)
    return { encoding: 'utf-16be', bomBytes: 0 };
  return { encoding: 'utf-8', bomBytes: 0 };
}

function decode(bytes: Buffer, encoding: TextEncoding): string {
  if (encoding === 'utf-16be') {
    const swapped = Buffer.from(bytes);
    swapped.swap16();
    return new TextDecoder('utf-16le').decode(swapped);
  }
  return new TextDecoder(encoding).decode(bytes);
}

/** Text files have no NUL bytes (in UTF-8) and few control characters or undecodable sequences. */
function assertText(text: string, label: string): void {
  if (text.length === 0) return;
  let suspicious = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0xfffd || code === 0 || (code < 32 && code !== 9 && code !== 10 && code !== 13)) suspicious++;
  }
  if (suspicious / text.length > 0.01) {
    throw refuseUpload(`The content of ${label} looks binary, not like delimited text.`);
  }
}

/** Drops the last line when the head was cut in the middle of it. */
function completeLines(text: string, cut: boolean): string {
  if (!cut) return text;
  const end = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
  return end > 0 ? text.slice(0, end) : text;
}

function knownCells(record: readonly string[]): number {
  return record.filter((cell) => cell.trim() !== '' && matchHeader(cell, 'Unknown').kind !== 'unknown').length;
}

function modalWidth(records: readonly string[][]): number {
  const counts = new Map<number, number>();
  for (const record of records) if (record.length > 1) counts.set(record.length, (counts.get(record.length) ?? 0) + 1);
  let best = 0;
  let bestCount = 0;
  for (const [width, count] of counts)
    if (count > bestCount || (count === bestCount && width > best)) [best, bestCount] = [width, count];
  return best;
}

function chooseDelimiter(text: string): string {
  let best: string = ',';
  let bestScore = -1;
  for (const delimiter of DELIMITERS) {
    const records = parseCsvRecords(text, delimiter, 200).filter((record) => record.some((cell) => cell.trim() !== ''));
    const width = modalWidth(records);
    if (width < 2) continue;
    const consistent = records.filter((record) => record.length === width).length;
    const score = consistent * width;
    if (score > bestScore) [best, bestScore] = [delimiter, score];
  }
  return best;
}

function isBlank(record: readonly string[]): boolean {
  return record.every((cell) => cell.trim() === '');
}

/** Words (of at least one letter) a cell needs to read as a sentence: headers and dimension values have fewer. */
const SENTENCE_WORDS = 5;

const isSentence = (cell: string) => cell.split(/\s+/).filter((word) => /\p{L}/u.test(word)).length >= SENTENCE_WORDS;

/**
 * Refuses text that holds no table: lines mostly of sentences, every line one
 * cell, or lines of uneven width. A file whose header names a known column is
 * never refused here: its problems have more precise messages later.
 */
function assertTable(records: readonly string[][], width: number, header: readonly string[], label: string): void {
  if (width > 0 && knownCells(header) > 0) return;
  const lines = records.filter((record) => !isBlank(record)).slice(0, 200);
  const cells = lines.flat().filter((cell) => cell.trim() !== '');
  const noTable = (why: string) => refuseUpload(`No table was found in ${label}: ${why}.`);
  if (cells.filter(isSentence).length * 2 >= cells.length)
    throw noTable('its lines are sentences, not rows of columns');
  if (width === 0)
    throw refuseUpload(
      `Only one column was found in ${label}: no comma, semicolon, tab or | splits its lines into columns.`,
    );
  if (lines.filter((record) => record.length === width).length * 2 < lines.length)
    throw noTable('its lines do not split into the same number of columns with any of comma, semicolon, tab or |');
}

/** Finds the header: the first row (after any preamble) that names known columns and has the data's width. */
function findHeader(records: string[][]): number {
  const width = modalWidth(records);
  let best = -1;
  let bestKnown = 0;
  let cells = 0;
  for (let i = 0; i < Math.min(records.length, MAX_PREAMBLE + 1) && cells < MAX_HEADER_CELLS; i++) {
    const record = records[i]!;
    if (record.length !== width) continue;
    cells += width;
    const known = knownCells(record);
    if (known > bestKnown) [best, bestKnown] = [i, known];
    if (known >= 3) break;
  }
  if (best >= 0) return best;
  return records.findIndex((record) => record.length === width && !isBlank(record));
}

/** Reads a delimited text file's layout; `label` names it in refusals (`"name.csv"`, or a workbook's sheet). */
export async function sniffFile(file: string, label: string): Promise<FileShape> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) throw unprocessable('The file is empty.');
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    await handle.read(head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(size, TAIL_BYTES));
    await handle.read(tail, 0, tail.length, size - tail.length);
    const { encoding, bomBytes } = detectEncoding(head);
    const decoded = decode(head.subarray(bomBytes), encoding);
    const text = completeLines(decoded, size > HEAD_BYTES);
    assertText(text, label);
    if (text.trim() === '') throw unprocessable('The file has no content (only whitespace).');

    const delimiter = chooseDelimiter(text);
    const records = parseCsvRecords(text, delimiter);
    const width = modalWidth(records);
    if (width > MAX_COLUMNS) {
      throw new AppError(
        'unprocessable',
        `The file's rows are ${width} columns wide${size > head.length ? ' or more' : ''}; at most ${MAX_COLUMNS} columns are read.`,
        {
          limit: 'csvColumns',
          max: MAX_COLUMNS,
        },
      );
    }
    // The line the head was cut in is at least as long as its part in the head.
    if (
      decoded.length - text.length > MAX_LINE_BYTES ||
      records.some((record) => recordLength(record) > MAX_LINE_BYTES)
    )
      throw lineTooLong();
    const headerIndex = findHeader(records);
    assertTable(records, width, headerIndex < 0 ? [] : records[headerIndex]!, label);
    if (headerIndex < 0) throw unprocessable(`No header row was found in ${label}.`);
    const header = records[headerIndex]!.map((cell) => cell.trim());
    const sample = records.slice(headerIndex + 1).filter((record) => !isBlank(record));

    // The tail: does the file end with lines of another width (metadata after the data)?
    let tailRecords: string[][];
    if (size > head.length) {
      const tailText = decode(tail, encoding);
      const firstBreak = tailText.search(/\r?\n/);
      // The tail starts inside a line: one without a break in the tail, or whose end alone is past the limit, is too long.
      if (firstBreak < 0 || firstBreak > MAX_LINE_BYTES) throw lineTooLong();
      tailRecords = parseCsvRecords(tailText.slice(firstBreak + 1), delimiter).filter((record) => !isBlank(record));
      if (tailRecords.some((record) => recordLength(record) > MAX_LINE_BYTES)) throw lineTooLong();
    } else {
      tailRecords = sample;
    }
    const raggedTail = tailRecords.some((record) => record.length !== header.length);
    return {
      encoding,
      delimiter,
      preamble: records.slice(0, headerIndex).map((record) => record.join(delimiter)),
      skipLines: records
        .slice(0, headerIndex)
        .reduce((lines, record) => lines + 1 + record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0), 0),
      header,
      sample: sample.slice(0, 1000),
      raggedTail,
      tailLines: tailRecords.slice(-20).map((record) => record.join(delimiter)),
      tailRecords: tailRecords.slice(-20),
      sizeBytes: size,
    };
  } finally {
    await handle.close();
  }
}
