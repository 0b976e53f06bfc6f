import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../errors.js';
import { openZipReader, type UnzipLimits, type ZipReader } from './zip-reader.js';

/** The formats read: delimited text, or a workbook whose sheet is written as CSV first. */
export type SourceFormat = 'csv' | 'xlsx';

/** What every refusal of a file that is not a campaign export ends with: what is accepted instead. */
export const ACCEPTED_UPLOADS = 'Upload a CSV, TSV or XLSX export from your ad platform.';

/** Refuses an upload for what it is; `statement` names the file and says what it is. */
export function refuseUpload(statement: string): AppError {
  return new AppError('unprocessable', `${statement} ${ACCEPTED_UPLOADS}`);
}

const NOT_AN_EXPORT = 'not a spreadsheet export';

/** What a file's content says it is: a format read, or what it is instead (with any advice). */
type Identified = { readonly format: SourceFormat } | { readonly what: string };

interface Signature {
  readonly magic: Buffer;
  readonly what: string;
}

const signature = (magic: string | readonly number[], what: string): Signature => ({
  magic: typeof magic === 'string' ? Buffer.from(magic, 'latin1') : Buffer.from(magic),
  what,
});

/** Files told by their first bytes alone. */
const SIGNATURES: readonly Signature[] = [
  signature('%PDF-', `a PDF document, ${NOT_AN_EXPORT}`),
  signature([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `a PNG image, ${NOT_AN_EXPORT}`),
  signature([0xff, 0xd8, 0xff], `a JPEG image, ${NOT_AN_EXPORT}`),
  signature('GIF87a', `a GIF image, ${NOT_AN_EXPORT}`),
  signature('GIF89a', `a GIF image, ${NOT_AN_EXPORT}`),
  signature([0x1f, 0x8b], 'a gzip-compressed file; decompress it first'),
  signature('{\\rtf', `an RTF document, ${NOT_AN_EXPORT}`),
];

/** A local file header, or the end of an empty archive's directory. */
const ZIP_MAGIC = [Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('PK\x05\x06', 'latin1')];
/** A compound file: legacy .xls, .doc and .ppt, and OOXML files saved with a password. */
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const HTML = /^(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html)[\s>]/i;
const HEAD_BYTES = 512;

/** Directory sectors of a compound file read for its stream names: the main streams come first. */
const OLE_DIRECTORY_SECTORS = 16;
/** Sector numbers from here up mark a chain's end or free sectors. */
const OLE_END = 0xfffffffa;

/** Stream names in a compound file's first directory sectors (MS-CFB), following the chain through the first FAT sectors. */
async function oleStreamNames(handle: FileHandle, header: Buffer): Promise<Set<string>> {
  const names = new Set<string>();
  const shift = header.length >= HEAD_BYTES ? header.readUInt16LE(0x1e) : 0;
  if (shift !== 9 && shift !== 12) return names;
  const sectorSize = 2 ** shift;
  const entriesPerFatSector = sectorSize / 4;
  const directory = Buffer.alloc(sectorSize);
  const link = Buffer.alloc(4);
  let sector = header.readUInt32LE(0x30);
  for (let read = 0; read < OLE_DIRECTORY_SECTORS && sector < OLE_END; read++) {
    const { bytesRead } = await handle.read(directory, 0, sectorSize, (sector + 1) * sectorSize);
    for (let at = 0; at + 128 <= bytesRead; at += 128) {
      const length = directory.readUInt16LE(at + 0x40);
      if (length >= 2 && length <= 64) names.add(directory.toString('utf16le', at, at + length - 2));
    }
    // The header lists the first 109 FAT sectors; a directory reaching past them is not followed.
    const fatIndex = Math.floor(sector / entriesPerFatSector);
    if (fatIndex >= 109) break;
    const fatSector = header.readUInt32LE(0x4c + fatIndex * 4);
    if (fatSector >= OLE_END) break;
    const position = (fatSector + 1) * sectorSize + (sector % entriesPerFatSector) * 4;
    if ((await handle.read(link, 0, 4, position)).bytesRead < 4) break;
    sector = link.readUInt32LE(0);
  }
  return names;
}

function describeOle(names: ReadonlySet<string>): string {
  if (names.has('EncryptedPackage')) return 'a password-protected Office file; save it without a password';
  if (names.has('Workbook') || names.has('Book')) return 'a legacy Excel workbook (.xls); save it as .xlsx or CSV';
  if (names.has('WordDocument')) return `a legacy Word document (.doc), ${NOT_AN_EXPORT}`;
  if (names.has('PowerPoint Document')) return `a legacy PowerPoint presentation (.ppt), ${NOT_AN_EXPORT}`;
  return 'a legacy Office file (such as .xls or .doc); save a workbook as .xlsx or CSV';
}

const OPEN_DOCUMENT = 'application/vnd.oasis.opendocument.';

/** An archive's `mimetype` entry names OpenDocument files and EPUB books. */
function describeMimetype(type: string): string | undefined {
  if (type.startsWith(`${OPEN_DOCUMENT}spreadsheet`))
    return 'an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV';
  if (type.startsWith(`${OPEN_DOCUMENT}text`)) return `an OpenDocument text document (.odt), ${NOT_AN_EXPORT}`;
  if (type.startsWith(`${OPEN_DOCUMENT}presentation`)) return `an OpenDocument presentation (.odp), ${NOT_AN_EXPORT}`;
  if (type.startsWith(OPEN_DOCUMENT)) return `an OpenDocument file, ${NOT_AN_EXPORT}`;
  if (type === 'application/epub+zip') return `an EPUB e-book, ${NOT_AN_EXPORT}`;
  return undefined;
}

async function mimetypeOf(zip: ZipReader): Promise<string> {
  try {
    return (await zip.read('mimetype', 256)).toString('latin1').trim();
  } catch {
    return '';
  }
}

/** Tells an archive by its directory (and an OpenDocument file by its one-line `mimetype`); inflates nothing else. */
async function identifyZip(file: string, limits: UnzipLimits): Promise<Identified> {
  let zip: ZipReader;
  try {
    zip = await openZipReader(file, limits);
  } catch (error) {
    if (error instanceof AppError && error.extensions.limit !== undefined) throw error;
    return { what: 'a damaged or incomplete ZIP archive, not a readable XLSX workbook' };
  }
  try {
    if (zip.has('word/document.xml')) return { what: `a Word document, ${NOT_AN_EXPORT}` };
    if (zip.has('ppt/presentation.xml')) return { what: `a PowerPoint presentation, ${NOT_AN_EXPORT}` };
    if (zip.has('xl/workbook.bin')) return { what: 'an Excel binary workbook (.xlsb); save it as .xlsx or CSV' };
    // The workbook reader finds the workbook part itself; every writer seen puts it under xl/.
    if (zip.names().some((name) => name.startsWith('xl/'))) return { format: 'xlsx' };
    const described = zip.has('mimetype') ? describeMimetype(await mimetypeOf(zip)) : undefined;
    return { what: described ?? 'a ZIP archive that holds no XLSX workbook; if an export is inside, unzip it first' };
  } finally {
    zip.close();
  }
}

async function identify(file: string, limits: UnzipLimits): Promise<Identified> {
  const handle = await open(file, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    head = buffer.subarray(0, (await handle.read(buffer, 0, HEAD_BYTES, 0)).bytesRead);
    const known = SIGNATURES.find((candidate) => head.subarray(0, candidate.magic.length).equals(candidate.magic));
    if (known) return { what: known.what };
    if (head.subarray(0, OLE_MAGIC.length).equals(OLE_MAGIC))
      return { what: describeOle(await oleStreamNames(handle, head)) };
  } finally {
    await handle.close();
  }
  if (HTML.test(head.toString('latin1'))) return { what: `an HTML page, ${NOT_AN_EXPORT}` };
  if (ZIP_MAGIC.some((magic) => head.subarray(0, magic.length).equals(magic))) return identifyZip(file, limits);
  // Anything else is taken for text; the sniffer refuses what is not a table.
  return { format: 'csv' };
}

const TEXT_EXTENSIONS = new Set(['.csv', '.tsv', '.txt']);

/**
 * Tells what an upload is by its content, whatever its name says, and refuses
 * anything but delimited text and XLSX workbooks with a message that names the
 * file, says what it is and what is accepted. A workbook named as text, or text
 * named .xlsx, is refused too: the name is what the user will see it by.
 */
export async function recogniseUpload(file: string, name: string, limits: UnzipLimits): Promise<SourceFormat> {
  const found = await identify(file, limits);
  if ('what' in found) throw refuseUpload(`"${name}" is ${found.what}.`);
  const extension = path.extname(name).toLowerCase();
  if (found.format === 'xlsx' && TEXT_EXTENSIONS.has(extension))
    throw refuseUpload(`"${name}" is an XLSX workbook, not ${extension} text; rename it to .xlsx.`);
  if (found.format === 'csv' && extension === '.xlsx')
    throw refuseUpload(`"${name}" is named .xlsx but is text, not an XLSX workbook; rename it to .csv.`);
  return found.format;
}
