import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { AppError } from '../../errors.js';
import { csvCell } from './csv-text.js';
import { MAX_COLUMNS } from './sniff.js';
import { attributesOf, XmlScanner } from './xml-scan.js';
import { readWorkbookParts, type WorkbookParts } from './xlsx-workbook.js';
import { limitError, openZipReader, type UnzipLimits, type ZipReader } from './zip-reader.js';

export interface SheetInfo {
  readonly name: string;
  readonly rows: number;
}

/**
 * What a workbook may hold before it is refused. A workbook is read as a
 * stream, so these bound time and disk, not only memory: a few kilobytes of
 * ZIP can describe gigabytes of XML or a used range of millions of cells.
 */
export interface XlsxLimits extends UnzipLimits {
  /** Rows that hold at least one value (empty rows are skipped, never counted). */
  readonly maxRows: number;
  /** The column of any cell that holds a value. */
  readonly maxColumns: number;
  /** Cells of the range written out: rows with values × the sheet's width. */
  readonly maxCells: number;
  /** Shared strings are held in memory while the sheet is read. */
  readonly maxSharedStringsBytes: number;
}

const MIB = 1024 ** 2;

export const XLSX_LIMITS: XlsxLimits = {
  maxUnzippedBytes: 512 * MIB,
  maxRatio: 100,
  maxEntries: 10_000,
  maxRows: 1_048_576,
  maxColumns: MAX_COLUMNS,
  maxCells: 25_000_000,
  maxSharedStringsBytes: 64 * MIB,
};

/** Excel's own last row; a row past it is not a sheet Excel could have written. */
const EXCEL_ROWS = 1_048_576;
/** The sheet's width is taken from its first rows (where the header is), buffered until then. */
const HEAD_ROWS = 1000;
const HEAD_CHARACTERS = 8 * MIB;

/** "AB12" -> 28; 0 when the reference has no column. */
function columnOf(reference: string): number {
  let column = 0;
  for (let i = 0; i < reference.length; i++) {
    const code = reference.charCodeAt(i);
    if (code < 65 || code > 90 || column > 16_384) break;
    column = column * 26 + (code - 64);
  }
  return column;
}

function isoText(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

/** A serial day number as a date, as Excel counts (1900 or 1904 system). */
function serialDate(serial: number, date1904: boolean): string {
  const ms = Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000);
  return Math.abs(ms) < 8.64e15 ? isoText(new Date(ms)) : '';
}

interface CellSource {
  readonly type: string;
  readonly style: number;
  readonly value: string | undefined;
  readonly inline: string;
}

/** A cell as text the CSV reader understands: dates as ISO, formulas as their cached result, errors as empty. */
function cellText(cell: CellSource, parts: WorkbookParts): string {
  const raw = cell.value;
  switch (cell.type) {
    case 's':
      return parts.sharedStrings[Number(raw)] ?? '';
    case 'inlineStr':
      return cell.inline;
    case 'str':
      return raw ?? '';
    case 'b':
      return raw === undefined ? '' : raw.trim() === '1' || raw.trim() === 'true' ? 'true' : 'false';
    case 'e':
      return '';
    case 'd':
      return raw === undefined ? '' : isoText(new Date(raw));
    default: {
      const text = raw?.trim() ?? '';
      const number = Number(text);
      if (text === '' || !Number.isFinite(number)) return '';
      return parts.dateStyles.has(cell.style) ? serialDate(number, parts.date1904) : String(number);
    }
  }
}

type RowSink = (cells: readonly (string | undefined)[]) => void | Promise<void>;

/**
 * Streams one sheet's XML and hands each row that holds a value to `onRow`
 * (cells indexed by column − 1). Empty rows and cells cost nothing: only
 * values are kept. Returns the number of rows with values.
 */
async function scanSheet(
  zip: ZipReader,
  part: string,
  parts: WorkbookParts,
  limits: XlsxLimits,
  onRow?: RowSink,
): Promise<number> {
  let rows = 0;
  let rowNumber = 0;
  let cells: (string | undefined)[] = [];
  let cursor = 0;
  let cell: { column: number; type: string; style: number; value: string[] | undefined; inline: string[] } | undefined;
  let capture: string[] | undefined;
  let inInline = false;
  let phonetic = 0;
  const pending: (string | undefined)[][] = [];

  const scanner = new XmlScanner({
    open: (name, source) => {
      if (name === 'c') {
        const attributes = attributesOf(source);
        const reference = attributes.get('r');
        cursor = reference ? columnOf(reference) : cursor + 1;
        cell = {
          column: cursor,
          type: attributes.get('t') ?? 'n',
          style: Number(attributes.get('s') ?? 0),
          value: undefined,
          inline: [],
        };
      } else if (name === 'row') {
        const declared = Number(attributesOf(source).get('r'));
        rowNumber = Number.isInteger(declared) && declared > 0 ? declared : rowNumber + 1;
        if (rowNumber > EXCEL_ROWS)
          throw limitError('xlsxRows', `The sheet has a row past Excel's last (${EXCEL_ROWS}).`, EXCEL_ROWS);
        cells = [];
        cursor = 0;
      } else if (!cell) return;
      else if (name === 'v') capture = cell.value = [];
      else if (name === 'is') inInline = true;
      else if (name === 'rPh') phonetic++;
      else if (name === 't' && inInline && phonetic === 0) capture = cell.inline;
    },
    close: (name) => {
      if (name === 'v' || name === 't') capture = undefined;
      else if (name === 'is') inInline = false;
      else if (name === 'rPh') phonetic--;
      else if (name === 'c' && cell) {
        const text = cellText(
          { type: cell.type, style: cell.style, value: cell.value?.join(''), inline: cell.inline.join('') },
          parts,
        );
        if (text !== '') {
          if (cell.column < 1 || cell.column > limits.maxColumns) {
            throw limitError(
              'xlsxColumns',
              `The sheet has a value in column ${cell.column}; at most ${limits.maxColumns} columns are read.`,
              limits.maxColumns,
            );
          }
          cells[cell.column - 1] = text;
        }
        cell = undefined;
      } else if (name === 'row') {
        if (cells.length === 0) return;
        rows++;
        if (rows > limits.maxRows)
          throw limitError(
            'xlsxRows',
            `The sheet has more than ${limits.maxRows} rows with values, the most that is read.`,
            limits.maxRows,
          );
        if (onRow) pending.push(cells);
        cells = [];
      }
    },
    text: (value) => {
      capture?.push(value);
    },
  });

  const drain = async () => {
    for (const row of pending.splice(0)) await onRow?.(row);
  };
  await zip.stream(part, async (chunk) => {
    scanner.write(chunk);
    await drain();
  });
  scanner.end();
  await drain();
  return rows;
}

