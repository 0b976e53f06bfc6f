// Hand-made XLSX files, hostile ones included, built rather than committed: a
// tiny ZIP writer whose entries are either deflated whole or assembled from
// independently deflated pieces (so a gigabyte of sheet XML costs a few
// megabytes and no gigabyte in memory). Shared by test/security/ and the fuzz
// bench (bench/fuzz-cases.mjs); its types are in workbooks.d.mts.
import { constants, crc32, deflateRawSync } from 'node:zlib';

export function deflatedEntry(name, content) {
  const data = typeof content === 'string' ? Buffer.from(content) : content;
  return { name, deflated: deflateRawSync(data), size: data.length, crc: crc32(data) };
}

/**
 * `head`, then `middle` repeated `times`, then `tail`, deflated piece by piece (sync-flushed pieces concatenate).
 * Past `checksumLimit` bytes the checksum is left 0 (working it out costs seconds for a gigabyte): the reader's
 * size limits must then refuse the entry before any checksum is compared.
 */
export function repeatedEntry(name, head, middle, times, tail, checksumLimit = Infinity) {
  const flush = { finishFlush: constants.Z_SYNC_FLUSH };
  const headBytes = Buffer.from(head);
  const middleBytes = Buffer.from(middle);
  const tailBytes = Buffer.from(tail);
  const size = headBytes.length + middleBytes.length * times + tailBytes.length;
  let crc = 0;
  if (size <= checksumLimit) {
    crc = crc32(headBytes);
    for (let i = 0; i < times; i++) crc = crc32(middleBytes, crc);
    crc = crc32(tailBytes, crc);
  }
  const middleDeflated = deflateRawSync(middleBytes, flush);
  const pieces = [
    deflateRawSync(headBytes, flush),
    ...Array.from({ length: times }, () => middleDeflated),
    deflateRawSync(tailBytes),
  ];
  return { name, deflated: Buffer.concat(pieces), size, crc };
}

export function zip(entries) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const size = entry.declaredSize ?? entry.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(entry.crc >>> 0, 14);
    local.writeUInt32LE(entry.deflated.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, entry.deflated);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(20, 4);
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE(0x0800, 8);
    record.writeUInt16LE(8, 10);
    record.writeUInt32LE(entry.crc >>> 0, 16);
    record.writeUInt32LE(entry.deflated.length, 20);
    record.writeUInt32LE(size, 24);
    record.writeUInt16LE(name.length, 28);
    record.writeUInt32LE(offset, 42);
    central.push(record, name);
    offset += 30 + name.length + entry.deflated.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
export const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

export const escapeXml = (text) =>
  String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The parts around the sheets: content types, relationships, workbook, styles (style 1 is a date), shared strings. */
export function workbookParts(sheetNames, options = {}) {
  const sheets = sheetNames
    .map((name, index) => `<sheet name="${escapeXml(name)}" sheetId="${index + 1}" r:id="rId${index + 1}"/>`)
    .join('');
  const relations = sheetNames
    .map(
      (_, index) =>
        `<Relationship Id="rId${index + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${index + 1}.xml"/>`,
    )
    .join('');
  const n = sheetNames.length;
  return [
    deflatedEntry(
      '[Content_Types].xml',
      `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
    ),
    deflatedEntry(
      '_rels/.rels',
      `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    deflatedEntry(
      'xl/workbook.xml',
      `<?xml version="1.0"?><workbook xmlns="${NS}" xmlns:r="${REL}">${options.date1904 ? '<workbookPr date1904="1"/>' : ''}<sheets>${sheets}</sheets></workbook>`,
    ),
    deflatedEntry(
      'xl/_rels/workbook.xml.rels',
      `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${relations}<Relationship Id="rId${n + 1}" Type="${REL}/styles" Target="styles.xml"/><Relationship Id="rId${n + 2}" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    ),
    deflatedEntry(
      'xl/styles.xml',
      `<?xml version="1.0"?><styleSheet xmlns="${NS}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="4"/></cellXfs></styleSheet>`,
    ),
    deflatedEntry(
      'xl/sharedStrings.xml',
      `<?xml version="1.0"?><sst xmlns="${NS}">${(options.sharedStrings ?? []).map((text) => `<si><t>${escapeXml(text)}</t></si>`).join('')}</sst>`,
    ),
  ];
}

export const sheetXml = (rows) =>
  `<?xml version="1.0"?><worksheet xmlns="${NS}"><sheetData>${rows}</sheetData></worksheet>`;

/** A row of inline-string cells from column A. */
export function inlineRow(row, values) {
  const cells = values.map(
    (value, index) =>
      `<c r="${String.fromCharCode(65 + index)}${row}" t="inlineStr"><is><t>${escapeXml(value)}</t></is></c>`,
  );
  return `<row r="${row}">${cells.join('')}</row>`;
}

export const HEADER = [
  'Date',
  'Campaign name',
  'Ad set name',
  'Impressions',
  'Clicks',
  'Amount spent (USD)',
  'Reach',
  'Frequency',
  'Results',
  'Cost per result',
  'Link clicks',
  'CTR',
  'CPC',
  'CPM',
  'Purchases',
  'Purchase value',
  'Age',
  'Gender',
  'Country',
  'Placement',
];

/** The issue's 1.7 KB workbook: a 20-column header and one value at A1048576. */
export function sparseWorkbook() {
  const rows = `${inlineRow(1, HEADER)}<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>`;
  return zip([...workbookParts(['Sheet1']), deflatedEntry('xl/worksheets/sheet1.xml', sheetXml(rows))]);
}

const MIB = 1024 ** 2;

/** One MiB of rows of numbers, the body of a bomb. */
export const BOMB_BLOCK = (() => {
  const row = '<row><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>';
  return row.repeat(Math.floor(MIB / row.length));
})();

/** A workbook whose one sheet is about `mib` MiB of XML; `lie` makes the directory claim 100 KiB. */
export function bombWorkbook(mib, lie = false, checksumLimit = Infinity) {
  const head = sheetXml('').replace('</sheetData></worksheet>', inlineRow(1, HEADER));
  const entry = repeatedEntry(
    'xl/worksheets/sheet1.xml',
    head,
    BOMB_BLOCK,
    mib,
    '</sheetData></worksheet>',
    checksumLimit,
  );
  return zip([...workbookParts(['Sheet1']), lie ? { ...entry, declaredSize: 100 * 1024 } : entry]);
}
