import path from 'node:path';
import { AppError } from '../../errors.js';
import { attributesOf, scanXml, XmlScanner } from './xml-scan.js';
import { formatBytes, limitError, type ZipReader } from './zip-reader.js';

/** What the sheets of a workbook need from its other parts. */
export interface WorkbookParts {
  readonly sheets: readonly { readonly name: string; readonly part: string }[];
  /** Dates count from 1904 (old Mac workbooks) rather than 1900. */
  readonly date1904: boolean;
  /** Indexes of cell styles whose number format shows a date or time. */
  readonly dateStyles: ReadonlySet<number>;
  readonly sharedStrings: readonly string[];
}

/** Built-in number formats that show dates or times (ECMA-376 §18.8.30, with the usual locale ones). */
const BUILT_IN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56,
  57, 58,
]);

/** A format code shows a date when, outside quoted text, escapes and [brackets], it uses d, m, y, h or s. */
export function isDateFormat(code: string): boolean {
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/_.|\*./g, '');
  return /[dmyhs]/i.test(bare.split(';')[0] ?? '');
}

const unreadable = () => new AppError('unprocessable', 'The file is not a readable XLSX workbook.');

/** Excel allows no control character in a sheet name; a crafted file's are dropped (PostgreSQL text cannot hold NUL). */
const sheetName = (raw: string) =>
  [...raw]
    .filter((character) => character >= ' ' && character !== '\u007f')
    .join('')
    .slice(0, 200);

/** Resolves a relationship target against the folder of the part that names it. */
function resolveTarget(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  return path.posix.normalize(path.posix.join(path.posix.dirname(base), target));
}

function relationships(bytes: Buffer, base: string): Map<string, { type: string; target: string }> {
  const found = new Map<string, { type: string; target: string }>();
  scanXml(bytes, {
    open: (name, source) => {
      if (name !== 'Relationship') return;
      const attributes = attributesOf(source);
      const id = attributes.get('Id');
      const target = attributes.get('Target');
      if (id && target) found.set(id, { type: attributes.get('Type') ?? '', target: resolveTarget(base, target) });
    },
    close: () => undefined,
    text: () => undefined,
  });
  return found;
}

const relsOf = (part: string) =>
  path.posix.join(path.posix.dirname(part), '_rels', `${path.posix.basename(part)}.rels`);

async function workbookPart(zip: ZipReader): Promise<string> {
  if (zip.has('_rels/.rels')) {
    for (const relation of relationships(await zip.read('_rels/.rels'), '').values()) {
      if (relation.type.endsWith('/officeDocument') && zip.has(relation.target)) return relation.target;
    }
  }
  if (zip.has('xl/workbook.xml')) return 'xl/workbook.xml';
  throw unreadable();
}

function dateStylesOf(bytes: Buffer): Set<number> {
  const formats = new Map<number, string>();
  const styles: number[] = [];
  let inCellXfs = false;
  scanXml(bytes, {
    open: (name, source) => {
      if (name === 'numFmt') {
        const attributes = attributesOf(source);
        formats.set(Number(attributes.get('numFmtId')), attributes.get('formatCode') ?? '');
      } else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) styles.push(Number(attributesOf(source).get('numFmtId') ?? 0));
    },
    close: (name) => {
      if (name === 'cellXfs') inCellXfs = false;
    },
    text: () => undefined,
  });
  const dates = new Set<number>();
  styles.forEach((format, index) => {
    const code = formats.get(format);
    if (code !== undefined ? isDateFormat(code) : BUILT_IN_DATE_FORMATS.has(format)) dates.add(index);
  });
  return dates;
}

/** Shared strings, each the text of its runs (phonetic guides left out). */
async function sharedStringsOf(zip: ZipReader, part: string, maxBytes: number): Promise<string[]> {
  const strings: string[] = [];
  let current: string[] | undefined;
  let inText = false;
  let phonetic = 0;
  let bytes = 0;
  const scanner = new XmlScanner({
    open: (name) => {
      if (name === 'si') current = [];
      else if (name === 't' && phonetic === 0) inText = true;
      else if (name === 'rPh') phonetic++;
    },
    close: (name) => {
      if (name === 'si') {
        strings.push((current ?? []).join(''));
        current = undefined;
      } else if (name === 't') inText = false;
      else if (name === 'rPh') phonetic--;
    },
    text: (value) => {
      if (inText && current) current.push(value);
    },
  });
  await zip.stream(part, (chunk) => {
    bytes += chunk.length;
    if (bytes > maxBytes) {
      throw limitError(
        'xlsxSharedStringsBytes',
        `The workbook's shared strings exceed ${formatBytes(maxBytes)}, the most that is read.`,
        maxBytes,
      );
    }
    scanner.write(chunk);
  });
  scanner.end();
  return strings;
}

/** Reads the workbook's sheet list, date system, styles and shared strings. */
export async function readWorkbookParts(zip: ZipReader, maxSharedStringsBytes: number): Promise<WorkbookParts> {
  const workbook = await workbookPart(zip);
  const relations = zip.has(relsOf(workbook))
    ? relationships(await zip.read(relsOf(workbook)), workbook)
    : new Map<string, { type: string; target: string }>();
  const sheets: { name: string; part: string }[] = [];
  let date1904 = false;
  scanXml(await zip.read(workbook), {
    open: (name, source) => {
      if (name === 'workbookPr') {
        const value = attributesOf(source).get('date1904');
        date1904 = value === '1' || value === 'true';
      } else if (name === 'sheet') {
        const attributes = attributesOf(source);
        const relation = relations.get(attributes.get('id') ?? '');
        if (relation && relation.type.endsWith('/worksheet') && zip.has(relation.target))
          sheets.push({ name: sheetName(attributes.get('name') ?? ''), part: relation.target });
      }
    },
    close: () => undefined,
    text: () => undefined,
  });
  const typed = (suffix: string) =>
    [...relations.values()].find((relation) => relation.type.endsWith(suffix) && zip.has(relation.target))?.target;
  const stylesPart = typed('/styles');
  const stringsPart = typed('/sharedStrings');
  return {
    sheets,
    date1904,
    dateStyles: stylesPart ? dateStylesOf(await zip.read(stylesPart)) : new Set(),
    sharedStrings: stringsPart ? await sharedStringsOf(zip, stringsPart, maxSharedStringsBytes) : [],
  };
}