/** Writes a sheet as CSV, every line as wide as the widest of its first rows; returns its rows with values. */
async function convertSheet(
  zip: ZipReader,
  part: string,
  parts: WorkbookParts,
  limits: XlsxLimits,
  target: string,
): Promise<number> {
  const out = createWriteStream(target, { encoding: 'utf8', mode: 0o600 });
  let failed: Error | undefined;
  out.on('error', (error) => {
    failed = error;
  });
  const head: (readonly (string | undefined)[])[] = [];
  let headCharacters = 0;
  let width: number | undefined;
  let written = 0;

  const write = async (cells: readonly (string | undefined)[], columns: number) => {
    written++;
    if (written * columns > limits.maxCells) {
      throw limitError(
        'xlsxCells',
        `The sheet's range exceeds ${limits.maxCells} cells (rows with values × columns), the most that is read.`,
        limits.maxCells,
      );
    }
    const line: string[] = new Array<string>(columns);
    // Cells right of the first rows' width have no header, so no column of the dataset.
    for (let i = 0; i < columns; i++) line[i] = csvCell(cells[i] ?? '');
    if (failed) throw failed;
    if (!out.write(`${line.join(',')}\n`)) await once(out, 'drain');
  };
  const flushHead = async () => {
    width = Math.max(1, ...head.map((row) => row.length));
    for (const row of head.splice(0)) await write(row, width);
  };

  try {
    const rows = await scanSheet(zip, part, parts, limits, async (cells) => {
      if (width !== undefined) return write(cells, width);
      head.push(cells);
      for (const value of cells) headCharacters += value?.length ?? 0;
      if (head.length >= HEAD_ROWS || headCharacters > HEAD_CHARACTERS) await flushHead();
    });
    if (width === undefined && head.length > 0) await flushHead();
    out.end();
    await once(out, 'finish');
    if (failed) throw failed;
    return rows;
  } catch (error) {
    out.destroy();
    throw error;
  }
}

const unreadable = () => new AppError('unprocessable', 'The file is not a readable XLSX workbook.');

/**
 * Writes one sheet of a workbook as UTF-8 CSV: the sheet asked for, or the
 * first with data. Returns every sheet with its count of rows with values.
 * The workbook is read as a stream within `limits`; a workbook past any of
 * them is refused with a message that names the limit.
 */
export async function xlsxToCsv(
  file: string,
  target: string,
  sheetName?: string,
  limits: XlsxLimits = XLSX_LIMITS,
): Promise<{ sheets: SheetInfo[]; sheet: string }> {
  const zip = await openZipReader(file, limits);
  try {
    const parts = await readWorkbookParts(zip, limits.maxSharedStringsBytes);
    if (parts.sheets.length === 0) throw unreadable();
    if (sheetName !== undefined && !parts.sheets.some((sheet) => sheet.name === sheetName)) {
      throw new AppError(
        'unprocessable',
        `The workbook has no sheet "${sheetName}"; it has ${parts.sheets.map((sheet) => `"${sheet.name}"`).join(', ')}.`,
      );
    }
    // Refuses a bomb by what its directory declares, before inflating any sheet.
    zip.assertFits(parts.sheets.map((sheet) => sheet.part));
    const sheets: SheetInfo[] = [];
    let chosen: string | undefined;
    for (const sheet of parts.sheets) {
      const wanted = sheetName === undefined ? chosen === undefined : sheet.name === sheetName;
      const rows = wanted
        ? await convertSheet(zip, sheet.part, parts, limits, target)
        : await scanSheet(zip, sheet.part, parts, limits);
      if (wanted && (rows > 0 || sheetName !== undefined)) chosen = sheet.name;
      sheets.push({ name: sheet.name, rows });
    }
    if (chosen === undefined) throw new AppError('unprocessable', 'The workbook has no sheet with data.');
    return { sheets, sheet: chosen };
  } finally {
    zip.close();
  }
}
